import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHANNEL_CONFIG, synthStack } from "./helpers/synth";

/**
 * cfn-lint on every template the StackSets deploy (issue 23): the regional edges and the global roles, with
 * and without remediation, with and without global-service rules, with every family on. 0 errors and 0
 * warnings; informational findings only from the list below, each accepted for the reason given.
 *
 * cfn-lint is a Python tool (pip install cfn-lint). Without it the suite is skipped and says so, unless
 * TRAILGUARD_E2E=required, where a missing cfn-lint is a failure (CI that must lint).
 */
const CFN_LINT_REQUIRED = process.env.TRAILGUARD_E2E === "required";

function cfnLintUnavailable(): string | undefined {
  const probe = spawnSync("cfn-lint", ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) return "cfn-lint is not on PATH (pip install cfn-lint)";
  return undefined;
}
const missing = cfnLintUnavailable();

/**
 * Informational findings we accept, by rule ID. (None today: the member templates trip no informational
 * rule with `--include-checks I`. I3011, "DeletionPolicy/UpdateReplacePolicy not specified for a stateful
 * resource", fired on the dead-letter queue before it had both; see organization/templates.ts.)
 */
const ACCEPTED_INFORMATIONAL: Readonly<Record<string, string>> = {};

/** The shape issue 23 fixed, linted beside the real templates. */
const CONTROL = {
  AWSTemplateFormatVersion: "2010-09-09",
  Resources: {
    DeadLetterQueue: { Type: "AWS::SQS::Queue", Properties: { QueueName: "trailguard-dlq", SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 } },
    Edge: {
      Type: "AWS::Events::Rule",
      Properties: {
        EventBusName: "default",
        EventPattern: { source: ["aws.cloudtrail"] },
        Targets: [{ Id: "hub", Arn: "arn:aws:events:us-east-1:123456789012:event-bus/trailguard", RoleArn: { "Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/trailguard-edge" } }],
      },
    },
  },
};

const HUB_ACCOUNT = "123456789012";
/** What Terraform writes in place of each expression the template bodies hold: realistic, longest-region values. */
const TERRAFORM_VALUES: Readonly<Record<string, string>> = {
  "aws_cloudwatch_event_bus.hub.arn": `arn:aws:events:ap-northeast-3:${HUB_ACCOUNT}:event-bus/trailguard`,
  "aws_iam_role.remediation.arn": `arn:aws:iam::${HUB_ACCOUNT}:role/trailguard-remediation`,
  "local.account_id": HUB_ACCOUNT,
};

/**
 * A StackSet's template_body as CloudFormation receives it. The body is an HCL string literal (constructs/
 * hcl.ts hclLiteral over jsonWithTerraform): `${expr}` is a Terraform interpolation, `$${` and `%%{` are
 * escapes for a literal `${` and `%{` (Terraform language, "Strings and Templates", escape sequences,
 * https://developer.hashicorp.com/terraform/language/expressions/strings#escape-sequences). Every
 * interpolation must be one of TERRAFORM_VALUES: a new one fails here until it is given a dummy.
 */
function renderTemplateBody(body: string): string {
  const filled = body.replace(/(\$?)\$\{([^}]*)\}/g, (whole, escape: string, expr: string) => {
    if (escape) return whole; // `$${...}`: literal, unescaped below
    const value = TERRAFORM_VALUES[expr];
    if (value === undefined) throw new Error(`template body interpolates \${${expr}}: add a realistic value to TERRAFORM_VALUES`);
    return value;
  });
  if (/(^|[^%])%\{/.test(filled)) throw new Error("template body has a Terraform template directive (%{)");
  return filled.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
}

interface Finding {
  readonly Rule: { readonly Id: string };
  readonly Level: "Error" | "Warning" | "Informational";
  readonly Message: string;
  readonly Filename: string;
  readonly Location: { readonly Path?: readonly (string | number)[] };
}

const REGIONAL = { ...CHANNEL_CONFIG, regions: ["us-east-1", "eu-west-1", "ap-northeast-3"] };
const ORG = { id: "o-a1b2c3d4e5", organizationalUnits: ["r-ab12"] };
/** Every shape the member templates take. */
const CASES: readonly (readonly [string, object])[] = [
  ["remediation on (enforce), global-service rules", { ...REGIONAL, organization: ORG }],
  ["remediation dry-run", { ...REGIONAL, organization: ORG, remediation: { mode: "dry-run" } }],
  ["remediation off", { ...REGIONAL, organization: ORG, remediation: { mode: "off" } }],
  ["no us-east-1: no global-service rules", { ...REGIONAL, homeRegion: "eu-west-1", regions: ["eu-west-1", "ap-northeast-3"], organization: ORG }],
  ["every family, a second regional edge rule", { ...REGIONAL, organization: ORG, detections: { include: ["trail", "delivery", "self", "custom", "adjacent"] } }],
  ["a delegated administrator hub", { ...REGIONAL, organization: { ...ORG, callAs: "DELEGATED_ADMIN" } }],
  ["another name prefix", { ...REGIONAL, namePrefix: "tg-prod-eu", organization: ORG }],
];

describe("renderTemplateBody (how the test reads a StackSet's body)", () => {
  test("fills Terraform interpolations, keeps CloudFormation's ${AWS::...} and unescapes $${ and %%{", () => {
    expect(renderTemplateBody('{"a":"${local.account_id}","b":"arn:$${AWS::Partition}:x","c":"100%%{"}')).toBe(
      '{"a":"123456789012","b":"arn:${AWS::Partition}:x","c":"100%{"}',
    );
  });

  test("an interpolation it has no value for fails, naming it", () => {
    expect(() => renderTemplateBody('{"a":"${var.unknown}"}')).toThrow("template body interpolates ${var.unknown}: add a realistic value to TERRAFORM_VALUES");
  });
});

if (missing && CFN_LINT_REQUIRED) {
  test("cfn-lint is required (TRAILGUARD_E2E=required)", () => {
    throw new Error(`TRAILGUARD_E2E=required, but ${missing}`);
  });
}

(missing ? describe.skip : describe)(`cfn-lint on the member StackSets' templates${missing ? ` (skipped: ${missing})` : ""}`, () => {
  let dir: string;
  const files: [label: string, file: string][] = [];
  let findings: Finding[] = [];
  let control: Finding[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "tg-cfn-lint-"));
    CASES.forEach(([label, config], i) => {
      const sets = synthStack(config as never).resource.aws_cloudformation_stack_set;
      for (const [set, name] of [["member_edges", "regional"], ["member_roles", "global"]] as const) {
        const file = join(dir, `${i}-${name}.json`);
        writeFileSync(file, JSON.stringify(JSON.parse(renderTemplateBody(sets[set].template_body)), null, 2));
        files.push([`${label}: ${name}`, file]);
      }
    });
    // A control: what the member templates looked like before issue 23 (a partition written out, a queue
    // with no deletion policy). Its findings prove the linter ran with the informational checks on.
    writeFileSync(join(dir, "control.json"), JSON.stringify(CONTROL));
    // Commercial, GovCloud and China regions: the partition-dependent checks see all three. Informational
    // checks included (-c I).
    const run = spawnSync("cfn-lint", ["--format", "json", "--include-checks", "I", "--regions", "us-east-1", "ap-northeast-3", "us-gov-west-1", "cn-north-1", "--", ...files.map(([, f]) => f), join(dir, "control.json")], {
      encoding: "utf8",
    });
    if (run.error) throw run.error;
    const all: Finding[] = JSON.parse(run.stdout || "[]");
    control = all.filter((f) => f.Filename.endsWith("control.json"));
    findings = all.filter((f) => !f.Filename.endsWith("control.json"));
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("the linter is live: the control template's hard-coded partition (I3042) and queue without deletion policies (I3011) are reported", () => {
    expect(control.map((f) => `${f.Level} ${f.Rule.Id}`).sort()).toEqual(["Informational I3011", "Informational I3011", "Informational I3042"]);
  });

  test("lints 14 templates: each case's regional and global template", () => {
    expect(files.length).toBe(14);
  });

  test("0 errors and 0 warnings", () => {
    const label = (f: Finding) => `${files.find(([, file]) => file === f.Filename)?.[0] ?? f.Filename}: ${f.Rule.Id} ${f.Message} at ${(f.Location.Path ?? []).join("/")}`;
    expect(findings.filter((f) => f.Level !== "Informational").map(label)).toEqual([]);
  });

  test("informational findings only from the accepted list", () => {
    expect(findings.filter((f) => f.Level === "Informational" && !(f.Rule.Id in ACCEPTED_INFORMATIONAL)).map((f) => `${f.Rule.Id} ${f.Message}`)).toEqual([]);
  });
});
