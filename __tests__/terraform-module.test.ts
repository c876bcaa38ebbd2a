import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { generateModule } from "../modules/terraform-module/generate";
import { bundleZips } from "../modules/lambda-bundles";
import { offlineModuleExample, OfflineTerraform, terraformUnavailable } from "./helpers/offline-terraform";

const REPO = join(__dirname, "..");
const MODULE = join(REPO, "terraform");
const unavailable = terraformUnavailable();
const describeTf = unavailable ? describe.skip : describe;
const skipped = unavailable ? ` (skipped: ${unavailable})` : "";

// Shaped like the real secrets so a leak would be obvious; built at run time so scanners do not flag them.
const TEST_TOKEN = ["xoxb", "000000000000", "trailguard-module-test-token"].join("-");
const HTTP_WEBHOOK = ["http://hooks.slack.com/services", "T0000000", "B0000000", "trailguardmodulesecret"].join("/");

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? filesUnder(join(dir, f)) : [join(dir, f)]));
}

jest.setTimeout(240_000);

describe("the committed Terraform module (terraform/)", () => {
  const generated = generateModule(bundleZips());
  const json = JSON.parse(generated["main.tf.json"].toString());

  test("is exactly what `npm run module` generates now: same files, same bytes (else run npm run module)", () => {
    const committed = filesUnder(MODULE).map((f) => relative(MODULE, f)).sort();
    expect(committed).toEqual(["README.md", "lambda/heartbeat.zip", "lambda/remediate.zip", "main.tf.json"]);
    expect(Object.keys(generated).sort()).toEqual(committed);
    for (const f of committed) {
      const same = readFileSync(join(MODULE, f)).equals(generated[f]);
      if (!same) throw new Error(`terraform/${f} is stale: run \`npm run module\` and commit terraform/`);
    }
  });

  test("has no provider and no backend block, and pins Terraform and the AWS provider", () => {
    expect(json.provider).toBeUndefined();
    expect(json.terraform).toEqual({ required_version: ">= 1.9", required_providers: { aws: { source: "hashicorp/aws", version: "~> 6.0" } } });
  });

  test("reads its Lambda packages from its own folder (path.module), not the caller's working directory", () => {
    expect(json.resource.aws_lambda_function.remediate.filename).toBe("${path.module}/lambda/remediate.zip");
    expect(json.resource.aws_lambda_function.heartbeat.source_code_hash).toBe("${filebase64sha256(\"${path.module}/lambda/heartbeat.zip\")}");
  });

  test("edges are for_each over var.regions, the hub is in var.home_region", () => {
    expect(json.locals.regions).toBe("${var.regions}");
    expect(json.resource.aws_cloudwatch_event_rule.edge.for_each).toBe("${toset(local.regions)}");
    expect(json.resource.aws_cloudwatch_event_bus.hub.region).toBe("${var.home_region}");
    expect(json.resource.aws_cloudwatch_event_bus.hub.name).toBe("${var.name_prefix}");
  });

  test("declares the inputs the issue lists, and the secrets are sensitive with no validation block", () => {
    expect(Object.keys(json.variable).sort()).toEqual(
      ["alarm_email", "home_region", "name_prefix", "regions", "remediation_mode", "slack_channel", "slack_token", "slack_webhook_url", "tags", "trails"].sort(),
    );
    for (const secret of ["slack_token", "slack_webhook_url"]) {
      expect(json.variable[secret]).toMatchObject({ sensitive: true, default: null });
      expect(json.variable[secret].validation).toBeUndefined();
    }
  });
});

describeTf(`the module from plain Terraform: examples/plain-terraform, offline, AWS provider 5.100.0 mirror${skipped}`, () => {
  let tf: OfflineTerraform;
  const planned = (regions: readonly string[]) => {
    const plan = tf.ok(["plan", "-input=false", "-no-color", "-out=plan.bin"], { slack_token: TEST_TOKEN, regions: JSON.stringify(regions) });
    const show = JSON.parse(tf.ok(["show", "-json", "plan.bin"]));
    const addresses: string[] = show.resource_changes.map((r: { address: string }) => r.address);
    return { plan, addresses };
  };
  const edgeRegions = (addresses: string[]) =>
    addresses.filter((a) => a.startsWith("module.trailguard.aws_cloudwatch_event_rule.edge[")).map((a) => /\["(.+)"\]/.exec(a)![1]).sort();

  beforeAll(() => {
    tf = offlineModuleExample(REPO, "plain-terraform");
    tf.ok(["init", "-input=false", "-no-color"]);
  });

  test("terraform validate accepts the example as written", () => {
    expect(tf.ok(["validate", "-no-color"])).toContain("Success! The configuration is valid.");
  });

  test("2 regions, then 5, with no npm in between: the edges follow var.regions, the hub does not move", () => {
    const two = planned(["us-east-1", "eu-west-1"]);
    expect(two.plan).toContain("Plan: 61 to add, 0 to change, 0 to destroy.");
    expect(edgeRegions(two.addresses)).toEqual(["eu-west-1", "us-east-1"]);
    const five = planned(["us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2", "sa-east-1"]);
    // Each further region: its edge rule and target, its dead-letter queue and the queue's policy.
    expect(five.plan).toContain("Plan: 73 to add, 0 to change, 0 to destroy.");
    expect(edgeRegions(five.addresses)).toEqual(["ap-southeast-2", "eu-central-1", "eu-west-1", "sa-east-1", "us-east-1"]);
    expect(five.addresses).toContain("module.trailguard.aws_cloudwatch_event_bus.hub");
    expect(five.addresses.filter((a) => a.includes("aws_lambda_function."))).toEqual(["module.trailguard.aws_lambda_function.heartbeat", "module.trailguard.aws_lambda_function.remediate"]);
    expect(five.plan).not.toContain(TEST_TOKEN);
  });

  test("home_region outside regions is refused by the variable's validation, naming it", () => {
    const r = tf.run(["plan", "-input=false", "-no-color"], { slack_token: TEST_TOKEN, regions: '["eu-west-1"]' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("home_region must be one of regions");
  });
});

describeTf(`the module block's meta-arguments and secrets${skipped}`, () => {
  const withMain = (main: string) => {
    const tf = offlineModuleExample(REPO, "plain-terraform");
    writeFileSync(join(tf.dir, "main.tf"), main);
    tf.ok(["init", "-input=false", "-no-color"]);
    return tf;
  };
  const header = `terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = "~> 6.0" }\n  }\n}\nprovider "aws" {\n  region = "us-east-1"\n}\n`;

  test("count = 0 on the module block is accepted (the module declares no provider): nothing to add", () => {
    const tf = withMain(`${header}module "trailguard" {\n  count = 0\n  source = "../../terraform"\n  slack_channel = "C0123ABCDEF"\n}\n`.replace('version = "~> 6.0"', 'version = "5.100.0"'));
    expect(tf.ok(["plan", "-input=false", "-no-color"])).toContain("No changes.");
  });

  test("an http:// webhook URL is refused by a precondition, and the URL appears nowhere in the output", () => {
    const tf = withMain(
      `${header}variable "hook" {\n  type = string\n  sensitive = true\n}\nmodule "trailguard" {\n  source = "../../terraform"\n  regions = ["us-east-1"]\n  slack_webhook_url = var.hook\n}\n`.replace(
        'version = "~> 6.0"',
        'version = "5.100.0"',
      ),
    );
    const r = tf.run(["plan", "-input=false", "-no-color"], { hook: HTTP_WEBHOOK });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("slack_webhook_url must be an https:// URL");
    expect(`${r.stdout}${r.stderr}`).not.toContain("trailguardmodulesecret");
    expect(existsSync(join(tf.dir, "terraform.tfstate"))).toBe(false);
  });
});
