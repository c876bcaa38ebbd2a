import { Construct } from "constructs";
import { AwsProvider } from "../aws";
import { CloudBackend, LocalBackend, NamedCloudWorkspace, TerraformOutput, TerraformStack } from "../cdk";
import type { TrailguardConfig } from "../config";
import { trailTamperPattern } from "../detections";
import { tamperAlertTransformer, TamperOutcome } from "../messages";
import { AlertRule } from "./alert-rule";
import { EventBridgeSlackRole } from "./eventbridge-slack-role";
import { Regions } from "./regional";
import { SlackDestination } from "./slack-destination";

/** Tags every taggable resource carries, under the user's own. */
export const BASE_TAGS = { ManagedBy: "trailguard" } as const;

/**
 * hashicorp/aws 6.x: the first major version with the per-resource `region` argument. The provider
 * bindings pin the exact version they were generated from; users should get provider fixes.
 */
export const AWS_PROVIDER_CONSTRAINT = "~> 6.0";

const RULES: Record<TamperOutcome, { logicalName: string; suffix: string; description: string }> = {
  succeeded: {
    logicalName: "tamper",
    suffix: "cloudtrail-tamper",
    description: "trailguard: a CloudTrail trail or event data store was stopped, deleted or narrowed",
  },
  failed: {
    logicalName: "tamper_attempt",
    suffix: "cloudtrail-tamper-attempt",
    description: "trailguard: a refused attempt to stop, delete or narrow CloudTrail",
  },
};

/**
 * The whole Terraform stack: in every configured region, rules on the default bus that send CloudTrail
 * tampering to Slack through an API destination; one global IAM role for EventBridge.
 */
export class TrailguardStack extends TerraformStack {
  readonly regions: Regions;
  readonly rules: Record<TamperOutcome, AlertRule>;
  readonly slack: SlackDestination;

  constructor(scope: Construct, id: string, config: TrailguardConfig) {
    super(scope, id);
    const tags = { ...BASE_TAGS, ...config.tags };

    // Resources that name no region (IAM) go through the default provider, in the trail's home region.
    new AwsProvider(this, "aws", { region: config.homeRegion });
    this.addOverride("terraform.required_providers.aws", {
      source: "hashicorp/aws",
      version: AWS_PROVIDER_CONSTRAINT,
    });

    // cdktf's default local backend writes an absolute path of the machine that ran synth; state belongs
    // beside the stack, or in Terraform Cloud when configured.
    if (config.terraformCloud) {
      new CloudBackend(this, {
        organization: config.terraformCloud.organization,
        hostname: config.terraformCloud.hostname,
        workspaces: new NamedCloudWorkspace(config.terraformCloud.workspace),
      });
    } else {
      new LocalBackend(this, { path: "terraform.tfstate" });
    }

    this.regions = new Regions(this, config.regions);
    this.slack = new SlackDestination(this, "slack", {
      regions: this.regions,
      slack: config.slack,
      namePrefix: config.namePrefix,
    });

    const outcomes: TamperOutcome[] = ["succeeded", "failed"];
    this.rules = Object.fromEntries(
      outcomes.map((outcome) => [
        outcome,
        new AlertRule(this, RULES[outcome].logicalName, {
          regions: this.regions,
          logicalName: RULES[outcome].logicalName,
          ruleName: `${config.namePrefix}-${RULES[outcome].suffix}`,
          description: RULES[outcome].description,
          pattern: trailTamperPattern(outcome),
          tags,
        }),
      ]),
    ) as Record<TamperOutcome, AlertRule>;

    const role = new EventBridgeSlackRole(this, "eventbridge_slack", {
      name: `${config.namePrefix}-eventbridge-slack`,
      ruleArns: Regions.all(
        outcomes.map((o) => this.rules[o].rule),
        "arn",
      ),
      apiDestinationArns: Regions.all([this.slack.apiDestination], "arn"),
      tags,
    });

    for (const outcome of outcomes) {
      this.rules[outcome].sendToSlack(
        this.slack.apiDestination,
        tamperAlertTransformer({ outcome, channel: config.slack.channel }),
        role.role.arn,
      );
    }

    const output = (name: string, value: unknown, description: string) =>
      new TerraformOutput(this, name, { value, description }).overrideLogicalId(name);
    output("trailguard_regions", config.regions, "Regions that have trailguard rules.");
    output(
      "trailguard_tamper_rule_arns",
      Regions.byRegion(this.rules.succeeded.rule, "arn"),
      "ARN of the rule for successful tamper calls, keyed by region.",
    );
    output(
      "trailguard_tamper_attempt_rule_arns",
      Regions.byRegion(this.rules.failed.rule, "arn"),
      "ARN of the rule for refused tamper attempts, keyed by region.",
    );
    output(
      "trailguard_api_destination_arns",
      Regions.byRegion(this.slack.apiDestination, "arn"),
      "ARN of the Slack API destination, keyed by region.",
    );
    output("trailguard_eventbridge_role_arn", role.role.arn, "IAM role EventBridge assumes to post to Slack.");
  }
}
