import { Construct } from "constructs";
import { LAMBDAS, type LambdaName } from "../../lambda-src/handlers";
import { ref, TerraformStack, TerraformVariable, Token } from "../cdk";
import type { TrailguardConfigInput } from "../config";
import { Trailguard } from "../constructs/trailguard";
import { AWS_PROVIDER_CONSTRAINT, trailguardOutputs } from "../constructs/trailguard-stack";
import { MODULE_VARIABLES } from "./variables";

/**
 * What the module fixes at generation, the rest of a config (the variables replace regions, home region,
 * name prefix, Slack, trails, remediation mode, alarm email and tags): the default detections, no custom
 * rule, and the remediation defaults. A different choice is a module generated from your config file
 * (`TRAILGUARD_CONFIG=... npm run module -- --out dir`) or the construct.
 */
export const MODULE_CONFIG: TrailguardConfigInput = { slack: { incomingWebhook: true } };

/** Terraform 1.9: a variable's validation may read another variable (home_region in regions). */
export const REQUIRED_TERRAFORM = ">= 1.9";

/** Where the module finds the Lambda packages: files of the module itself (`${path.module}/lambda/<name>.zip`). */
export const moduleBundle = (name: LambdaName) => `${Token.asString(ref("path.module"))}/lambda/${name}.zip`;

/**
 * The Terraform module at terraform/: its variables, one {@link Trailguard} wired to them, and the same
 * outputs as this repository's stack. No provider and no backend: the caller's are used, and the module
 * block accepts `count`, `for_each` and `depends_on`.
 */
export class TrailguardModuleStack extends TerraformStack {
  readonly trailguard: Trailguard;

  constructor(scope: Construct, id: string, config: TrailguardConfigInput = MODULE_CONFIG) {
    super(scope, id);
    this.addOverride("terraform.required_version", REQUIRED_TERRAFORM);
    this.addOverride("terraform.required_providers.aws", { source: "hashicorp/aws", version: AWS_PROVIDER_CONSTRAINT });
    for (const v of MODULE_VARIABLES) {
      const variable = new TerraformVariable(this, v.name, {
        type: v.type,
        description: v.description,
        default: v.default ?? undefined,
        // A variable with a real default must not be set to null (`trails = null` would break every for).
        nullable: v.default === null,
        sensitive: v.sensitive,
        validation: v.validation?.map((c) => ({ condition: `\${${c.condition}}`, errorMessage: c.errorMessage })),
      });
      variable.overrideLogicalId(v.name);
      // cdktf cannot write a null default (it would make the variable required): an override can.
      if (v.default === null) variable.addOverride("default", null);
    }
    const tg = (this.trailguard = new Trailguard(this, "trailguard", {
      config,
      terraformInputs: {
        regions: "var.regions",
        homeRegion: "var.home_region",
        namePrefix: "var.name_prefix",
        tags: "var.tags",
        slack: { channel: "var.slack_channel", token: "var.slack_token", webhookUrl: "var.slack_webhook_url" },
        alarmEmail: "var.alarm_email",
        trails: "var.trails",
        remediationMode: "var.remediation_mode",
        worstCase: Object.fromEntries(MODULE_VARIABLES.map((v) => [v.name, v.worstCase])),
        bundles: Object.fromEntries(LAMBDAS.map((n) => [n, moduleBundle(n)])) as Record<LambdaName, string>,
      },
    }));
    trailguardOutputs(this, tg, tg.regions.list);
    // The config path warns at synth; the module can only warn at plan (a check block warns, never fails).
    if (tg.edges.rules.some((r) => r.props.logicalName.startsWith("edge_global"))) {
      this.addOverride("check.global_services_need_us_east_1", {
        assert: [
          {
            condition: '${contains(var.regions, "us-east-1")}',
            error_message:
              "regions does not include us-east-1, where IAM, Organizations and other global services deliver their CloudTrail events: the detections that watch them (self-iam, and adjacent ones) will never fire.",
          },
        ],
      });
    }
  }
}
