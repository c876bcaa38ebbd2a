/**
 * IAM documents for the role EventBridge assumes to call the Slack API destinations.
 * Pure builders: ARNs come in (Terraform expressions at synth time), documents come out.
 */

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: Readonly<Record<string, string | readonly string[]>>;
  readonly Action: readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

/**
 * Only EventBridge may assume the role, and only on behalf of trailguard's own rules (aws:SourceArn guards
 * against the confused-deputy problem: another account's rule cannot borrow this role).
 */
export function eventBridgeTrustPolicy(ruleArns: readonly string[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EventBridgeRulesOfThisStack",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["sts:AssumeRole"],
        Condition: { ArnEquals: { "aws:SourceArn": ruleArns } },
      },
    ],
  };
}

/** The one permission the Slack targets need: invoke this stack's API destinations, nothing else. */
export function invokeApiDestinationsPolicy(apiDestinationArns: readonly string[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "InvokeSlackApiDestinations",
        Effect: "Allow",
        Action: ["events:InvokeApiDestination"],
        Resource: apiDestinationArns,
      },
    ],
  };
}
