import type { PolicyDocument } from "./policy";

export interface EventBridgeTrustProps {
  /**
   * The rules allowed to use the role: one ARN pattern (`arn:aws:events:<home>:<account>:rule/<bus>/*`, the
   * rules of trailguard's own bus), or the exact rules by name with `*` for the region
   * (`arn:aws:events:*:<account>:rule/<prefix>-edge`). Never a name prefix on the default bus: a rule on a
   * custom bus has the ARN `rule/<bus>/<name>`, so `rule/<prefix>-edge*` would also admit any rule on a bus
   * the attacker names `<prefix>-edge-relay` (Amazon EventBridge User Guide, rule ARNs,
   * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html). In `ArnLike`,
   * `*` matches within one colon-separated part of the ARN (IAM User Guide, "ARN condition operators").
   * Not one ARN per region: a role trust policy allows 2,048 characters by default.
   */
  readonly sourceArnLike: string | readonly string[];
  /** The account ID (a Terraform expression). */
  readonly account: string;
}

/**
 * Only EventBridge may assume the role, and only on behalf of this account's rules that match the pattern:
 * `aws:SourceArn` and `aws:SourceAccount` are the confused-deputy guard (IAM User Guide, "The confused
 * deputy problem", https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
 */
export function eventBridgeTrustPolicy(p: EventBridgeTrustProps): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EventBridgeRulesOfThisStack",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["sts:AssumeRole"],
        Condition: { ArnLike: { "aws:SourceArn": typeof p.sourceArnLike === "string" ? p.sourceArnLike : [...p.sourceArnLike] }, StringEquals: { "aws:SourceAccount": p.account } },
      },
    ],
  };
}

/** The one permission the Slack targets need: invoke this stack's API destination, nothing else. */
export function invokeApiDestinationsPolicy(apiDestinationArns: readonly string[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "InvokeSlackApiDestination", Effect: "Allow", Action: ["events:InvokeApiDestination"], Resource: [...apiDestinationArns] }],
  };
}

/**
 * The edge rules of `account`, by exact name, in every region: what the edge role trusts. `partition` is
 * `aws` unless given: the member templates pass `${AWS::Partition}` (aws-us-gov, aws-cn), which
 * CloudFormation fills in ("AWS::Partition", CloudFormation User Guide, pseudo parameters,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html).
 */
export const edgeRuleArns = (account: string, names: readonly string[], partition = "aws"): string[] => names.map((n) => `arn:${partition}:events:*:${account}:rule/${n}`);

/** The one permission the edges need: put events on the hub bus, nothing else. */
export function putEventsPolicy(busArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "ForwardToTheHubBus", Effect: "Allow", Action: ["events:PutEvents"], Resource: busArn }],
  };
}
