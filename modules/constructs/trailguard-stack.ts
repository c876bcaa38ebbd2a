import { Construct } from "constructs";
import type { LambdaName } from "../../scripts/build-lambdas";
import { AwsProvider } from "../aws";
import { CloudBackend, Fn, LocalBackend, NamedCloudWorkspace, TerraformLocal, TerraformOutput, TerraformStack } from "../cdk";
import type { TrailguardConfig } from "../config";
import { remediationReportPattern, trailTamperPattern } from "../detections";
import { tamperAlertTransformer } from "../messages";
import { AlertRule } from "./alert-rule";
import { DeadLetterQueue } from "./dead-letter-queue";
import { EventBridgeSlackRole } from "./eventbridge-slack-role";
import { Regions } from "./regional";
import { Remediation } from "./remediation";
import { SlackDestination } from "./slack-destination";

/** Tags every taggable resource carries, under the user's own. */
export const BASE_TAGS = { ManagedBy: "trailguard" } as const;

/**
 * hashicorp/aws 6.x: the first major version with the per-resource `region` argument. The provider
 * bindings pin the exact version they were generated from; users should get provider fixes.
 */
export const AWS_PROVIDER_CONSTRAINT = "~> 6.0";

export interface TrailguardStackProps {
  readonly config: TrailguardConfig;
  /** Zipped handlers (scripts/build-lambdas.ts); required unless remediation.mode is "off". */
  readonly bundles?: Readonly<Record<LambdaName, string>>;
}

/**
 * The whole Terraform stack. In every configured region, on the default bus: a rule for successful tamper
 * calls and one for refused attempts, each posting a template-built alert to Slack; the remediation Lambda
 * behind the first; a rule that forwards the Lambda's code-built report to Slack; a dead-letter queue.
 * Once: the IAM roles, and the heartbeat in the home region.
 */
export class TrailguardStack extends TerraformStack {
  readonly regions: Regions;
  readonly slack: SlackDestination;
  readonly remediation?: Remediation;

  constructor(scope: Construct, id: string, props: TrailguardStackProps) {
    super(scope, id);
    const { config } = props;
    const prefix = config.namePrefix;
    const tags = { ...BASE_TAGS, ...config.tags };
    const remediate = config.remediation.mode !== "off";
    if (remediate && !props.bundles) throw new Error("remediation needs the bundled Lambdas (bundles)");

    // Resources that name no region (IAM) go through the default provider, in the trail's home region.
    new AwsProvider(this, "aws", { region: config.homeRegion });
    this.addOverride("terraform.required_providers.aws", { source: "hashicorp/aws", version: AWS_PROVIDER_CONSTRAINT });
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

    const regions = (this.regions = new Regions(this, config.regions));
    this.slack = new SlackDestination(this, "slack", { regions, slack: config.slack, namePrefix: prefix });

    const rule = (logicalName: string, suffix: string, description: string, pattern: AlertRule["props"]["pattern"]) =>
      new AlertRule(this, logicalName, { regions, logicalName, ruleName: `${prefix}-${suffix}`, description, pattern, tags });
    const tamper = rule("tamper", "cloudtrail-tamper", "trailguard: a CloudTrail trail or event data store was stopped, deleted or narrowed", trailTamperPattern("succeeded"));
    const attempt = rule("tamper_attempt", "cloudtrail-tamper-attempt", "trailguard: a refused attempt to stop, delete or narrow CloudTrail", trailTamperPattern("failed"));
    const report = remediate
      ? rule("report", "remediation-report", "trailguard: the remediation Lambda's report, forwarded to Slack as built", remediationReportPattern())
      : undefined;
    const slackRules = [tamper, attempt, ...(report ? [report] : [])];

    const role = new EventBridgeSlackRole(this, "eventbridge_slack", {
      name: `${prefix}-eventbridge-slack`,
      ruleArns: Regions.all(slackRules.map((r) => r.rule), "arn"),
      apiDestinationArns: Regions.all([this.slack.apiDestination], "arn"),
      tags,
    });
    // The account, read off an ARN this stack creates: no aws_caller_identity data source, so no API call
    // at plan (and the offline plan in the tests runs the stack as shipped).
    const account = new TerraformLocal(this, "account_id", Fn.element(Fn.split(":", role.role.arn), 4));
    account.overrideLogicalId("account_id");
    const dlq = new DeadLetterQueue(this, "dlq", { regions, name: `${prefix}-dlq`, namePrefix: prefix, account: account.asString, tags });
    const toSlack = { suffix: "slack", targetId: "slack", destination: this.slack.apiDestination, roleArn: role.role.arn, deadLetterQueue: dlq.queue };
    tamper.addTarget({ ...toSlack, input: { transformer: tamperAlertTransformer({ outcome: "succeeded", channel: config.slack.channel }) } });
    attempt.addTarget({ ...toSlack, input: { transformer: tamperAlertTransformer({ outcome: "failed", channel: config.slack.channel }) } });
    // The report's Slack payload was built (and escaped) by the Lambda: no template touches it.
    report?.addTarget({ ...toSlack, input: { inputPath: "$.detail.slack" } });

    if (remediate) {
      this.remediation = new Remediation(this, "remediation", {
        regions,
        config,
        account: account.asString,
        bundles: props.bundles!,
        tamperRule: tamper,
        deadLetterQueue: dlq,
        tags,
      });
    }

    const output = (name: string, value: unknown, description: string) =>
      new TerraformOutput(this, name, { value, description }).overrideLogicalId(name);
    output("trailguard_regions", config.regions, "Regions that have trailguard rules.");
    output("trailguard_tamper_rule_arns", Regions.byRegion(tamper.rule, "arn"), "ARN of the rule for successful tamper calls, keyed by region.");
    output("trailguard_tamper_attempt_rule_arns", Regions.byRegion(attempt.rule, "arn"), "ARN of the rule for refused tamper attempts, keyed by region.");
    output("trailguard_api_destination_arns", Regions.byRegion(this.slack.apiDestination, "arn"), "ARN of the Slack API destination, keyed by region.");
    output("trailguard_dead_letter_queue_urls", Regions.byRegion(dlq.queue, "url"), "Dead-letter queue for undelivered events, keyed by region.");
    output("trailguard_eventbridge_role_arn", role.role.arn, "IAM role EventBridge assumes to post to Slack.");
    if (this.remediation) {
      output("trailguard_remediate_function_arns", Regions.byRegion(this.remediation.remediate, "arn"), "Remediation Lambda, keyed by region.");
      output("trailguard_heartbeat_function_arn", this.remediation.heartbeat.arn, "Heartbeat Lambda in the home region.");
      output("trailguard_remediation_role_arn", this.remediation.role.arn, "IAM role of the remediation Lambdas.");
    }
  }
}
