import type { PolicyDocument } from "./policy";

export interface HubBusPolicyProps {
  readonly busArn: string;
  /** The only principals that may put events on the hub bus: the edge role and the remediation role. */
  readonly writerRoleArns: readonly string[];
}

/**
 * The hub bus accepts events from trailguard's own roles and nobody else.
 * - Allow: PutEvents for the writer roles. A rule's cross-Region bus target is delivered by EventBridge
 *   under the target's role, so the edges arrive as the edge role.
 * - Deny: PutEvents for every other principal, this account's administrators included. An explicit Deny
 *   in a resource-based policy overrides any Allow (IAM User Guide, "Policy evaluation logic",
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html). For an
 *   assumed-role session `aws:PrincipalArn` is the role's ARN, not the session's (IAM User Guide,
 *   "AWS global condition context keys", aws:PrincipalArn), so the condition names roles.
 * Without this, anyone allowed `events:PutEvents` could post a forged "report" with the bot token.
 */
export function hubBusPolicy(p: HubBusPolicyProps): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "TrailguardRolesMayWrite",
        Effect: "Allow",
        Principal: { AWS: [...p.writerRoleArns] },
        Action: ["events:PutEvents"],
        Resource: p.busArn,
      },
      {
        Sid: "NobodyElseMayWrite",
        Effect: "Deny",
        Principal: "*",
        Action: ["events:PutEvents"],
        Resource: p.busArn,
        Condition: { ArnNotEquals: { "aws:PrincipalArn": [...p.writerRoleArns] } },
      },
    ],
  };
}
