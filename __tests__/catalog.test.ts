import {
  buildCatalog,
  CatalogContext,
  customDetection,
  Detection,
  groupDetections,
  groupPattern,
  PatternObject,
} from "../modules/detections";
import { matchesPattern } from "../modules/eventbridge/pattern";
import { ALARM_KEY, asTrailguardOwn, catalogFixtures, CloudTrailEvent, isFailed, loadFixture, readOnly } from "./helpers/fixtures";

const ALL_FIXTURES = catalogFixtures();
/**
 * Real (or derived) records of a detection's calls that must NOT alert, and why, by file. The detection's
 * own matching test skips them; the test below checks each is missed.
 */
const NEAR_MISSES: Record<string, readonly (readonly [string, string])[]> = {
  "catalog/delivery/put-bucket-versioning.json": [["trail-bucket", "versioning turned on (Status Enabled)"]],
  "catalog/delivery/put-bucket-lifecycle-730-days.json": [["trail-bucket", "expiry after 730 days, past the 365-day minimum"]],
  "catalog/delivery/disable-aws-service-access-config.json": [
    ["trail-organization-access", "AWS Config's trusted access, not CloudTrail's"],
    ["self-organization-access", "AWS Config's trusted access, not StackSets'"],
  ],
  "catalog/delivery/disable-aws-service-access-cloudtrail.json": [["self-organization-access", "CloudTrail's trusted access, not StackSets'"]],
  "catalog/self/disable-aws-service-access-stacksets.json": [["trail-organization-access", "StackSets' trusted access, not CloudTrail's"]],
  "catalog/self/update-policy-backup-policy.json": [["self-organization-policies", "a backup policy changed, not a service or resource control policy"]],
  "catalog/delivery/deregister-delegated-administrator-cloudtrail.json": [["self-organization-access", "CloudTrail's delegated administrator, not StackSets'"]],
  "catalog/self/deregister-delegated-administrator-stacksets.json": [["trail-organization-access", "StackSets' delegated administrator, not CloudTrail's"]],
  "catalog/delivery/deregister-delegated-administrator-securityhub.json": [
    ["trail-organization-access", "Security Hub's delegated administrator, not CloudTrail's"],
    ["self-organization-access", "Security Hub's delegated administrator, not StackSets'"],
  ],
};
const isNearMiss = (file: string, id: string) => (NEAR_MISSES[file] ?? []).some(([missed]) => missed === id);

/**
 * Detections of an organization-wide setting: trusted access, the accounts' places in the organization,
 * control policies. Their records name no bucket, key, log group or trailguard resource, so the "another
 * resource" near miss does not apply to them; NEAR_MISSES and the tests below pin their filters.
 */
const ORGANIZATION_WIDE = ["trail-organization-access", "self-organization-access", "self-organization-accounts", "self-organization-policies"];

const ANY: CatalogContext = { namePrefix: "trailguard", trailBuckets: [], trailKeys: [], trailLogGroups: [], alarmKey: ALARM_KEY };
const outcome = (e: CloudTrailEvent) => (isFailed(e) ? "failed" : "succeeded");
/** The rule a detection gets on its own, for the event's outcome. */
const ruleOf = (d: Detection, e: CloudTrailEvent): PatternObject | undefined => {
  const [g] = groupDetections([d]);
  return g.outcomes.includes(outcome(e)) ? groupPattern(g, outcome(e)) : undefined;
};
const sameCall = (d: Detection, e: CloudTrailEvent) =>
  e.detail.eventSource === `${d.service}.amazonaws.com` && matchesPattern({ eventName: d.eventNames }, e.detail);

const params = (e: CloudTrailEvent) => (e.detail.requestParameters ?? {}) as Record<string, string>;
/** The catalog filtered to the resources this record touches, as the config would name them. */
function contextFor(e: CloudTrailEvent): CatalogContext {
  const p = params(e);
  const key = p.keyId && !p.keyId.startsWith("arn:") ? `arn:aws:kms:${e.region}:${e.account}:key/${p.keyId}` : p.keyId;
  return { ...ANY, trailBuckets: p.bucketName ? [p.bucketName] : [], trailKeys: key ? [key] : [], trailLogGroups: p.logGroupName ? [p.logGroupName] : [] };
}
describe.each(buildCatalog(ANY).map((d) => [d.id, d] as const))("detection %s", (id, base) => {
  const records = ALL_FIXTURES.filter(([f, e]) => sameCall(base, e) && !isNearMiss(f, id));

  test("has at least one real record of its calls among the fixtures", () => {
    expect(records.map(([f]) => f)).not.toEqual([]);
  });

  test.each(records)("matches %s (filtered to that record's own resource)", (_f, event) => {
    const own = base.family === "self" ? asTrailguardOwn(event) : event;
    const detection = buildCatalog(contextFor(event)).find((d) => d.id === id)!;
    const rule = ruleOf(detection, own);
    if (!rule) return expect(isFailed(own) && base.outcomes === "succeeded").toBe(true); // attempts are not alerted
    expect(matchesPattern(rule, own)).toBe(true);
  });

  test.each(records)("does not match near misses of %s: a read-only call, another resource", (_f, event) => {
    const own = base.family === "self" ? asTrailguardOwn(event) : event;
    const detection = buildCatalog(contextFor(event)).find((d) => d.id === id)!;
    const rule = ruleOf(detection, own) ?? groupPattern(groupDetections([detection])[0], "succeeded");
    expect(matchesPattern(rule, readOnly(own))).toBe(false);
    if (ORGANIZATION_WIDE.includes(id)) return;
    if (base.family === "self") expect(matchesPattern(rule, event)).toBe(false); // not trailguard's
    if (base.family === "delivery") {
      const other = buildCatalog({ ...ANY, trailBuckets: ["another-bucket"], trailKeys: ["arn:aws:kms:us-east-1:111122223333:key/other"], trailLogGroups: ["another-group"] }).find((d) => d.id === id)!;
      const otherRule = ruleOf(other, own);
      if (otherRule) expect(matchesPattern(otherRule, own)).toBe(false);
    }
  });
});

describe("near misses a detection must not alert on", () => {
  const misses = Object.entries(NEAR_MISSES).flatMap(([file, list]) => list.map(([id, why]) => [file, id, why] as const));
  test.each(misses)("%s is not %s: %s", (file, id) => {
    const [, event] = ALL_FIXTURES.find(([f]) => f === file)!;
    const detection = buildCatalog(contextFor(event)).find((d) => d.id === id)!;
    const own = detection.family === "self" ? asTrailguardOwn(event) : event;
    expect(matchesPattern(ruleOf(detection, own)!, own)).toBe(false);
  });

  test("a successful record carrying errorCode \"\" counts as successful", () => {
    const event = loadFixture("catalog/delivery/put-bucket-lifecycle-empty-error-code");
    const bucket = buildCatalog(contextFor(event)).find((d) => d.id === "trail-bucket")!;
    expect(event.detail.errorCode).toBe("");
    expect(matchesPattern(groupPattern(groupDetections([bucket])[0], "succeeded"), event)).toBe(true);
  });

  test("minRetentionDays moves the line: a 730-day expiry alerts when 1,000 days are required", () => {
    const event = loadFixture("catalog/delivery/put-bucket-lifecycle-730-days");
    const strict = buildCatalog({ ...contextFor(event), minRetentionDays: 1000 }).find((d) => d.id === "trail-bucket")!;
    expect(matchesPattern(ruleOf(strict, event)!, event)).toBe(true);
  });
});

describe("unfiltered delivery detections", () => {
  test("with no trails in the config, the delivery detections watch every bucket, key and log group", () => {
    const bucket = buildCatalog(ANY).find((d) => d.id === "trail-bucket")!;
    expect(bucket.detail).not.toHaveProperty("requestParameters");
    expect(matchesPattern(ruleOf(bucket, loadFixture("catalog/delivery/delete-bucket"))!, loadFixture("catalog/delivery/delete-bucket"))).toBe(true);
  });
});

// The seven AWS defense-evasion techniques of Stratus Red Team, with the real record of each.
const STRATUS: [string, string][] = [
  ["cloudtrail-stop", "stop-logging"],
  ["cloudtrail-delete", "delete-trail"],
  ["cloudtrail-event-selectors", "put-event-selectors"],
  ["cloudtrail-lifecycle-rule", "catalog/adjacent/stratus-cloudtrail-lifecycle-rule"],
  ["dns-delete-logs", "catalog/adjacent/delete-resolver-query-log-config"],
  ["organizations-leave", "catalog/adjacent/leave-organization-access-denied-us-east-1"],
  ["vpc-remove-flow-logs", "catalog/adjacent/delete-flow-logs"],
];

describe("Stratus Red Team defense-evasion coverage", () => {
  test.each(STRATUS)("aws.defense-evasion.%s is caught by a default or opt-in detection", (technique, fixture) => {
    const event = loadFixture(fixture);
    const catalog = buildCatalog(contextFor(event));
    const catching = catalog.filter((d) => d.stratus?.includes(technique));
    expect(catching.map((d) => d.id)).not.toEqual([]);
    expect(catching.some((d) => { const r = ruleOf(d, event); return r !== undefined && matchesPattern(r, event); })).toBe(true);
  });

  test("every stratus tag in the catalog is one of the seven", () => {
    const tags = buildCatalog(ANY).flatMap((d) => d.stratus ?? []);
    expect(new Set(tags)).toEqual(new Set(STRATUS.map(([t]) => t)));
  });
});

describe("seed 001's examples, as custom rules", () => {
  const t2micro = customDetection({
    id: "t2-micro",
    title: "t2.micro instance launched",
    severity: "medium",
    eventSource: "ec2.amazonaws.com",
    eventNames: ["RunInstances"],
    // Real records carry the type in requestParameters.instanceType (seed 001 looked in instancesSet.items[]).
    match: { requestParameters: { instanceType: ["t2.micro"] } },
  });
  const lambda = customDetection({
    id: "lambda-changes",
    title: "Lambda function created, changed or deleted",
    severity: "medium",
    eventSource: "lambda.amazonaws.com",
    // Real event names carry API versions: CreateFunction20150331, UpdateFunctionConfiguration20150331v2.
    eventNames: [{ prefix: "UpdateFunctionConfiguration" }, { prefix: "CreateFunction" }, { prefix: "DeleteFunction" }],
  });
  const runInstances = loadFixture("run-instances"); // a real t1.micro launch
  const asT2 = structuredClone(runInstances);
  asT2.detail.requestParameters.instanceType = "t2.micro";

  test("t2.micro: matches a t2.micro launch, not the real t1.micro one", () => {
    expect(matchesPattern(ruleOf(t2micro, asT2)!, asT2)).toBe(true);
    expect(matchesPattern(ruleOf(t2micro, runInstances)!, runInstances)).toBe(false);
  });

  test("Lambda: matches the real versioned UpdateFunctionConfiguration and DeleteFunction records", () => {
    for (const f of ["catalog/self/update-function-configuration", "catalog/self/delete-function", "catalog/self/delete-function-unversioned-name"]) {
      const e = loadFixture(f);
      expect([f, matchesPattern(ruleOf(lambda, e)!, e)]).toEqual([f, true]);
    }
  });

  test("seed 001's literal patterns match none of the real records they were written for", () => {
    const seedT2 = { source: ["aws.ec2"], "detail-type": ["AWS API Call via CloudTrail"], detail: { eventSource: ["ec2.amazonaws.com"], eventName: ["RunInstances"], requestParameters: { instancesSet: { items: { instanceType: ["t2.micro"] } } } } };
    const seedLambda = { source: ["aws.lambda"], "detail-type": ["AWS API Call via CloudTrail"], detail: { eventSource: ["lambda.amazonaws.com"], eventName: ["UpdateFunctionConfiguration", "CreateFunction", "DeleteFunction"] } };
    expect(matchesPattern(seedT2, asT2)).toBe(false);
    for (const f of ["catalog/self/update-function-configuration", "catalog/self/delete-function"]) expect(matchesPattern(seedLambda, loadFixture(f))).toBe(false);
  });

  test("custom rules on global services live in us-east-1 only", () => {
    const iam = customDetection({ id: "iam-keys", title: "Access key created", severity: "high", eventSource: "iam.amazonaws.com", eventNames: ["CreateAccessKey"] });
    expect(iam.scope).toBe("global");
    expect(t2micro.scope).toBe("regional");
  });
});

describe("self-lambda: every form of a function name Lambda accepts", () => {
  const selfLambda = buildCatalog(ANY).find((d) => d.id === "self-lambda")!;
  const base = loadFixture("catalog/self/update-function-code");
  const withName = (functionName: string): CloudTrailEvent => {
    const e = structuredClone(base);
    e.detail.requestParameters.functionName = functionName;
    return e;
  };
  test.each([
    ["name", "trailguard-remediate", true],
    ["name with version", "trailguard-remediate:3", true],
    ["name with alias", "trailguard-remediate:live", true],
    ["full ARN", "arn:aws:lambda:us-east-1:123456789012:function:trailguard-remediate", true],
    ["full ARN with $LATEST", "arn:aws:lambda:us-east-1:123456789012:function:trailguard-remediate:$LATEST", true],
    ["full ARN in another partition", "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:trailguard-heartbeat", true],
    ["partial ARN", "123456789012:function:trailguard-remediate", true],
    ["partial ARN with version", "123456789012:function:trailguard-remediate:1", true],
    ["account and name", "123456789012:trailguard-remediate", true],
    ["region, account and function", "us-east-1:123456789012:function:trailguard-heartbeat", true],
    ["another function by name", "payments-api", false],
    ["another function by partial ARN", "123456789012:function:payments-api", false],
  ])("%s (%s): alerts %s", (_form, name, alerts) => {
    expect(matchesPattern(ruleOf(selfLambda, base)!, withName(name))).toBe(alerts);
  });

  test("AddPermission, with Lambda's API-version suffix, is watched too", () => {
    const e = withName("trailguard-remediate");
    e.detail.eventName = "AddPermission20150331v2";
    expect(matchesPattern(ruleOf(selfLambda, e)!, e)).toBe(true);
  });
});

describe("organization-wide detections", () => {
  const catalog = buildCatalog(ANY);
  /** The detections whose own rule alerts on this record. */
  const alerting = (e: CloudTrailEvent) =>
    catalog.filter((d) => {
      const rule = ruleOf(d, e);
      return rule !== undefined && matchesPattern(rule, e);
    }).map((d) => d.id);

  test("are the default detections of Organizations calls, each with a rule in us-east-1 only", () => {
    const organizations = catalog.filter((d) => d.service === "organizations" && !d.optIn);
    expect(organizations.map((d) => [d.id, d.family, d.scope])).toEqual([
      ["trail-organization-access", "delivery", "global"],
      ["self-organization-access", "self", "global"],
      ["self-organization-accounts", "self", "global"],
      ["self-organization-policies", "self", "global"],
    ]);
    expect(organizations.map((d) => d.id)).toEqual(ORGANIZATION_WIDE);
  });

  const disable = loadFixture("catalog/delivery/disable-aws-service-access-cloudtrail");
  const withPrincipal = (servicePrincipal: string): CloudTrailEvent => {
    const e = structuredClone(disable);
    e.detail.requestParameters = { servicePrincipal };
    return e;
  };
  test.each([
    ["cloudtrail.amazonaws.com", ["trail-organization-access"]],
    ["stacksets.cloudformation.amazonaws.com", ["self-organization-access"]],
    ["member.org.stacksets.cloudformation.amazonaws.com", ["self-organization-access"]],
    ["config.amazonaws.com", []],
    ["guardduty.amazonaws.com", []],
    ["cloudtrail.amazonaws.com.example", []],
  ])("DisableAWSServiceAccess for %s alerts %j", (principal, ids) => {
    expect(alerting(withPrincipal(principal))).toEqual(ids);
  });

  const deregister = loadFixture("catalog/delivery/deregister-delegated-administrator-cloudtrail");
  test.each([
    ["cloudtrail.amazonaws.com", ["trail-organization-access"]],
    ["member.org.stacksets.cloudformation.amazonaws.com", ["self-organization-access"]],
    ["securityhub.amazonaws.com", []],
    ["cloudtrail.amazonaws.com.example", []],
  ])("DeregisterDelegatedAdministrator for %s alerts %j", (principal, ids) => {
    const e = structuredClone(deregister);
    e.detail.requestParameters.servicePrincipal = principal;
    expect(alerting(e)).toEqual(ids);
  });

  test("RegisterDelegatedAdministrator (the same parameters, adding an administrator) alerts nobody", () => {
    const e = structuredClone(deregister);
    e.detail.eventName = "RegisterDelegatedAdministrator";
    expect(alerting(e)).toEqual([]);
  });

  const update = loadFixture("catalog/self/update-policy");
  const ofType = (type: string): CloudTrailEvent => {
    const e = structuredClone(update);
    e.detail.responseElements.policy.policySummary.type = type;
    return e;
  };
  test.each([
    ["SERVICE_CONTROL_POLICY", ["self-organization-policies"]],
    ["RESOURCE_CONTROL_POLICY", ["self-organization-policies"]],
    ["TAG_POLICY", []],
    ["BACKUP_POLICY", []],
    ["AISERVICES_OPT_OUT_POLICY", []],
  ])("UpdatePolicy of a %s (the type its response names) alerts %j", (type, ids) => {
    expect(alerting(ofType(type))).toEqual(ids);
  });

  test("AttachPolicy, DetachPolicy and DeletePolicy alert whatever the policy: their records carry only its ID and target, no type", () => {
    const shapes = ["catalog/self/attach-policy", "catalog/self/detach-policy", "catalog/self/delete-policy"].map((f) => {
      const e = loadFixture(f);
      return [f, Object.keys(e.detail.requestParameters).sort(), e.detail.responseElements, alerting(e)];
    });
    expect(shapes).toEqual([
      ["catalog/self/attach-policy", ["policyId", "targetId"], null, ["self-organization-policies"]],
      ["catalog/self/detach-policy", ["policyId", "targetId"], null, ["self-organization-policies"]],
      ["catalog/self/delete-policy", ["policyId"], null, ["self-organization-policies"]],
    ]);
  });

  test("every MoveAccount and RemoveAccountFromOrganization alerts: a record names only the account's direct parents", () => {
    const move = loadFixture("catalog/self/move-account");
    expect(move.detail.requestParameters).toEqual({ accountId: "549271133721", destinationParentId: "ou-yjkv-lmdswesj", sourceParentId: "ou-yjkv-hhd1qqua" });
    const intoRoot = structuredClone(move);
    intoRoot.detail.requestParameters.destinationParentId = "r-yjkv";
    for (const e of [move, intoRoot, loadFixture("catalog/self/remove-account-from-organization")]) {
      expect(alerting(e)).toEqual(["self-organization-accounts"]);
    }
  });
});

describe("lake-update", () => {
  test("UpdateEventDataStore alerts through the trail family's rules, a refused attempt included", () => {
    const update = loadFixture("catalog/trail/update-event-data-store");
    const refused = structuredClone(update);
    refused.detail.errorCode = "AccessDeniedException";
    const lake = buildCatalog(ANY).find((d) => d.id === "lake-update")!;
    expect([lake.family, lake.severity, lake.outcomes]).toEqual(["trail", "critical", "both"]);
    expect(matchesPattern(ruleOf(lake, update)!, update)).toBe(true);
    expect(matchesPattern(ruleOf(lake, refused)!, refused)).toBe(true);
  });
});
