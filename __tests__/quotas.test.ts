import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { DEFAULT_REGIONS, KNOWN_REGIONS, parseConfig, TrailguardConfigInput } from "../modules/config";
import { TrailguardStack } from "../modules/constructs";
import { describeProblem, preflight, WorstCase } from "../modules/quotas";
import { bundleZips } from "../scripts/build-lambdas";
import { CHANNEL_CONFIG, synthStack, synthToDisk } from "./helpers/synth";

/** A stack with these resources, and the regions local of 17 regions. */
const stackOf = (resource: Record<string, Record<string, Record<string, unknown>>>) => ({ locals: { regions: [...DEFAULT_REGIONS] }, resource });
const problemsOf = (resource: Parameters<typeof stackOf>[0]) => preflight(stackOf(resource), { longestRegion: "ap-northeast-3" }).map(describeProblem);

describe("the worst-case evaluator reads the HCL cdktf writes", () => {
  test("a conditional is worth its longer branch, whichever Terraform would pick", () => {
    const module = new WorstCase({}, { longestRegion: "us-east-1", variables: { slack_channel: "C0123" } });
    expect(module.template('${var.slack_channel == null ? "short" : "a longer branch"}')).toBe("a longer branch");
    expect(module.template('${var.slack_channel != null ? ["a", "b"] : []}')).toEqual(["a", "b"]);
    expect(() => module.template("${var.tags}")).toThrow("no worst case for var.tags");
  });

  const worst = new WorstCase(
    stackOf({
      aws_cloudwatch_event_rule: { tamper: { for_each: "${toset(local.regions)}", name: "trailguard-cloudtrail-tamper", event_bus_name: "default" } },
      aws_iam_role: { edge: { name: "trailguard-edge" } },
    }),
    { longestRegion: "ap-northeast-3" },
  );

  test("local.account_id is 12 digits and each.value the longest region", () => {
    expect(worst.template("arn:aws:events:${each.value}:${local.account_id}:rule/x")).toBe("arn:aws:events:ap-northeast-3:123456789012:rule/x");
  });

  test("jsonencode of an object with references becomes the JSON IAM receives", () => {
    expect(worst.template('${jsonencode({"Principal" = {"AWS" = [aws_iam_role.edge.arn]}, "N" = 2})}')).toBe(
      '{"Principal":{"AWS":["arn:aws:iam::123456789012:role/trailguard-edge"]},"N":2}',
    );
  });

  test("values(...)[*].arn of a for_each resource has one ARN per region", () => {
    const arns = worst.template("${values(aws_cloudwatch_event_rule.tamper)[*].arn}") as string[];
    expect(arns).toHaveLength(17);
    expect(arns[0]).toBe("arn:aws:events:ap-northeast-3:123456789012:rule/trailguard-cloudtrail-tamper");
  });

  test("escaped template text stays literal", () => {
    expect(worst.template('{"note":"$${literal}"}')).toBe('{"note":"${literal}"}');
  });

  test("an expression it does not understand throws, naming it, rather than measuring part of it", () => {
    expect(() => worst.template("${cidrsubnet(local.x, 4, 1)}")).toThrow("preflight does not evaluate cidrsubnet()");
    expect(() => worst.template("${local.account_id + 1}")).toThrow('preflight does not evaluate "+ 1"');
    expect(() => worst.template('${aws_cloudwatch_event_rule.tamper["nope"].arn}')).toThrow('no key "nope"');
  });
});

describe("preflight: one document over each quota", () => {
  test("a trust policy that lists every rule ARN of 17 regions (the old shape) is over IAM's 2,048 characters", () => {
    const rules = Object.fromEntries(
      ["tamper", "tamper_attempt", "delivery", "self", "report"].map((r) => [r, { for_each: "${toset(local.regions)}", name: `trailguard-${r}`, event_bus_name: "default" }]),
    );
    const trust =
      '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Effect" = "Allow", "Principal" = {"Service" = "events.amazonaws.com"}, "Action" = ["sts:AssumeRole"], "Condition" = {"ArnEquals" = {"aws:SourceArn" = concat(values(aws_cloudwatch_event_rule.tamper)[*].arn, values(aws_cloudwatch_event_rule.tamper_attempt)[*].arn, values(aws_cloudwatch_event_rule.delivery)[*].arn, values(aws_cloudwatch_event_rule.self)[*].arn, values(aws_cloudwatch_event_rule.report)[*].arn)}}}]})}';
    const problems = preflight(stackOf({ aws_cloudwatch_event_rule: rules, aws_iam_role: { eventbridge_slack: { name: "trailguard-eventbridge-slack", assume_role_policy: trust } } }), { longestRegion: "ap-northeast-3" });
    expect(problems.map((p) => [p.address, p.quota.name, p.quota.limit])).toEqual([["aws_iam_role.eventbridge_slack", "IAM role trust policy", 2048]]);
    // 85 ARNs of 59 + name characters, quoted and separated: 17 x 348, plus the statement around them.
    expect(problems[0].measured).toBe(6094);
  });

  test("inline policies of one role over 10,240 characters in all", () => {
    const big = (n: number) => `\${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Effect" = "Allow", "Action" = ["s3:GetObject"], "Resource" = "${"x".repeat(n)}"}]})}`;
    expect(
      problemsOf({
        aws_iam_role: { r: { name: "r", assume_role_policy: "{}" } },
        aws_iam_role_policy: { a: { name: "a", role: "${aws_iam_role.r.id}", policy: big(6000) }, b: { name: "b", role: "${aws_iam_role.r.id}", policy: big(5000) } },
      }),
    ).toEqual([expect.stringMatching(/^aws_iam_role\.r: the IAM inline policies of one role would be 111\d\d characters, over AWS's quota of 10240/)]);
  });

  test("seven targets on one rule", () => {
    const targets = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`t${i}`, { rule: "${aws_cloudwatch_event_rule.busy.name}", arn: "x" }]));
    expect(problemsOf({ aws_cloudwatch_event_target: targets })).toEqual([
      expect.stringMatching(/^aws_cloudwatch_event_rule\.busy: the EventBridge targets per rule would be 7 targets, over AWS's quota of 5 \(https:\/\/docs\.aws\.amazon\.com\/eventbridge\/latest\/APIReference\/API_PutTargets\.html\)/),
    ]);
  });

  test("an event pattern over 2,048 characters, a rule name over 64, an input template over 8,192", () => {
    expect(
      problemsOf({
        aws_cloudwatch_event_rule: { big: { name: "n".repeat(65), event_pattern: JSON.stringify({ detail: { x: ["y".repeat(2040)] } }) } },
        aws_cloudwatch_event_target: { big_slack: { rule: "${aws_cloudwatch_event_rule.big.name}", input_transformer: { input_template: `"${"z".repeat(8192)}"` } } },
      }).map((m) => m.split(" would be")[0]),
    ).toEqual([
      "aws_cloudwatch_event_target.big_slack: the EventBridge input template",
      "aws_cloudwatch_event_rule.big: the EventBridge event pattern",
      "aws_cloudwatch_event_rule.big: the EventBridge rule name",
    ]);
  });

  test("a bus policy over 10,240 characters, a Lambda environment over 4 KB, 51 tags", () => {
    expect(
      problemsOf({
        aws_cloudwatch_event_bus_policy: { hub: { policy: `\${jsonencode({"Sid" = "${"s".repeat(10_300)}"})}` } },
        aws_lambda_function: { f: { function_name: "f", environment: { variables: { TRAILGUARD_SETTINGS: "v".repeat(4100) } } } },
        aws_sqs_queue: { q: { name: "q", tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])) } },
      }).map((m) => m.split(" would be")[0]),
    ).toEqual([
      "aws_cloudwatch_event_bus_policy.hub: the EventBridge event bus policy",
      "aws_lambda_function.f: the Lambda environment variables",
      "aws_sqs_queue.q: the tags per resource",
    ]);
  });
});

describe("preflight on real configs", () => {
  test.each([
    ["the channel config, 17 regions", CHANNEL_CONFIG],
    ["every detection family, 34 regions", { ...CHANNEL_CONFIG, regions: [...KNOWN_REGIONS], detections: { include: ["trail", "delivery", "self", "adjacent"] } }],
  ] as [string, TrailguardConfigInput][])("%s fits every quota", (_label, config) => {
    const stack = synthStack(config);
    expect(preflight(stack, { longestRegion: "ap-northeast-3" })).toEqual([]);
  });

  test("51 tags (50 configured + ManagedBy) fail synth with the quota, and nothing is written", () => {
    const tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`Tag${i}`, "x"]));
    const outdir = mkdtempSync(join(tmpdir(), "tg-quota-"));
    expect(() => synthToDisk({ ...CHANNEL_CONFIG, tags }, outdir)).toThrow(
      /aws_cloudwatch_event_bus\.hub: the tags per resource would be 51 tags, over AWS's quota of 50/,
    );
    expect(existsSync(join(outdir, "stacks", "trailguard", "cdk.tf.json"))).toBe(false);
  });

  test("a custom rule whose filter makes the hub rule's pattern too long fails synth, naming the rule", () => {
    const config = parseConfig({
      ...CHANNEL_CONFIG,
      rules: [{ id: "long", title: "Long filter", severity: "medium", eventSource: "ec2.amazonaws.com", eventNames: ["RunInstances"], match: { requestParameters: { instanceType: Array.from({ length: 200 }, (_, i) => `type-${i}.xlarge`) } } }],
    });
    const stack = new TrailguardStack(Testing.app(), "trailguard", { config, bundles: bundleZips() });
    expect(() => Testing.synth(stack, true)).toThrow(/aws_cloudwatch_event_rule\.custom_long: the EventBridge event pattern would be \d+ characters, over AWS's quota of 2048/);
  });
});
