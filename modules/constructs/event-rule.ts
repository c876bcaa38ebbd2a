import { Construct } from "constructs";
import { CloudwatchEventRule, CloudwatchEventTarget } from "../aws";
import type { PatternObject } from "../detections";
import type { InputTransformer } from "../messages";
import { hclLiteral } from "./hcl";
import { jsonWithTerraform } from "../terraform-json";
import type { Placement } from "./regional";
import { TARGET_RETRY } from "../eventbridge/target-retry";
import { ref, Token } from "../cdk";
import { patternDigestHcl, targetDigestHcl, type TargetAddress } from "../remediation/self-check-digests";
import type { RuleDigests } from "../../lambda-src/lib/self-check-settings";

export interface EventRuleProps {
  readonly placement: Placement;
  /** Terraform logical name: plan addresses read aws_cloudwatch_event_rule.<logicalName>. */
  readonly logicalName: string;
  /** Rule name in AWS. */
  readonly ruleName: string;
  readonly description: string;
  /** "default" (where AWS services publish) or the hub bus's name. */
  readonly eventBusName: string;
  /** What the rule matches; a rule has a pattern or a schedule. */
  readonly pattern?: PatternObject;
  /** `rate(5 minutes)`: scheduled rules exist only on the default bus. */
  readonly scheduleExpression?: string;
  readonly tags: Readonly<Record<string, string>>;
}


/** How a target reshapes the event: an input transformer, or a JSON path whose value is sent as is. */
export type TargetInput = { readonly transformer: InputTransformer } | { readonly inputPath: string };

export interface TargetProps {
  /** Appended to the rule's logical name: tamper + "_slack" -> aws_cloudwatch_event_target.tamper_slack. */
  readonly suffix: string;
  readonly targetId: string;
  /** ARN of the target (API destination, Lambda, event bus, SNS topic) in a form valid for every instance. */
  readonly arn: string;
  readonly input?: TargetInput;
  readonly roleArn?: string;
  /** Receives what could not be delivered; must be in the rule's region. */
  readonly deadLetterQueueArn: string;
}

/** A rule with its targets, placed in every region of a list or once in the hub's region. */
export class EventRule extends Construct {
  readonly rule: CloudwatchEventRule;
  readonly props: EventRuleProps;
  /** The target IDs, in the order they were added (the self-check expects exactly these). */
  readonly targetIds: string[] = [];
  private readonly targetAddresses: (TargetAddress & { readonly id: string })[] = [];

  constructor(scope: Construct, id: string, props: EventRuleProps) {
    super(scope, id);
    this.props = props;
    const { placement } = props;
    if ((props.pattern === undefined) === (props.scheduleExpression === undefined)) {
      throw new Error(`rule ${props.ruleName}: give exactly one of pattern and scheduleExpression`);
    }
    this.rule = new CloudwatchEventRule(this, "rule", {
      forEach: placement.forEach,
      region: placement.region,
      name: props.ruleName,
      description: props.description,
      eventBusName: props.eventBusName,
      eventPattern: props.pattern && hclLiteral(jsonWithTerraform(props.pattern)),
      scheduleExpression: props.scheduleExpression,
      state: "ENABLED",
      tags: { ...props.tags },
    });
    this.rule.overrideLogicalId(props.logicalName);
  }

  addTarget(t: TargetProps): CloudwatchEventTarget {
    const { placement } = this.props;
    const input = t.input;
    const target = new CloudwatchEventTarget(this, t.suffix, {
      forEach: placement.forEach,
      region: placement.region,
      rule: placement.ref(this.rule, "name"),
      eventBusName: this.props.eventBusName,
      targetId: t.targetId,
      arn: t.arn,
      roleArn: t.roleArn,
      retryPolicy: TARGET_RETRY,
      deadLetterConfig: { arn: t.deadLetterQueueArn },
      inputTransformer:
        input && "transformer" in input
          ? { inputPaths: { ...input.transformer.inputPaths }, inputTemplate: hclLiteral(input.transformer.inputTemplate) }
          : undefined,
      inputPath: input && "inputPath" in input ? input.inputPath : undefined,
    });
    target.overrideLogicalId(`${this.props.logicalName}_${t.suffix}`);
    this.targetIds.push(t.targetId);
    this.targetAddresses.push({
      id: t.targetId,
      address: `${this.props.logicalName}_${t.suffix}`,
      perRegion: placement.forEach !== undefined,
      hasRole: t.roleArn !== undefined,
      hasTransformer: input !== undefined && "transformer" in input,
      hasInputPath: input !== undefined && "inputPath" in input,
    });
    return target;
  }

  /** What the self-check compares: the pattern's and each target's digest, as Terraform computes them at plan. */
  digests(): RuleDigests {
    const perRegion = this.props.placement.forEach !== undefined;
    return {
      pattern: Token.asString(ref(patternDigestHcl({ logicalName: this.props.logicalName, perRegion }))),
      targets: Object.fromEntries(this.targetAddresses.map(({ id, ...t }) => [id, Token.asString(ref(targetDigestHcl(t)))])),
    };
  }
}
