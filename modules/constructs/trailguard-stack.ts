import { Construct } from "constructs";
import type { LambdaName } from "../../lambda-src/handlers";
import { AwsProvider } from "../aws";
import { CloudBackend, Fn, LocalBackend, NamedCloudWorkspace, TerraformLocal, TerraformOutput, TerraformStack } from "../cdk";
import type { TrailguardConfig } from "../config";
import {
  buildCatalog,
  CustomRule,
  DetectionGroup,
  groupDetections,
  groupPattern,
  groupRegions,
  remediationReportPattern,
  selectDetections,
  selectionWarnings,
} from "../detections";
import { alertTransformer } from "../messages";
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
 * The whole Terraform stack. In every configured region, on the default bus: one rule per detection group
 * (per outcome where refused attempts matter), each posting a template-built alert to Slack; the
 * remediation Lambda behind the trail group's rule; a rule that forwards the Lambda's code-built report to
 * Slack; a dead-letter queue. Global-service detections only in us-east-1. Once: the IAM roles, and the
 * heartbeat in the home region.
 */
export class TrailguardStack extends TerraformStack {
  readonly regions: Regions;
  readonly slack: SlackDestination;
  readonly remediation?: Remediation;
  /** The detection groups that got rules, in order. */
  readonly groups: readonly DetectionGroup[];
  /** Things the user should know that do not stop synth (main.ts prints them). */
  readonly warnings: readonly string[];

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

    const rule = (regionSet: Regions, logicalName: string, suffix: string, description: string, pattern: AlertRule["props"]["pattern"]) =>
      new AlertRule(this, logicalName, { regions: regionSet, logicalName, ruleName: `${prefix}-${suffix}`, description, pattern, tags });

    // Detections: the catalog, filtered to this deployment's resources, selected, grouped into few rules.
    const catalog = buildCatalog(
      {
        namePrefix: prefix,
        trailBuckets: [...new Set(config.trails.map((t) => t.s3Bucket))],
        trailKeys: [...new Set(config.trails.flatMap((t) => (t.kmsKeyId ? [t.kmsKeyId] : [])))],
        trailLogGroups: [...new Set(config.trails.flatMap((t) => (t.cloudWatchLogGroup ? [t.cloudWatchLogGroup] : [])))],
      },
      // The schema checked each `match` against EventBridge's filter syntax (patternProblems).
      config.rules as readonly CustomRule[],
    );
    const groups = groupDetections(selectDetections(catalog, config.detections));
    this.warnings = selectionWarnings(groups, config.regions);
    this.groups = groups.filter((g) => groupRegions(g, config.regions).length > 0);
    let globalRegions: Regions | undefined;
    const regionsOf = (g: DetectionGroup) =>
      g.scope === "regional" ? regions : (globalRegions ??= new Regions(this, groupRegions(g, config.regions), "global_regions"));
    const detectionRules = this.groups.flatMap((g) =>
      g.outcomes.map((outcome) => {
        const failed = outcome === "failed";
        const r = rule(
          regionsOf(g),
          failed ? `${g.logicalName}_attempt` : g.logicalName,
          failed ? `${g.key}-attempt` : g.key,
          `trailguard: ${g.title}${failed ? " (refused attempts)" : ""}: ${g.detections.map((d) => d.id).join(", ")}`,
          groupPattern(g, outcome),
        );
        return { group: g, outcome, rule: r };
      }),
    );
    const tamper = detectionRules.find((r) => r.group.family === "trail" && r.outcome === "succeeded")!.rule;
    const attempt = detectionRules.find((r) => r.group.family === "trail" && r.outcome === "failed")!.rule;
    const report = remediate
      ? rule(regions, "report", "remediation-report", "trailguard: the remediation Lambda's report, forwarded to Slack as built", remediationReportPattern())
      : undefined;
    const slackRules = [...detectionRules.map((r) => r.rule), ...(report ? [report] : [])];

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
    for (const { group, outcome, rule: r } of detectionRules) {
      const transformer = alertTransformer({
        outcome,
        severity: group.severity,
        title: group.title,
        detectionIds: group.detections.map((d) => d.id),
        resource: group.resource,
        channel: config.slack.channel,
      });
      r.addTarget({ ...toSlack, input: { transformer } });
    }
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
    output(
      "trailguard_detection_rule_arns",
      Object.fromEntries(detectionRules.map(({ rule: r }) => [r.props.logicalName, Regions.byRegion(r.rule, "arn")])),
      "ARN of every detection rule, keyed by rule then region.",
    );
    output("trailguard_dead_letter_queue_urls", Regions.byRegion(dlq.queue, "url"), "Dead-letter queue for undelivered events, keyed by region.");
    output("trailguard_eventbridge_role_arn", role.role.arn, "IAM role EventBridge assumes to post to Slack.");
    if (this.remediation) {
      output("trailguard_remediate_function_arns", Regions.byRegion(this.remediation.remediate, "arn"), "Remediation Lambda, keyed by region.");
      output("trailguard_heartbeat_function_arn", this.remediation.heartbeat.arn, "Heartbeat Lambda in the home region.");
      output("trailguard_remediation_role_arn", this.remediation.role.arn, "IAM role of the remediation Lambdas.");
    }
  }
}
