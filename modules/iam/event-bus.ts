import type { PolicyDocument } from "./policy";
import { REPORT_SOURCE } from "../../lambda-src/lib/contract";

export interface HubBusPolicyProps {
  readonly busArn: string;
  /** The only principals that may put events on the hub bus: the edge role and the remediation role. */
  readonly writerRoleArns: readonly string[];
  /**
   * The only principals that may put events whose source is trailguard's own (`trailguard`: remediation
   * reports and self-check results, which the report rule posts to Slack as they are): the remediation
   * and heartbeat roles. Empty when remediation is off: then nobody may.
   */
  readonly reportWriterRoleArns: readonly string[];
  /**
   * The organization's member edges: roles named like `edgeRoleArnLike` (`arn:aws:iam::*:role/<prefix>-edge`)
   * in accounts of the organization `id` may write too.
   */
  readonly organization?: { readonly id: string; readonly edgeRoleArnLike: string };
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
  const org = p.organization;
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
      // The member accounts' edge roles, and only from accounts of the organization: aws:PrincipalOrgID
      // is the condition AWS's own bus policy example uses for an organization
      // (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html).
      ...(org
        ? [
            {
              Sid: "MemberEdgesMayWrite",
              Effect: "Allow" as const,
              Principal: "*" as const,
              Action: ["events:PutEvents"],
              Resource: p.busArn,
              Condition: { StringEquals: { "aws:PrincipalOrgID": org.id }, ArnLike: { "aws:PrincipalArn": org.edgeRoleArnLike } },
            },
          ]
        : []),
      // The edges forward CloudTrail's `aws.*` events only; a report comes from the Lambdas. A rule of the
      // attacker's that reached the edge role could otherwise post its own "restored" message. EventBridge
      // evaluates `events:source` on PutEvents in a bus policy (Amazon EventBridge User Guide, "Using IAM
      // policy conditions", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-conditions.html).
      // One PutEvents call may carry entries of several sources (AWS's own example policy reads the key
      // with ForAllValues): ForAnyValue denies the call when any entry claims trailguard's source.
      {
        Sid: "OnlyTrailguardLambdasSendReports",
        Effect: "Deny",
        Principal: "*",
        Action: ["events:PutEvents"],
        Resource: p.busArn,
        Condition:
          p.reportWriterRoleArns.length > 0
            ? { "ForAnyValue:StringEquals": { "events:source": [REPORT_SOURCE] }, ArnNotEquals: { "aws:PrincipalArn": [...p.reportWriterRoleArns] } }
            : { "ForAnyValue:StringEquals": { "events:source": [REPORT_SOURCE] } },
      },
      {
        Sid: "NobodyElseMayWrite",
        Effect: "Deny",
        Principal: "*",
        Action: ["events:PutEvents"],
        Resource: p.busArn,
        Condition: org
          ? { ArnNotLike: { "aws:PrincipalArn": [...p.writerRoleArns, org.edgeRoleArnLike] } }
          : { ArnNotEquals: { "aws:PrincipalArn": [...p.writerRoleArns] } },
      },
    ],
  };
}
