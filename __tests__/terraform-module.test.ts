import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { generateModule } from "../modules/terraform-module/generate";
import { bundleZips } from "../modules/lambda-bundles";
import { offlineModuleExample, OfflineTerraform, terraformUnavailable } from "./helpers/offline-terraform";
import { parseSettings } from "../lambda-src/lib/settings";
import { FORMATS } from "../modules/config/schema";
import { MODULE_VARIABLES } from "../modules/terraform-module/variables";
import { parseSelfCheckSettings } from "../lambda-src/lib/self-check-settings";
import { evaluateInputTransformer } from "../modules/eventbridge/input-transformer";
import { hostileVariants, loadFixture } from "./helpers/fixtures";
import { duplicateKeys } from "./helpers/json-keys";

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

describe("the module's variables", () => {
  test("each worst case the quota preflight assumes is a value the variable's own format accepts, at its longest", () => {
    const worst = Object.fromEntries(MODULE_VARIABLES.map((v) => [v.name, v.worstCase]));
    expect(FORMATS.namePrefix.pattern.test(worst.name_prefix as string)).toBe(true);
    expect((worst.name_prefix as string).length).toBe(23);
    expect(FORMATS.slackChannel.pattern.test(worst.slack_channel as string)).toBe(true);
    expect(FORMATS.slackChannel.pattern.test(`#${"c".repeat(81)}`)).toBe(false);
    expect(FORMATS.slackChannel.pattern.test(`C${"A".repeat(21)}`)).toBe(false);
    expect((worst.slack_channel as string).length).toBe(81);
    expect(FORMATS.email.pattern.test(worst.alarm_email as string)).toBe(true);
    expect((worst.alarm_email as string).length).toBe(382);
    const tags = Object.entries(worst.tags as Record<string, string>);
    expect(tags.length).toBe(49);
    expect(tags.every(([k, v]) => FORMATS.tagKey.pattern.test(k) && k.length === 128 && FORMATS.tagValue.pattern.test(v) && v.length === 256)).toBe(true);
  });

  test("no validation regex carries a flag Terraform's regex() would drop (u alone is allowed)", () => {
    for (const f of Object.values(FORMATS)) expect(["", "u"]).toContain(f.pattern.flags);
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
    expect(two.plan).toContain("Plan: 67 to add, 0 to change, 0 to destroy.");
    expect(edgeRegions(two.addresses)).toEqual(["eu-west-1", "us-east-1"]);
    const five = planned(["us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2", "sa-east-1"]);
    // Each further region: its edge rule and target, its dead-letter queue and the queue's policy.
    expect(five.plan).toContain("Plan: 79 to add, 0 to change, 0 to destroy.");
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

  test("slack_channel without slack_token is refused by the precondition's own words", () => {
    const tf = withMain(`${header}module "trailguard" {\n  source = "../../terraform"\n  regions = ["us-east-1"]\n  slack_channel = "C0123ABCDEF"\n}\n`.replace('version = "~> 6.0"', 'version = "5.100.0"'));
    const r = tf.run(["plan", "-input=false", "-no-color"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr.replace(/\s+/g, " ")).toContain("slack_channel is set, so slack_token (a bot token with chat:write) is needed too.");
  });

  test("trails whose filters would push the delivery rule's pattern past 2,048 characters are refused at plan", () => {
    // One trail, a 63-character bucket and a 477-character log group: the pattern would be about 2,056 characters.
    const trail = `{ name = "org-trail", s3_bucket = "${"b".repeat(63)}", cloud_watch_log_group = "${"g".repeat(477)}" }`;
    const tf = withMain(`${header}module "trailguard" {\n  source = "../../terraform"\n  regions = ["us-east-1"]\n  slack_channel = "C0123ABCDEF"\n  slack_token = "${TEST_TOKEN}"\n  trails = [${trail}]\n}\n`.replace('version = "~> 6.0"', 'version = "5.100.0"'));
    const r = tf.run(["plan", "-input=false", "-no-color"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr.replace(/\s+/g, " ")).toContain("trails: the buckets, keys and log groups take more than 550 characters in the delivery-path rule's event pattern");
  });

  test("regions without us-east-1 plan, with a warning that the global-service detections will never fire", () => {
    const tf = withMain(
      `${header}module "trailguard" {\n  source = "../../terraform"\n  regions = ["eu-west-1"]\n  home_region = "eu-west-1"\n  slack_channel = "C0123ABCDEF"\n  slack_token = "${TEST_TOKEN}"\n}\n`.replace('version = "~> 6.0"', 'version = "5.100.0"'),
    );
    const r = tf.run(["plan", "-input=false", "-no-color"]);
    expect(r.status).toBe(0);
    expect(`${r.stdout}${r.stderr}`.replace(/\s+/g, " ")).toContain("regions does not include us-east-1, where IAM, Organizations and other global services deliver their CloudTrail events");
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

describeTf(`the module's trails, dry run and webhook, as Terraform computes them and the Lambdas read them${skipped}`, () => {
  const KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  let after: Record<string, any>;

  beforeAll(() => {
    const tf = offlineModuleExample(REPO, "plain-terraform");
    writeFileSync(
      join(tf.dir, "main.tf"),
      `terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = "5.100.0" }\n  }\n}\nprovider "aws" {\n  region = "us-east-1"\n}\n` +
        `variable "hook" {\n  type = string\n  sensitive = true\n}\n` +
        `module "trailguard" {\n  source = "../../terraform"\n  regions = ["us-east-1", "eu-west-1"]\n  name_prefix = "tg-prod"\n  remediation_mode = "dry-run"\n  slack_webhook_url = var.hook\n` +
        `  trails = [\n    { name = "org-trail", s3_bucket = "acme-cloudtrail", kms_key_id = "${KEY}", cloud_watch_log_group = "aws-cloudtrail-logs", cloud_watch_logs_role_arn = "arn:aws:iam::111122223333:role/CloudTrail_CloudWatchLogs_Role" },\n` +
        `    { name = "eu-trail", home_region = "eu-west-1", s3_bucket = "acme-eu-trail", multi_region = false },\n  ]\n}\n`,
    );
    tf.ok(["init", "-input=false", "-no-color"]);
    tf.ok(["plan", "-input=false", "-no-color", "-out=plan.bin"], { hook: "https://hooks.slack.com/services/T0/B0/module-test" });
    const show = JSON.parse(tf.ok(["show", "-json", "plan.bin"]));
    after = Object.fromEntries(show.resource_changes.map((r: { address: string; change: { after: unknown } }) => [r.address.replace("module.trailguard.", ""), r.change.after]));
  });

  test("the remediate Lambda's settings parse with the Lambda's own parser: dry run, both trails, unset fields absent", () => {
    const settings = parseSettings(after["aws_lambda_function.remediate"].environment[0].variables.TRAILGUARD_SETTINGS);
    expect(settings.mode).toBe("dry-run");
    expect(settings.slackChannel).toBeUndefined();
    expect(settings.reportEventBus).toBe("tg-prod");
    expect(settings.trails).toEqual([
      {
        name: "org-trail",
        homeRegion: "us-east-1",
        multiRegion: true,
        includeGlobalEvents: true,
        logFileValidation: true,
        s3Bucket: "acme-cloudtrail",
        kmsKeyId: KEY,
        cloudWatchLogGroup: "aws-cloudtrail-logs",
        cloudWatchLogsRoleArn: "arn:aws:iam::111122223333:role/CloudTrail_CloudWatchLogs_Role",
        managementEvents: "All",
      },
      { name: "eu-trail", homeRegion: "eu-west-1", multiRegion: false, includeGlobalEvents: true, logFileValidation: true, s3Bucket: "acme-eu-trail", managementEvents: "All" },
    ]);
  });

  test("the heartbeat's self-check settings parse, expecting the webhook and both regions", () => {
    const s = parseSelfCheckSettings(after["aws_lambda_function.heartbeat"].environment[0].variables.TRAILGUARD_SELFCHECK)!;
    expect(s.endpoint).toEqual({ startsWith: "https://hooks.slack.com/" });
    expect(s.regions).toEqual(["us-east-1", "eu-west-1"]);
    expect(s.edgeRules).toEqual({ "tg-prod-edge": "every region", "tg-prod-edge-global": ["us-east-1"] });
    expect(s.hubRules["tg-prod-cloudtrail-tamper"]).toEqual(["slack", "remediate"]);
  });

  test("the delivery rule watches exactly the listed buckets, both forms of the key, and the log group", () => {
    const pattern = JSON.parse(after["aws_cloudwatch_event_rule.delivery"].event_pattern);
    const clauses = pattern.$or.map((c: any) => [c.source[0], c.detail.requestParameters]);
    expect(clauses).toEqual([
      ["aws.s3", { bucketName: ["acme-cloudtrail", "acme-eu-trail"] }],
      ["aws.kms", { keyId: [KEY, "1234abcd-12ab-34cd-56ef-1234567890ab"] }],
      ["aws.logs", { logGroupName: ["aws-cloudtrail-logs"] }],
    ]);
  });

  test("a webhook alert has no channel field, and hostile variants of a real StopLogging keep the benign keys", () => {
    const target = after["aws_cloudwatch_event_target.tamper_slack"].input_transformer[0];
    const transformer = { inputPaths: target.input_paths, inputTemplate: target.input_template };
    const base = loadFixture("stop-logging-assumed-role");
    const benign = JSON.parse(evaluateInputTransformer(transformer, base));
    expect(benign.channel).toBeUndefined();
    for (const [label, hostile] of hostileVariants(base)) {
      const text = evaluateInputTransformer(transformer, hostile);
      expect([label, jsonKeys(JSON.parse(text))]).toEqual([label, jsonKeys(benign)]);
      expect([label, duplicateKeys(text)]).toEqual([label, []]);
    }
  });

  test("names carry the prefix, and only the delivery rule's pattern holds the trails", () => {
    expect(after["aws_cloudwatch_event_bus.hub"].name).toBe("tg-prod");
    expect(after["aws_iam_role.remediation"].name).toBe("tg-prod-remediation");
    expect(after['aws_cloudwatch_event_rule.edge["eu-west-1"]'].name).toBe("tg-prod-edge");
    expect(after['aws_cloudwatch_event_rule.edge["eu-west-1"]'].event_pattern).not.toContain("acme");
  });
});

/** Every key path of a JSON value, array positions included. */
function jsonKeys(v: unknown, at = ""): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => jsonKeys(x, `${at}[${i}]`));
  if (v !== null && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => [`${at}.${k}`, ...jsonKeys(x, `${at}.${k}`)]);
  return [];
}
