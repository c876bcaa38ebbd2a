import type { PolicyDocument } from "./policy";

export interface EventBridgeTrustProps {
  /**
   * The rules allowed to use the role, as one ARN pattern (`arn:aws:events:*:<account>:rule/<prefix>-edge*`).
   * One pattern, not a list of every rule ARN: a role trust policy allows 2,048 characters by default, and
   * a list grows with regions and rules.
   */
  readonly sourceArnLike: string;
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
        Condition: { ArnLike: { "aws:SourceArn": p.sourceArnLike }, StringEquals: { "aws:SourceAccount": p.account } },
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

/** The one permission the edges need: put events on the hub bus, nothing else. */
export function putEventsPolicy(busArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "ForwardToTheHubBus", Effect: "Allow", Action: ["events:PutEvents"], Resource: busArn }],
  };
}
