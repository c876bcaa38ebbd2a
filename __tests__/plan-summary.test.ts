import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { changesOf, COMMENT_LIMIT, planSummary, totals, type PlanJson } from "../modules/review/plan-summary";
import { OfflineTerraform, terraformUnavailable } from "./helpers/offline-terraform";
import { CHANNEL_CONFIG, synthToDisk } from "./helpers/synth";

const unavailable = terraformUnavailable();
const describeTf = unavailable ? describe.skip : describe;
const skipped = unavailable ? ` (skipped: ${unavailable})` : "";
// Shaped like a bot token so a leak would be obvious; built at run time so scanners do not flag it.
const TEST_TOKEN = ["xoxb", "000000000000", "plan-summary-test-token"].join("-");
const ROOT = join(__dirname, "..");

jest.setTimeout(240_000);

/** Terraform's own "Plan: ..." line from the human-readable plan. */
const planLine = (text: string) => /Plan: \d+ to add, \d+ to change, \d+ to destroy\./.exec(text)?.[0];

/**
 * A state written by hand, as an older trailguard (one Lambda and one set of rules per region) left it
 * for ap-east-1, a region the config no longer lists: `-refresh=false` plans it without AWS.
 */
function priorState(): object {
  const provider = 'provider["registry.terraform.io/hashicorp/aws"]';
  const instance = (attributes: object, schema = 0) => ({ index_key: "ap-east-1", schema_version: schema, attributes, sensitive_attributes: [] });
  const arn = (rest: string) => `arn:aws:${rest}`;
  return {
    version: 4,
    terraform_version: "1.11.0",
    serial: 1,
    lineage: "3f1f6c2e-0000-4000-8000-trailguard00",
    outputs: {},
    resources: [
      { mode: "managed", type: "aws_cloudwatch_event_rule", name: "edge", provider, instances: [instance({ id: "trailguard-edge", name: "trailguard-edge", arn: arn("events:ap-east-1:123456789012:rule/trailguard-edge"), event_bus_name: "default", state: "ENABLED", event_pattern: "{}", tags: {}, tags_all: {} }, 1)] },
      { mode: "managed", type: "aws_cloudwatch_event_rule", name: "tamper", provider, instances: [instance({ id: "trailguard-cloudtrail-tamper", name: "trailguard-cloudtrail-tamper", arn: arn("events:ap-east-1:123456789012:rule/trailguard-cloudtrail-tamper"), event_bus_name: "default", state: "ENABLED", event_pattern: "{}", tags: {}, tags_all: {} }, 1)] },
      { mode: "managed", type: "aws_lambda_function", name: "remediate", provider, instances: [instance({ id: "trailguard-remediate", function_name: "trailguard-remediate", arn: arn("lambda:ap-east-1:123456789012:function:trailguard-remediate"), role: arn("iam::123456789012:role/trailguard-remediation"), tags: {}, tags_all: {} })] },
    ],
  };
}

describeTf(`plan-summary on plans real terraform made (offline, AWS provider 5.100.0 mirror)${skipped}`, () => {
  let tf: OfflineTerraform;
  let fresh: { text: string; json: PlanJson };
  let upgrade: { text: string; json: PlanJson };

  beforeAll(() => {
    tf = new OfflineTerraform(synthToDisk(CHANNEL_CONFIG, mkdtempSync(join(tmpdir(), "tg-synth-"))));
    tf.ok(["init", "-input=false", "-no-color"]);
    const plan = (out: string, extra: string[] = []) => {
      const text = tf.ok(["plan", "-input=false", "-no-color", `-out=${out}`, ...extra], { slack_token: TEST_TOKEN });
      return { text, json: JSON.parse(tf.ok(["show", "-json", out])) as PlanJson };
    };
    fresh = plan("fresh.bin");
    writeFileSync(join(tf.dir, "prior.tfstate"), JSON.stringify(priorState()));
    upgrade = plan("upgrade.bin", ["-refresh=false", "-state=prior.tfstate"]);
  });

  test("the default 17-region stack from nothing: totals are terraform's own, nothing to warn about", () => {
    expect(planLine(fresh.text)).toBe("Plan: 126 to add, 0 to change, 0 to destroy.");
    const md = planSummary(fresh.json);
    expect(md).toContain("**Plan: 126 to add, 0 to change, 0 to destroy.**");
    expect(md).toContain(
      "No change destroys, replaces, disables or re-points a rule, target, bus or its policy, Slack connection or destination, Lambda or its permission, IAM role or policy, alarm, topic, key or StackSet.",
    );
    expect(md.length).toBeLessThan(COMMENT_LIMIT);
    expect(md).toContain("| eu-west-1 | +2 |  |  |  | +2 |  |");
    expect(md).toContain('subgraph edges["edges: 17 regions"]');
  });

  test("the Slack preview is the planned template rendered for a real StopLogging: valid JSON, for the configured channel", () => {
    const md = planSummary(fresh.json);
    const payload = JSON.parse(/```json\n([\s\S]*?)```/.exec(md)![1]);
    expect(payload.channel).toBe("C0123ABCDEF");
    expect(payload.text).toBe("CRITICAL CloudTrail trail tampering: StopLogging on arn:aws:cloudtrail:us-west-2:123456789012:trail/example-trail in account 123456789012 (us-west-2) by tester");
    expect(md).toContain("> `tester` (AssumedRole) called *StopLogging* (cloudtrail.amazonaws.com) on `arn:aws:cloudtrail:us-west-2:123456789012:trail/example-trail`.");
  });

  test("against an older state: the destroyed rules and Lambda come first, named with their region", () => {
    expect(planLine(upgrade.text)).toBe("Plan: 126 to add, 0 to change, 3 to destroy.");
    const md = planSummary(upgrade.json);
    expect(md).toContain("**Plan: 126 to add, 0 to change, 3 to destroy.**");
    const warnings = md.slice(md.indexOf("### ⚠️"), md.indexOf("**Plan:"));
    expect(warnings.trim().split("\n")).toEqual([
      "### ⚠️ 3 changes that can switch alerts off",
      "",
      '- **ap-east-1**: `aws_cloudwatch_event_rule.edge["ap-east-1"]`: rule destroyed',
      '- **ap-east-1**: `aws_cloudwatch_event_rule.tamper["ap-east-1"]`: rule destroyed',
      '- **ap-east-1**: `aws_lambda_function.remediate["ap-east-1"]`: Lambda destroyed',
    ]);
    expect(md.indexOf("### ⚠️")).toBeLessThan(md.indexOf("| region |"));
  });

  test("never prints the token: not in either summary, though the plan JSON holds it in clear", () => {
    expect(JSON.stringify(fresh.json)).toContain(TEST_TOKEN);
    expect(planSummary(fresh.json)).not.toContain(TEST_TOKEN);
    expect(planSummary(upgrade.json)).not.toContain(TEST_TOKEN);
  });

  test("a small limit cuts the detail, says so, and keeps every warning and the totals", () => {
    const md = planSummary(upgrade.json, { limit: 7_000 });
    expect(md.length).toBeLessThanOrEqual(7_000);
    expect(md).toMatch(/\d+ more changes not shown: the comment would pass 7000 characters/);
    expect(md).toContain("rule destroyed");
    expect(md).toContain("Lambda destroyed");
    expect(md).toContain("**Plan: 126 to add, 0 to change, 3 to destroy.**");
  });

  test("npm run plan-summary prints the same Markdown; bad input gets one line and exit code 2", () => {
    writeFileSync(join(tf.dir, "fresh.json"), JSON.stringify(fresh.json));
    writeFileSync(join(tf.dir, "not-json.json"), "tfplan\u0000binary");
    const cli = (args: string[]) => spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), [join(ROOT, "scripts", "plan-summary.ts"), ...args], { cwd: tf.dir, encoding: "utf8" });
    const ok = cli(["fresh.json"]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe(planSummary(fresh.json));
    for (const [args, message] of [
      [["not-json.json"], "plan-summary: plan not-json.json is not JSON (give `terraform show -json tfplan`, not the binary plan)\n"],
      [["missing.json"], "plan-summary: cannot read plan missing.json: ENOENT\n"],
      [[], "usage: npm run plan-summary -- <plan.json> [--base <old cdk.tf.json>]\n"],
    ] as const) {
      const r = cli([...args]);
      expect([r.status, r.stderr]).toEqual([2, message]);
    }
  });
});

test("the preview's sample is the real record the tests use (the package cannot read __tests__, so it ships a copy)", () => {
  expect(readFileSync(join(ROOT, "modules", "review", "sample-stop-logging.json"), "utf8")).toBe(readFileSync(join(ROOT, "__tests__", "fixtures", "stop-logging-assumed-role.json"), "utf8"));
});

describe("plan-summary's counting, on hand-made changes", () => {
  const change = (address: string, type: string, actions: string[], before: object | null = {}, after: object | null = {}, index?: string) => ({
    address,
    mode: "managed",
    type,
    name: address.split(".")[1].replace(/\[.*$/, ""),
    index,
    change: { actions, before, after },
  });

  test("a replace counts as one add and one destroy, as terraform counts it; reads and no-ops count nothing", () => {
    const plan = {
      resource_changes: [
        change("aws_sns_topic.alarms", "aws_sns_topic", ["delete", "create"]),
        change("aws_sqs_queue.dlq", "aws_sqs_queue", ["no-op"]),
        change("aws_iam_role.edge", "aws_iam_role", ["update"], { description: "a" }, { description: "b" }),
      ],
    } as unknown as PlanJson;
    expect(totals(changesOf(plan))).toEqual({ add: 1, change: 1, destroy: 1 });
  });

  test("updates that re-point the path are warnings: a target's ARN, the bus policy, the Slack endpoint, the Lambda's code, a role's trust", () => {
    const plan = {
      resource_changes: [
        change("aws_cloudwatch_event_target.tamper_slack", "aws_cloudwatch_event_target", ["update"], { arn: "a" }, { arn: "b" }),
        change("aws_cloudwatch_event_bus_policy.hub", "aws_cloudwatch_event_bus_policy", ["update"], { policy: "{}" }, { policy: "{ }" }),
        change("aws_cloudwatch_event_api_destination.slack", "aws_cloudwatch_event_api_destination", ["update"], { invocation_endpoint: "a" }, { invocation_endpoint: "b" }),
        change("aws_lambda_function.remediate", "aws_lambda_function", ["update"], { source_code_hash: "a" }, { source_code_hash: "b" }),
        change("aws_iam_role.edge", "aws_iam_role", ["update"], { assume_role_policy: "a", description: "x" }, { assume_role_policy: "b", description: "y" }),
        change("aws_kms_key.alarms", "aws_kms_key", ["delete"]),
        change("aws_sns_topic.alarms", "aws_sns_topic", ["create", "delete"]),
      ],
    } as unknown as PlanJson;
    expect(changesOf(plan).map((c) => c.warning)).toEqual([
      "target changed: arn",
      "bus policy changed: policy",
      "Slack API destination changed: invocation_endpoint",
      "Lambda changed: source_code_hash",
      "IAM role changed: assume_role_policy",
      "KMS key destroyed",
      "SNS topic replaced (created, then the old one destroyed)",
    ]);
  });

  test("900 destroyed StackSet instances: the first hundred listed, the rest counted, the whole under the limit", () => {
    const plan = {
      resource_changes: Array.from({ length: 900 }, (_, i) => change(`aws_cloudformation_stack_set_instance.member_edges["r${i}"]`, "aws_cloudformation_stack_set_instance", ["delete"], {}, null, `r${i}`)),
    } as unknown as PlanJson;
    const md = planSummary(plan);
    expect(md.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(md).toContain("- and 800 more: 800 × StackSet instance destroyed");
    expect(md).toContain("**Plan: 0 to add, 0 to change, 900 to destroy.**");
  });

  test("a rule disabled, and a pattern changed, are warnings; an edited description is not", () => {
    const plan = {
      resource_changes: [
        change("aws_cloudwatch_event_rule.tamper", "aws_cloudwatch_event_rule", ["update"], { state: "ENABLED", event_pattern: "{}" }, { state: "DISABLED", event_pattern: "{}" }),
        change("aws_cloudwatch_event_rule.delivery", "aws_cloudwatch_event_rule", ["update"], { state: "ENABLED", event_pattern: '{"a":1}' }, { state: "ENABLED", event_pattern: '{"a":2}' }),
        change("aws_cloudwatch_event_rule.self", "aws_cloudwatch_event_rule", ["update"], { description: "x" }, { description: "y" }),
      ],
    } as unknown as PlanJson;
    expect(changesOf(plan).map((c) => [c.address, c.warning, c.attributes])).toEqual([
      ["aws_cloudwatch_event_rule.tamper", "rule disabled", ["state"]],
      ["aws_cloudwatch_event_rule.delivery", "rule pattern changed: it may stop matching", ["event_pattern"]],
      ["aws_cloudwatch_event_rule.self", undefined, ["description"]],
    ]);
  });
});
