import { Construct } from "constructs";
import { AwsProvider } from "../aws";
import { CloudBackend, LocalBackend, NamedCloudWorkspace, TerraformOutput, TerraformStack } from "../cdk";
import { parseConfig, type TrailguardConfig } from "../config";
import { Regions } from "./regional";
import { Trailguard, TrailguardProps } from "./trailguard";
import { TrailguardEdge } from "./trailguard-edge";

/**
 * hashicorp/aws 6.x: the first major version with the per-resource `region` argument. The provider
 * bindings pin the exact version they were generated from; users should get provider fixes.
 */
export const AWS_PROVIDER_CONSTRAINT = "~> 6.0";

export interface TrailguardStackProps extends TrailguardProps {
  /**
   * Where local state goes, as Terraform reads it from the stack's directory (cdktf.out/stacks/<id>);
   * unused with `terraformCloud`. main.ts points it outside cdktf.out, so a re-synth keeps it.
   * @default "terraform.tfstate" (beside cdk.tf.json)
   */
  readonly localStatePath?: string;
}

/**
 * What `npm start` synthesizes: the AWS provider (in the home region), the backend (state beside the stack,
 * or Terraform Cloud), one {@link Trailguard}, and its outputs. To add trailguard to a stack of your own,
 * use the construct instead: it takes your provider and backend.
 */
export class TrailguardStack extends TerraformStack {
  /** The deployment: the hub and its edges, or (edgeOnly) only edges. */
  readonly trailguard: Trailguard | TrailguardEdge;

  constructor(scope: Construct, id: string, props: TrailguardStackProps) {
    super(scope, id);
    const config = parseConfig(props.config, `the config of ${id}`);
    this.backend(config, props.localStatePath ?? "terraform.tfstate");
    if (config.edgeOnly) {
      const edge = (this.trailguard = new TrailguardEdge(this, "trailguard", { config }));
      edgeOutputs(this, edge);
    } else {
      const tg = (this.trailguard = new Trailguard(this, "trailguard", { ...props, config }));
      trailguardOutputs(this, tg, config.regions);
    }
  }

  /** Things the user should know that do not stop synth (main.ts prints them). */
  get warnings(): readonly string[] {
    return this.trailguard.warnings;
  }

  /** The provider, and state beside the stack or in Terraform Cloud. */
  private backend(config: TrailguardConfig, localStatePath: string): void {
    // Resources that name no region (IAM) go through the default provider, in the home region.
    new AwsProvider(this, "aws", { region: config.homeRegion });
    this.addOverride("terraform.required_providers.aws", { source: "hashicorp/aws", version: AWS_PROVIDER_CONSTRAINT });
    // cdktf's default local backend writes an absolute path of the machine that ran synth.
    if (config.terraformCloud) {
      new CloudBackend(this, {
        organization: config.terraformCloud.organization,
        hostname: config.terraformCloud.hostname,
        workspaces: new NamedCloudWorkspace(config.terraformCloud.workspace),
      });
    } else {
      new LocalBackend(this, { path: localStatePath });
    }
  }
}

/** The outputs of an edge-only stack. */
function edgeOutputs(scope: Construct, edge: TrailguardEdge): void {
  const output = (name: string, value: unknown, description: string) => new TerraformOutput(scope, name, { value, description }).overrideLogicalId(name);
  output("trailguard_regions", edge.config.regions, "Regions with edge rules.");
  output("trailguard_edge_rule_arns", Regions.byRegion(edge.edges.rules[0].rule, "arn"), "ARN of the edge rule, keyed by region.");
  output("trailguard_dead_letter_queue_urls", Regions.byRegion(edge.deadLetterQueue.queue, "url"), "Dead-letter queue for undelivered events, keyed by region.");
  output("trailguard_edge_role_arn", edge.edgeRole.role.arn, "IAM role the edge rules forward with.");
}

/** The outputs of a stack that holds one {@link Trailguard} (this repository's stack and the generated module). */
export function trailguardOutputs(scope: Construct, tg: Trailguard, regions: unknown): void {
  const output = (name: string, value: unknown, description: string) =>
    new TerraformOutput(scope, name, { value, description }).overrideLogicalId(name);
  output("trailguard_regions", regions, "Regions with edge rules.");
  output("trailguard_hub_event_bus_arn", tg.hubBusArn, "The hub event bus, in the home region.");
  output("trailguard_edge_rule_arns", tg.edgeRuleArnsByRegion, "ARN of the edge rule, keyed by region.");
  output(
    "trailguard_detection_rule_arns",
    Object.fromEntries(tg.hubRules.map(({ rule }) => [rule.props.logicalName, rule.rule.arn])),
    "ARN of every detection rule on the hub bus, keyed by rule.",
  );
  output("trailguard_tamper_rule_arn", tg.tamperRule.rule.arn, "ARN of the hub rule for successful tamper calls.");
  output("trailguard_api_destination_arn", tg.slack.apiDestination.arn, "ARN of the Slack API destination.");
  output("trailguard_dead_letter_queue_urls", Regions.byRegion(tg.deadLetterQueue.queue, "url"), "Dead-letter queue for undelivered events, keyed by region.");
  output("trailguard_alarm_topic_arn", tg.alarmTopicArn, "The encrypted SNS topic of alarms and self-protection alerts.");
  output("trailguard_edge_role_arn", tg.edgeRole.role.arn, "IAM role the edge rules forward with.");
  output("trailguard_eventbridge_role_arn", tg.slackRole.role.arn, "IAM role the hub's rules post to Slack with.");
  if (tg.remediation) {
    output("trailguard_remediate_function_arn", tg.remediation.remediate.arn, "Remediation Lambda, in the home region.");
    output("trailguard_heartbeat_function_arn", tg.remediation.heartbeat.arn, "Heartbeat Lambda, in the home region.");
    output("trailguard_remediation_role_arn", tg.remediation.role.arn, "IAM role of the remediate Lambda.");
    output("trailguard_heartbeat_role_arn", tg.remediation.heartbeatRole.arn, "IAM role of the heartbeat Lambda (trail checks and the self-check).");
  }
}
