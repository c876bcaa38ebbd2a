import { Construct } from "constructs";
import { CloudwatchEventRule, CloudwatchEventTarget } from "../aws";
import type { ITerraformResource } from "../cdk";
import type { PatternObject } from "../detections";
import type { InputTransformer } from "../messages";
import { hclLiteral } from "./hcl";
import { Regions } from "./regional";

export interface AlertRuleProps {
  readonly regions: Regions;
  /** Terraform logical name, e.g. "tamper": plan addresses read aws_cloudwatch_event_rule.tamper["eu-west-1"]. */
  readonly logicalName: string;
  /** Rule name in AWS (same in every region; rules are regional). */
  readonly ruleName: string;
  readonly description: string;
  readonly pattern: PatternObject;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * EventBridge's default retry policy, written out so the plan shows it: Slack outages last hours, and a
 * late tamper alert is still worth having. What still fails lands in the region's dead-letter queue.
 */
export const TARGET_RETRY = { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 } as const;

/** How a target reshapes the event: an input transformer, or a JSON path whose value is sent as is. */
export type TargetInput = { readonly transformer: InputTransformer } | { readonly inputPath: string };

export interface TargetProps {
  /** Appended to the rule's logical name: tamper + "_slack" -> aws_cloudwatch_event_target.tamper_slack. */
  readonly suffix: string;
  readonly targetId: string;
  /** The same region's instance of this resource is the target. */
  readonly destination: ITerraformResource;
  readonly input?: TargetInput;
  readonly roleArn?: string;
  /** The same region's instance of this queue receives what could not be delivered. */
  readonly deadLetterQueue: ITerraformResource;
}

/** A rule on the default bus in every region; targets are added with {@link AlertRule.addTarget}. */
export class AlertRule extends Construct {
  readonly rule: CloudwatchEventRule;
  readonly props: AlertRuleProps;

  constructor(scope: Construct, id: string, props: AlertRuleProps) {
    super(scope, id);
    this.props = props;
    this.rule = new CloudwatchEventRule(this, "rule", {
      forEach: props.regions.iterator,
      region: props.regions.region,
      name: props.ruleName,
      description: props.description,
      // CloudTrail and other AWS services publish only to the default bus.
      eventBusName: "default",
      eventPattern: hclLiteral(JSON.stringify(props.pattern)),
      state: "ENABLED",
      tags: { ...props.tags },
    });
    this.rule.overrideLogicalId(props.logicalName);
  }

  /** Target the same region's instance of `destination` (a Slack API destination, a Lambda function). */
  addTarget(t: TargetProps): CloudwatchEventTarget {
    const { regions } = this.props;
    const input = t.input;
    const target = new CloudwatchEventTarget(this, t.suffix, {
      forEach: regions.iterator,
      region: regions.region,
      rule: regions.sameRegion(this.rule, "name"),
      eventBusName: "default",
      targetId: t.targetId,
      arn: regions.sameRegion(t.destination, "arn"),
      roleArn: t.roleArn,
      retryPolicy: TARGET_RETRY,
      deadLetterConfig: { arn: regions.sameRegion(t.deadLetterQueue, "arn") },
      inputTransformer:
        input && "transformer" in input
          ? { inputPaths: { ...input.transformer.inputPaths }, inputTemplate: hclLiteral(input.transformer.inputTemplate) }
          : undefined,
      inputPath: input && "inputPath" in input ? input.inputPath : undefined,
    });
    target.overrideLogicalId(`${this.props.logicalName}_${t.suffix}`);
    return target;
  }
}
