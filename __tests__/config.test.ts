import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, DEFAULT_REGIONS, loadConfig, parseConfig } from "../modules/config";

const problemsOf = (value: unknown): readonly string[] => {
  try {
    parseConfig(value, "test.json");
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("config was accepted");
};

describe("config defaults", () => {
  test("a config with only slack gets the 17 default regions, us-east-1 home, trailguard prefix", () => {
    const c = parseConfig({ slack: { channel: "C0123ABCDEF" } });
    expect(c.regions).toEqual([...DEFAULT_REGIONS]);
    expect(c.regions).toHaveLength(17);
    expect(c.homeRegion).toBe("us-east-1");
    expect(c.namePrefix).toBe("trailguard");
    expect(c.tags).toEqual({});
  });

  test("the shipped example config is valid", () => {
    expect(() => loadConfig(join(__dirname, "..", "trailguard.config.json"))).not.toThrow();
  });

  test("opt-in regions are accepted when listed", () => {
    expect(parseConfig({ slack: { incomingWebhook: true }, regions: ["us-east-1", "af-south-1"] }).regions).toEqual([
      "us-east-1",
      "af-south-1",
    ]);
  });
});

describe("bad configs name the field and the reason", () => {
  test.each<[string, unknown, RegExp]>([
    ["unknown region", { slack: { channel: "C0123ABCDEF" }, regions: ["us-east-1", "eu-west-9"] }, /^regions\[1\]: unknown region "eu-west-9"/],
    ["duplicate region", { slack: { channel: "C0123ABCDEF" }, regions: ["us-east-1", "us-east-1"] }, /^regions\[1\]: duplicate region "us-east-1"/],
    ["homeRegion not in regions", { slack: { channel: "C0123ABCDEF" }, regions: ["eu-west-1"] }, /^homeRegion: "us-east-1" is not in regions/],
    ["both channel and webhook", { slack: { channel: "C0123ABCDEF", incomingWebhook: true } }, /^slack: set exactly one of "channel".*"incomingWebhook"/],
    ["neither channel nor webhook", { slack: {} }, /^slack: set exactly one of/],
    ["missing slack", {}, /^slack: required: set "channel"/],
    ["unknown top-level field", { slack: { channel: "C0123ABCDEF" }, slackToken: "x" }, /^slackToken: unknown field/],
    ["unknown nested field", { slack: { channel: "C0123ABCDEF", url: "https://x" } }, /^slack\.url: unknown field/],
    ["channel with JSON-breaking characters", { slack: { channel: 'C01"}' } }, /^slack\.channel: must be a Slack channel ID/],
    ["empty region list", { slack: { channel: "C0123ABCDEF" }, regions: [] }, /^regions: list at least one region/],
    ["tag with characters AWS refuses", { slack: { channel: "C0123ABCDEF" }, tags: { Owner: "a${b}" } }, /^tags\.Owner: tag values are 0-256 letters, digits, spaces/],
    ["config that is not an object", ["us-east-1"], /^\(config\): expected object/],
  ])("%s", (_label, value, expected) => {
    expect(problemsOf(value)).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });

  test("every problem is reported at once, not only the first", () => {
    expect(problemsOf({ slack: {}, regions: ["mars-1", "us-east-1"], extra: 1 })).toHaveLength(3);
  });
});

describe("loadConfig", () => {
  const dir = mkdtempSync(join(tmpdir(), "tg-config-"));

  test("a file that is not JSON fails with the parser's reason and the file name", () => {
    const file = join(dir, "broken.json");
    writeFileSync(file, '{ "slack": { "channel": "C0123ABCDEF" }, }');
    expect(() => loadConfig(file)).toThrow(new RegExp(`invalid trailguard config ${file}:\\n  - not valid JSON: `));
  });

  test("a missing file fails with ENOENT", () => {
    expect(() => loadConfig(join(dir, "absent.json"))).toThrow(/cannot read the file: ENOENT/);
  });
});

describe("trails and remediation", () => {
  test("defaults: enforce, no re-creation, a 5-minute heartbeat, one remediation at a time, info logs kept 90 days; trails inherit homeRegion", () => {
    const c = parseConfig({ slack: { channel: "C0123ABCDEF" }, homeRegion: "eu-west-1", trails: [{ name: "org-trail", s3Bucket: "audit-logs" }] });
    expect(c.remediation).toEqual({ mode: "enforce", unlistedTrails: "restart", recreateDeletedTrails: false, heartbeatMinutes: 5, reservedConcurrency: 1, logLevel: "info", logRetentionDays: 90 });
    expect(c.trails).toEqual([
      { name: "org-trail", homeRegion: "eu-west-1", multiRegion: true, includeGlobalEvents: true, logFileValidation: true, s3Bucket: "audit-logs", managementEvents: "All" },
    ]);
  });

  test.each<[string, unknown, RegExp]>([
    ["a trail name with a quote", [{ name: 'x"y', s3Bucket: "audit-logs" }], /^trails\[0\]\.name: must be a CloudTrail trail name/],
    ["a KMS alias instead of a key ARN", [{ name: "org-trail", s3Bucket: "audit-logs", kmsKeyId: "alias/cloudtrail" }], /^trails\[0\]\.kmsKeyId: must be a KMS key ARN/],
    ["a duplicate trail", [{ name: "t-1", s3Bucket: "b-1" }, { name: "t-1", s3Bucket: "b-2" }], /^trails\[1\]\.name: duplicate trail "t-1"/],
    ["a missing bucket", [{ name: "org-trail" }], /^trails\[0\]\.s3Bucket: required field is missing/],
  ])("%s is refused", (_label, trails, expected) => {
    expect(problemsOf({ slack: { channel: "C0123ABCDEF" }, trails })).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });

  test.each<[string, unknown, RegExp]>([
    ["an unknown mode", { mode: "yolo" }, /^remediation\.mode: /],
    ["a heartbeat of 0 minutes", { heartbeatMinutes: 0 }, /^remediation\.heartbeatMinutes: /],
    ["a retention CloudWatch refuses", { logRetentionDays: 10 }, /^remediation\.logRetentionDays: must be one of 1, 3, 5/],
  ])("%s is refused", (_label, remediation, expected) => {
    expect(problemsOf({ slack: { channel: "C0123ABCDEF" }, remediation })).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });
});

describe("detections and custom rules", () => {
  const rule = (over: Record<string, unknown> = {}) => ({
    id: "t2-micro",
    title: "t2.micro launched",
    severity: "medium",
    eventSource: "ec2.amazonaws.com",
    eventNames: ["RunInstances"],
    match: { requestParameters: { instanceType: ["t2.micro"] } },
    ...over,
  });
  const withRules = (rules: unknown[], detections?: unknown) => ({ slack: { channel: "C0123ABCDEF" }, rules, ...(detections ? { detections } : {}) });

  test("a valid custom rule with every operator is accepted", () => {
    const match = {
      requestParameters: {
        instanceType: [{ prefix: "t2." }, { suffix: ".micro" }, { wildcard: "t*.micro" }, { "equals-ignore-case": "T2.MICRO" }, { "anything-but": ["m5.large"] }],
        maxCount: [{ numeric: [">", 1, "<=", 10] }],
        subnetId: [{ exists: true }],
      },
      $or: [{ userIdentity: { type: ["Root"] } }, { userIdentity: { type: ["IAMUser"] } }],
    };
    expect(() => parseConfig(withRules([rule({ match })]))).not.toThrow();
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    ["an unknown operator", { match: { requestParameters: { instanceType: [{ prefx: "t2" }] } } }, /^rules\[0\]\.match\.requestParameters\.instanceType\[0\]: rule "t2-micro": unknown operator "prefx"/],
    ["an empty list", { match: { requestParameters: { instanceType: [] } } }, /^rules\[0\]\.match\.requestParameters\.instanceType: rule "t2-micro": empty list matches nothing/],
    ["a bare value instead of a list", { match: { requestParameters: { instanceType: "t2.micro" } } }, /instanceType: rule "t2-micro": must be a list of matchers/],
    ["$or with one alternative", { match: { $or: [{ a: ["b"] }] } }, /^rules\[0\]\.match\["\$or"\]: rule "t2-micro": takes a list of at least two/],
    ["a bad numeric", { match: { n: [{ numeric: ["~", 1] }] } }, /n\[0\]: rule "t2-micro": numeric: unknown comparison "~"/],
    ["no event names", { eventNames: [] }, /^rules\[0\]\.eventNames: list at least one event name/],
    ["a title with markup", { title: "<!channel> pwned" }, /^rules\[0\]\.title: must be 1-80/],
    ["a title with a Terraform template", { title: "x ${var.slack_token}" }, /^rules\[0\]\.title: must be 1-80/],
    ["an eventSource that is not a service host", { eventSource: "ec2" }, /^rules\[0\]\.eventSource: must be a service host/],
    ["an id used by the catalog", { id: "trail-delete" }, /^rules\[0\]\.id: rule "trail-delete": id already used/],
  ])("a custom rule with %s names the rule and the field", (_label, over, expected) => {
    expect(problemsOf(withRules([rule(over)]))).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });

  test("include/exclude accept ids, families and custom rule ids, and refuse unknown names and the trail family", () => {
    expect(() => parseConfig(withRules([rule()], { include: ["trail", "adjacent", "t2-micro"], exclude: ["self-lambda"] }))).not.toThrow();
    expect(problemsOf(withRules([], { include: ["trail", "nope"] }))).toEqual([`detections.include[1]: unknown detection or family "nope"`]);
    expect(problemsOf(withRules([], { exclude: ["trail-stop-logging", "lake-ingestion", "trail"] }))).toEqual([
      `detections.exclude[0]: "trail-stop-logging" is the trail family, which trailguard always watches`,
      `detections.exclude[1]: "lake-ingestion" is the trail family, which trailguard always watches`,
      `detections.exclude[2]: "trail" is the trail family, which trailguard always watches`,
    ]);
    // Delivery-path detections whose ids also start with "trail-" may be turned off.
    expect(parseConfig(withRules([], { exclude: ["trail-bucket", "trail-key"] })).detections.exclude).toEqual(["trail-bucket", "trail-key"]);
  });
});
