/**
 * The self-check's digests are computed twice: by Terraform at plan (modules/remediation/self-check-digests.ts
 * writes the expressions) and by the heartbeat from what EventBridge returns (lambda-src/lib/self-check-digest.ts).
 * Here the very expressions synth writes are run by `terraform console`, with literal values in place of
 * the resources' attributes, and compared with the heartbeat's functions.
 */
import { spawnSync } from "node:child_process";
import { patternDigest, targetDigest, terraformJson } from "../lambda-src/lib/self-check-digest";
import { patternDigestHcl, targetDigestHcl } from "../modules/remediation/self-check-digests";
import { terraformUnavailable } from "./helpers/offline-terraform";

const hcl = (s: string) => JSON.stringify(s); // a JSON string is an HCL string literal, escapes included, when it holds no ${ or %{

/** What `terraform console` prints for an expression (a string, in its quoted form). */
function consoleValue(expression: string): string {
  const out = spawnSync("terraform", ["console"], { input: `${expression}\n`, encoding: "utf8", env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null" } });
  if (out.status !== 0) throw new Error(`terraform console: ${out.stderr}`);
  return JSON.parse(out.stdout.trim()) as string;
}

const unavailable = terraformUnavailable();
const maybe = unavailable ? test.skip : test;

describe("Terraform's jsonencode, as the heartbeat writes it", () => {
  test("sorts keys, drops spaces and escapes <, > and &", () => {
    expect(terraformJson({ b: [1, 365, 0.5], a: "<x>&", Z: { y: true, x: null } })).toBe('{"Z":{"x":null,"y":true},"a":"\\u003cx\\u003e\\u0026","b":[1,365,0.5]}');
  });

  maybe("agrees with terraform console on a pattern with every kind of value", () => {
    const pattern = { source: ["aws.cloudtrail"], detail: { eventName: [{ prefix: "Stop" }], "x<y>&z": [{ numeric: ["<", 365] }], n: [null, true, 0.5] } };
    expect(terraformJson(pattern)).toBe(consoleValue(`jsonencode(jsondecode(${hcl(JSON.stringify(pattern))}))`));
  });
});

describe("the digests synth writes and the heartbeat computes agree", () => {
  // A pattern as EventBridge might return it: other key order, other spacing.
  const written = '{"source":["aws.cloudtrail"],"detail":{"eventName":["StopLogging"],"errorCode":[{"exists":false},""]}}';
  const returned = '{ "detail": { "errorCode": [ { "exists": false }, "" ], "eventName": [ "StopLogging" ] }, "source": [ "aws.cloudtrail" ] }';

  maybe("a rule's pattern, whatever its spacing and key order", () => {
    const expression = patternDigestHcl({ logicalName: "tamper", perRegion: false }).replace("aws_cloudwatch_event_rule.tamper.event_pattern", hcl(written));
    expect(patternDigest(returned)).toBe(consoleValue(expression));
    expect(patternDigest(returned)).toBe(patternDigest(written));
  });

  const template = '{"channel":"C0123ABCDEF","text":"<detail-eventName> in <account>","blocks":[]}';
  const paths = { account: "$.account", "detail-eventName": "$.detail.eventName" };
  const slackTarget = {
    Arn: "arn:aws:events:us-east-1:123456789012:api-destination/trailguard-slack/0123abcd-0123-4567-89ab-0123456789ab",
    RoleArn: "arn:aws:iam::123456789012:role/trailguard-eventbridge-slack",
    InputTransformer: { InputTemplate: template, InputPathsMap: paths },
    RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
  };

  maybe("a target with a role and an input transformer", () => {
    const expression = targetDigestHcl({ address: "tamper_slack", perRegion: false, hasRole: true, hasTransformer: true, hasInputPath: false })
      .replace("aws_cloudwatch_event_target.tamper_slack.arn", hcl(slackTarget.Arn))
      .replace("aws_cloudwatch_event_target.tamper_slack.role_arn", hcl(slackTarget.RoleArn))
      .replace("aws_cloudwatch_event_target.tamper_slack.input_transformer[0].input_template", hcl(template))
      .replace("aws_cloudwatch_event_target.tamper_slack.input_transformer[0].input_paths", `{ account = "$.account", "detail-eventName" = "$.detail.eventName" }`);
    expect(targetDigest(slackTarget)).toBe(consoleValue(expression));
  });

  maybe("an edge's target, read from one region's instance", () => {
    const hub = { Arn: "arn:aws:events:us-east-1:123456789012:event-bus/trailguard", RoleArn: "arn:aws:iam::123456789012:role/trailguard-edge", RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 } };
    const expression = targetDigestHcl({ address: "edge_hub", perRegion: true, hasRole: true, hasTransformer: false, hasInputPath: false })
      .replace("try(values(aws_cloudwatch_event_target.edge_hub)[0].arn, \"\")", hcl(hub.Arn))
      .replace("try(values(aws_cloudwatch_event_target.edge_hub)[0].role_arn, \"\")", hcl(hub.RoleArn));
    expect(targetDigest(hub)).toBe(consoleValue(expression));
  });

  test("a re-pointed, re-roled, re-templated or retry-less target has another digest", () => {
    const base = targetDigest(slackTarget);
    const variants = [
      { ...slackTarget, Arn: "arn:aws:events:us-east-1:999999999999:api-destination/sink/0123abcd-0123-4567-89ab-0123456789ab" },
      { ...slackTarget, RoleArn: "arn:aws:iam::123456789012:role/other" },
      { ...slackTarget, InputTransformer: { InputTemplate: template.replace("C0123ABCDEF", "C0ATTACKER"), InputPathsMap: paths } },
      { ...slackTarget, InputTransformer: { InputTemplate: template, InputPathsMap: { ...paths, account: "$.detail.userAgent" } } },
      { ...slackTarget, RetryPolicy: { MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 0 } },
      { ...slackTarget, Input: "{}" },
    ];
    for (const v of variants) expect(targetDigest(v)).not.toBe(base);
  });
});
