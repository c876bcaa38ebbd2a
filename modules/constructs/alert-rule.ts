import { Construct } from "constructs";
import { CloudwatchEventRule, CloudwatchEventTarget } from "../aws";
import type { ITerraformResource } from "../cdk";
import type { PatternObject } from "../detections";
import type { InputTransformer } from "../messages";
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
 * late tamper alert is still worth having.
 */
export const SLACK_TARGET_RETRY = { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 } as const;

/** A rule on the default bus in every region; targets are added with {@link AlertRule.sendToSlack}. */
export class AlertRule extends Construct {
  readonly rule: CloudwatchEventRule;
  private readonly props: AlertRuleProps;

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
      eventPattern: JSON.stringify(props.pattern),
      state: "ENABLED",
      tags: { ...props.tags },
    });
    this.rule.overrideLogicalId(props.logicalName);
  }

  /** Target the same region's Slack API destination, reshaping the event with `transformer`. */
  sendToSlack(apiDestination: ITerraformResource, transformer: InputTransformer, roleArn: string): CloudwatchEventTarget {
    const { regions } = this.props;
    const target = new CloudwatchEventTarget(this, "slack", {
      forEach: regions.iterator,
      region: regions.region,
      rule: regions.sameRegion(this.rule, "name"),
      eventBusName: "default",
      targetId: "slack",
      arn: regions.sameRegion(apiDestination, "arn"),
      roleArn,
      retryPolicy: SLACK_TARGET_RETRY,
      inputTransformer: {
        inputPaths: { ...transformer.inputPaths },
        inputTemplate: transformer.inputTemplate,
      },
    });
    target.overrideLogicalId(`${this.props.logicalName}_slack`);
    return target;
  }
}
