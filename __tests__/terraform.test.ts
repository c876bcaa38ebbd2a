import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_REGIONS, OPT_IN_REGIONS } from "../modules/config";
import { OfflineTerraform, terraformUnavailable } from "./helpers/offline-terraform";
import { CHANNEL_CONFIG, synthToDisk, WEBHOOK_CONFIG } from "./helpers/synth";

const unavailable = terraformUnavailable();
const describeTf = unavailable ? describe.skip : describe;
const skipped = unavailable ? ` (skipped: ${unavailable})` : "";

// Shaped like a bot token so a leak would be obvious; it is not one (built at run time so that secret
// scanners reading this file do not flag it).
const TEST_TOKEN = ["xoxb", "000000000000", "trailguard-test-token-never-real"].join("-");
const TEST_WEBHOOK = "https://hooks.example.invalid/services/TRAILGUARD/TEST/not-a-real-webhook";

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

jest.setTimeout(180_000);

describeTf(`offline terraform on the synthesized stack, AWS provider 5.100.0 mirror, v6-only region arguments stripped${skipped}`, () => {
  const outdir = mkdtempSync(join(tmpdir(), "tg-synth-"));
  let tf: OfflineTerraform;
  let planJson: any;
  let planText: string;

  beforeAll(() => {
    tf = new OfflineTerraform(synthToDisk(CHANNEL_CONFIG, outdir));
    tf.ok(["init", "-input=false", "-no-color"]);
    planText = tf.ok(["plan", "-input=false", "-no-color", "-out=plan.bin"], { slack_token: TEST_TOKEN });
    planJson = JSON.parse(tf.ok(["show", "-json", "plan.bin"]));
  });

  test("terraform validate accepts the stack", () => {
    expect(tf.ok(["validate", "-no-color"])).toContain("The configuration is valid");
  });

  test("terraform plan creates one instance per region of every for_each resource, and each single resource once", () => {
    const addresses: string[] = planJson.resource_changes.map((r: any) => r.address);
    const stack = JSON.parse(readFileSync(join(tf.dir, "main.tf.json"), "utf8"));
    let expected = 0;
    for (const [type, byName] of Object.entries<Record<string, any>>(stack.resource)) {
      for (const [name, body] of Object.entries(byName)) {
        const base = `${type}.${name}`;
        if (body.for_each) {
          const keys = addresses.filter((a) => a.startsWith(`${base}[`)).map((a) => a.slice(base.length));
          const regions = body.for_each === "${toset(local.global_regions)}" ? ["us-east-1"] : [...DEFAULT_REGIONS];
          expect([base, keys.sort()]).toEqual([base, regions.map((r) => `["${r}"]`).sort()]);
          expected += regions.length;
        } else {
          expect(addresses).toContain(base);
          expected += 1;
        }
      }
    }
    expect(addresses).toEqual(expect.arrayContaining([
      'aws_cloudwatch_event_rule.edge["eu-west-1"]',
      'aws_cloudwatch_event_target.edge_hub["ap-south-1"]',
      'aws_sqs_queue.dlq["sa-east-1"]',
      "aws_cloudwatch_event_bus.hub",
      "aws_cloudwatch_event_rule.tamper",
      "aws_lambda_function.remediate",
      "aws_lambda_function.heartbeat",
      "aws_iam_role.eventbridge_slack",
    ]));
    expect(planText).toContain(`Plan: ${expected} to add, 0 to change, 0 to destroy`);
  });

  test("17 regions: 4 resources in an edge region, 6 in us-east-1's edge, under 130 in all (126)", () => {
    const addresses: string[] = planJson.resource_changes.map((r: any) => r.address);
    expect(addresses.filter((a) => a.endsWith('["eu-west-1"]'))).toEqual([
      'aws_cloudwatch_event_rule.edge["eu-west-1"]',
      'aws_cloudwatch_event_target.edge_hub["eu-west-1"]',
      'aws_sqs_queue.dlq["eu-west-1"]',
      'aws_sqs_queue_policy.dlq["eu-west-1"]',
    ]);
    expect(addresses.filter((a) => a.endsWith('["us-east-1"]'))).toHaveLength(6);
    expect(addresses.length).toBe(126);
  });

  test("the planned target gets the input template and role from the stack", () => {
    const target = planJson.resource_changes.find((r: any) => r.address === "aws_cloudwatch_event_target.tamper_slack");
    expect(target.change.after.input_transformer[0].input_template).toContain('"channel":"C0123ABCDEF"');
    expect(target.change.after.retry_policy[0].maximum_retry_attempts).toBe(185);
  });

  test("the Slack token passed as a variable appears in no synthesized file and no plan output", () => {
    for (const f of filesUnder(outdir)) expect(readFileSync(f, "utf8")).not.toContain(TEST_TOKEN);
    expect(planText).not.toContain(TEST_TOKEN);
    expect(planText).toContain("(sensitive value)");
    expect(tf.ok(["show", "-no-color", "plan.bin"])).not.toContain(TEST_TOKEN);
  });

  test("every resource whose provider schema has tags sets them", () => {
    const schema = JSON.parse(tf.ok(["providers", "schema", "-json"]));
    const resourceSchemas = schema.provider_schemas["registry.terraform.io/hashicorp/aws"].resource_schemas;
    const stack = JSON.parse(readFileSync(join(tf.dir, "main.tf.json"), "utf8"));
    const taggable: string[] = [];
    for (const [type, byName] of Object.entries<Record<string, any>>(stack.resource)) {
      if (!resourceSchemas[type].block.attributes.tags) continue;
      for (const [name, body] of Object.entries(byName)) {
        taggable.push(`${type}.${name}`);
        expect(body.tags).toMatchObject({ ManagedBy: "trailguard" });
      }
    }
    expect(taggable).toEqual(expect.arrayContaining(["aws_cloudwatch_event_rule.tamper", "aws_iam_role.eventbridge_slack"]));
  });
});

describeTf(`offline terraform, incoming-webhook mode${skipped}`, () => {
  let tf: OfflineTerraform;

  beforeAll(() => {
    tf = new OfflineTerraform(synthToDisk({ ...WEBHOOK_CONFIG, regions: ["us-east-1", "eu-west-1"] }, mkdtempSync(join(tmpdir(), "tg-synth-"))));
    tf.ok(["init", "-input=false", "-no-color"]);
  });

  test("an https:// webhook URL plans, and the URL is shown only as sensitive", () => {
    const plan = tf.ok(["plan", "-input=false", "-no-color"], { slack_webhook_url: TEST_WEBHOOK });
    expect(plan).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
    expect(plan).not.toContain(TEST_WEBHOOK);
  });

  test("an http:// webhook URL is refused at plan by the destination's precondition, without echoing it", () => {
    const insecure = TEST_WEBHOOK.replace("https://", "http://");
    const r = tf.run(["plan", "-input=false", "-no-color"], { slack_webhook_url: insecure });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("Resource precondition failed");
    expect(r.stderr).toContain("slack_webhook_url must be an https:// URL");
    expect(r.stderr + r.stdout).not.toContain(insecure);
  });
});

describeTf(`why the https check is not a variable validation block${skipped}`, () => {
  test("terraform prints a sensitive variable's value when its validation fails", () => {
    const dir = mkdtempSync(join(tmpdir(), "tg-tf-validation-"));
    writeFileSync(
      join(dir, "main.tf.json"),
      JSON.stringify({
        variable: {
          url: {
            type: "string",
            sensitive: true,
            validation: [{ condition: '${startswith(var.url, "https://")}', error_message: "https only." }],
          },
        },
      }),
    );
    const r = spawnSync("terraform", ["plan", "-input=false", "-no-color"], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CHECKPOINT_DISABLE: "1", TF_VAR_url: "http://leaked.invalid/x" },
      encoding: "utf8",
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("http://leaked.invalid/x");
  });
});

describeTf(`offline terraform, every detection and a custom rule${skipped}`, () => {
  let tf: OfflineTerraform;
  let plan: any;
  let text: string;
  const regions = ["us-east-1", "eu-west-1"];

  beforeAll(() => {
    const file = synthToDisk(
      {
        ...CHANNEL_CONFIG,
        regions,
        trails: [{ name: "org-trail", s3Bucket: "audit-logs" }],
        detections: { include: ["trail", "delivery", "self", "adjacent", "custom"], exclude: [] },
        rules: [{ id: "t2-micro", title: "t2.micro launched", severity: "medium", eventSource: "ec2.amazonaws.com", eventNames: ["RunInstances"], match: { requestParameters: { note: ["${literal}"] } } }],
      },
      mkdtempSync(join(tmpdir(), "tg-synth-")),
    );
    tf = new OfflineTerraform(file);
    tf.ok(["init", "-input=false", "-no-color"]);
    text = tf.ok(["plan", "-input=false", "-no-color", "-out=plan.bin"], { slack_token: TEST_TOKEN });
    plan = JSON.parse(tf.ok(["show", "-json", "plan.bin"]));
  });

  test("plans every family's rule once on the hub, an edge in every region, and the global edge in us-east-1 only", () => {
    const addresses: string[] = plan.resource_changes.map((r: any) => r.address);
    for (const name of ["tamper", "tamper_attempt", "delivery", "self", "adjacent", "adjacent_global", "custom_t2_micro", "custom_t2_micro_attempt", "report"]) {
      expect(addresses).toContain(`aws_cloudwatch_event_rule.${name}`);
    }
    expect(addresses.filter((a) => a.startsWith("aws_cloudwatch_event_rule.edge["))).toEqual(regions.map((r) => `aws_cloudwatch_event_rule.edge["${r}"]`).sort());
    expect(addresses.filter((a) => a.startsWith("aws_cloudwatch_event_rule.edge_global"))).toEqual(['aws_cloudwatch_event_rule.edge_global["us-east-1"]']);
    expect(addresses).toContain("aws_cloudwatch_event_target.adjacent_global_slack");
    expect(text).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy/);
  });

  test("a custom filter value that looks like a Terraform template reaches the rule as literal text", () => {
    const rule = plan.resource_changes.find((r: any) => r.address === "aws_cloudwatch_event_rule.custom_t2_micro");
    expect(JSON.parse(rule.change.after.event_pattern).detail.requestParameters.note).toEqual(["${literal}"]);
  });
});

describeTf(`offline terraform, 1 and 34 regions${skipped}`, () => {
  const ALL = [...DEFAULT_REGIONS, ...OPT_IN_REGIONS];

  test.each([
    ["1 region", ["us-east-1"], 58 + 4],
    ["34 regions", ALL, 58 + 4 * 34],
  ] as const)("%s: the plan passes: 58 once (8 IAM, 48 hub, us-east-1's global edge rule and target), 4 per edge region", (_label, regions, total) => {
    const tf = new OfflineTerraform(synthToDisk({ ...CHANNEL_CONFIG, regions: [...regions] }, mkdtempSync(join(tmpdir(), "tg-synth-"))));
    tf.ok(["init", "-input=false", "-no-color"]);
    const text = tf.ok(["plan", "-input=false", "-no-color"], { slack_token: TEST_TOKEN });
    expect(text).toContain(`Plan: ${total} to add, 0 to change, 0 to destroy`);
  });
});
