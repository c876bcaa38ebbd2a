import { groupDetections, TRAIL_DETECTIONS } from "../modules/detections";
import { AlertOutcome, alertTransformer, buildInputTransformer, CT, text } from "../modules/messages";
import { evaluateInputTransformer, MissingVariable } from "../modules/eventbridge/input-transformer";
import { expectValidBlockKit } from "./helpers/slack";
import { matchesPattern } from "../modules/eventbridge/pattern";
import { asTrailguardOwn, byAwsService, catalogFixtures, CloudTrailEvent, HOSTILE_IAM_PATHS, HOSTILE_STRINGS, hostileVariants, isFailed, tamperFixtures, withIamPath } from "./helpers/fixtures";
import { duplicateKeys } from "./helpers/json-keys";
import { CHANNEL_CONFIG, synthStack } from "./helpers/synth";

describe("buildInputTransformer", () => {
  test("names placeholders after their paths and quotes literal text as JSON", () => {
    const t = buildInputTransformer({ text: text`"${CT.account}"\n` }, "any");
    expect(t.inputPaths).toEqual({ account: "$.account" });
    expect(t.inputTemplate).toBe('{"text":"\\"<account>\\"\\n"}');
  });

  test("refuses caller-controlled text inside quotes", () => {
    expect(() => buildInputTransformer({ text: text`agent ${CT.userAgent}` }, "succeeded")).toThrow(
      /\$\.text: \$\.detail\.userAgent is caller-controlled/,
    );
    expect(() => buildInputTransformer({ text: text`${CT.errorMessage}` }, "failed")).toThrow(/caller-controlled/);
  });

  test("allows a request parameter only in a template for successful calls", () => {
    expect(() => buildInputTransformer({ t: text`${CT.requestName}` }, "succeeded")).not.toThrow();
    expect(() => buildInputTransformer({ t: text`${CT.requestName}` }, "failed")).toThrow(/requestParameters\.name/);
    expect(() => buildInputTransformer({ t: text`${CT.requestName}` }, "any")).toThrow(/requestParameters\.name/);
  });

  test("refuses literal angle brackets, which EventBridge would read as placeholders", () => {
    expect(() => buildInputTransformer({ text: "<!channel>" }, "any")).toThrow(/may not contain/);
    expect(() => buildInputTransformer({ "<k>": 1 }, "any")).toThrow(/may not contain/);
  });

  test("refuses a template over EventBridge's 8192-character limit", () => {
    expect(() => buildInputTransformer({ text: "x".repeat(9000) }, "any")).toThrow(/8192/);
  });
});

/** The trail group's alert, as the stack builds it. */
const [TRAIL] = groupDetections(TRAIL_DETECTIONS);
const tamperAlertTransformer = (p: { outcome: AlertOutcome; channel?: string }) =>
  alertTransformer({ ...p, severity: TRAIL.severity, title: TRAIL.title, detectionIds: TRAIL.detections.map((d) => d.id), resource: TRAIL.resource });
const outcomeOf = (e: CloudTrailEvent) => (isFailed(e) ? "failed" : "succeeded");
const cases: [string, CloudTrailEvent][] = tamperFixtures().flatMap(([name, e]) => [
  [name, e] as [string, CloudTrailEvent],
  ...hostileVariants(e).map(([label, h]) => [`${name} with hostile ${label}`, h] as [string, CloudTrailEvent]),
  [`${name} by an AWS service`, byAwsService(e)] as [string, CloudTrailEvent],
]);
const missingModes: MissingVariable[] = ["vanishes", "stays-literal"];

describe.each(missingModes)("tamper alert as EventBridge renders it (missing variables %s)", (missing) => {
  test.each(cases)("%s: valid Slack JSON naming account, principal and trail", (_name, event) => {
    const transformer = tamperAlertTransformer({ outcome: outcomeOf(event), channel: "C0123ABCDEF" });
    const body = evaluateInputTransformer(transformer, event, { missing });
    const payload = JSON.parse(body);
    expectValidBlockKit(payload);
    expect(payload.channel).toBe("C0123ABCDEF");
    const { detail } = event;
    const all = JSON.stringify(payload);
    expect(payload.text).toContain(event.account);
    expect(payload.text).toContain(detail.eventName);
    expect(payload.text).toContain(detail.userIdentity.principalId ?? detail.userIdentity.invokedBy);
    if (!isFailed(event)) {
      expect(payload.text).toContain(detail.requestParameters.name ?? detail.requestParameters.trailName);
    } else {
      expect(payload.text).toContain(detail.errorCode);
    }
    // Nothing the caller typed reaches Slack through the template, and no IAM path either.
    for (const hostile of Object.values(HOSTILE_STRINGS)) expect(all).not.toContain(hostile);
    for (const path of Object.values(HOSTILE_IAM_PATHS)) expect(all).not.toContain(path);
  });
});

test("an incoming-webhook payload has no channel (the webhook posts to its own)", () => {
  const [, event] = tamperFixtures()[0];
  const payload = JSON.parse(
    evaluateInputTransformer(tamperAlertTransformer({ outcome: outcomeOf(event) }), event),
  );
  expect(payload).not.toHaveProperty("channel");
  expectValidBlockKit(payload);
});

test("the hazard is real: a naive template quoting the user agent breaks on a hostile caller", () => {
  const [, event] = tamperFixtures()[0];
  const [, hostile] = hostileVariants(event).find(([label]) => label === "quotes")!;
  const naive = { inputPaths: { ua: "$.detail.userAgent" }, inputTemplate: '{"text": "agent <ua>"}' };
  expect(() => JSON.parse(evaluateInputTransformer(naive, event))).not.toThrow();
  expect(() => JSON.parse(evaluateInputTransformer(naive, hostile))).toThrow();
});

test("the hazard the IAM path posed is real: a template quoting userIdentity.arn breaks or is re-pointed", () => {
  const [, event] = tamperFixtures()[0];
  const quoted = { inputPaths: { arn: "$.detail.userIdentity.arn" }, inputTemplate: '{"channel":"C0123ABCDEF","text":"by <arn>"}' };
  expect(() => JSON.parse(evaluateInputTransformer(quoted, withIamPath(event, HOSTILE_IAM_PATHS.pathQuote)))).toThrow();
  const repointed = evaluateInputTransformer(quoted, withIamPath(event, HOSTILE_IAM_PATHS.pathRepointsChannel));
  expect(JSON.parse(repointed).channel).toBe("C0ATTACKER");
  expect(duplicateKeys(repointed)).toEqual(["$.channel"]);
});

test("userIdentity.arn and the session issuer's ARN are refused in templates: their IAM path is free text", () => {
  expect(() => buildInputTransformer({ t: text`${CT.identityArn}` }, "succeeded")).toThrow(/caller-controlled/);
  expect(() => buildInputTransformer({ t: text`${CT.issuerArn}` }, "any")).toThrow(/caller-controlled/);
});

/**
 * Every template of the default stack and of a stack with every detection (Slack and SNS targets), on every
 * real record its rule delivers (trailguard's own resources for the self rules), benign and with each
 * hostile string and IAM path: the payload parses, its top-level keys and channel are those of the benign
 * render, and its text has no duplicate key.
 */
describe("every template, every record its rule delivers, every hostile string", () => {
  const templates = [CHANNEL_CONFIG, { ...CHANNEL_CONFIG, detections: { include: ["trail", "delivery", "self", "adjacent"] } }].flatMap((config) => {
    const stack = synthStack(config);
    return Object.entries<any>(stack.resource.aws_cloudwatch_event_target)
      // The report's target and the heartbeat's schedule are not alerts of a detection rule.
      .filter(([name, t]) => t.input_transformer && name !== "report_slack" && name !== "heartbeat_target")
      .map(([name, t]) => {
        const rule = /^\$\{aws_cloudwatch_event_rule\.(\w+)\.name\}$/.exec(t.rule)![1];
        const transformer = { inputPaths: t.input_transformer.input_paths, inputTemplate: t.input_transformer.input_template };
        return [name, JSON.parse(stack.resource.aws_cloudwatch_event_rule[rule].event_pattern), transformer] as const;
      });
  });
  const records = catalogFixtures().flatMap(([, e]) => [e, asTrailguardOwn(e)]);
  const shape = (p: unknown) => (typeof p === "object" && p !== null ? [Object.keys(p).sort(), (p as { channel?: string }).channel] : [typeof p]);

  // No public record of a successful LeaveOrganization exists (fixtures/catalog/adjacent/README.md).
  const WITHOUT_RECORD = ["adjacent_global_slack"];

  test.each(templates)("%s", (name, pattern, transformer) => {
    const delivered = records.filter((r) => matchesPattern(pattern, r));
    expect(delivered.length === 0).toBe(WITHOUT_RECORD.includes(name));
    for (const record of delivered) {
      const benign = JSON.parse(evaluateInputTransformer(transformer, record));
      for (const [, hostile] of hostileVariants(record).filter(([, h]) => matchesPattern(pattern, h))) {
        for (const missing of missingModes) {
          const body = evaluateInputTransformer(transformer, hostile, { missing });
          expect(shape(JSON.parse(body))).toEqual(shape(benign));
          expect(duplicateKeys(body)).toEqual([]);
          for (const path of Object.values(HOSTILE_IAM_PATHS)) expect(body).not.toContain(path);
        }
      }
    }
  });
});
