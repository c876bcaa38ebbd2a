import { groupDetections, TRAIL_DETECTIONS } from "../modules/detections";
import { AlertOutcome, alertTransformer, buildInputTransformer, CT, text } from "../modules/messages";
import { evaluateInputTransformer, MissingVariable } from "./helpers/eventbridge-input-transformer";
import { expectValidBlockKit } from "./helpers/slack";
import { byAwsService, CloudTrailEvent, HOSTILE_STRINGS, hostileVariants, isFailed, tamperFixtures } from "./helpers/fixtures";

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
    expect(payload.text).toContain(detail.userIdentity.arn ?? detail.userIdentity.invokedBy);
    if (!isFailed(event)) {
      expect(payload.text).toContain(detail.requestParameters.name ?? detail.requestParameters.trailName);
    } else {
      expect(payload.text).toContain(detail.errorCode);
    }
    // Nothing the caller typed reaches Slack through the template.
    for (const hostile of Object.values(HOSTILE_STRINGS)) expect(all).not.toContain(hostile);
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
