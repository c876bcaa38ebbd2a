import type { RemediationMode } from "../../lambda-src/lib/settings";
import type { PolicyDocument, PolicyStatement } from "./policy";

/** Only the Lambda service may assume the remediation role. */
export function lambdaTrustPolicy(): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: ["sts:AssumeRole"] }],
  };
}

export interface RemediationPolicyProps {
  readonly mode: Exclude<RemediationMode, "off">;
  readonly recreateDeletedTrails: boolean;
  /** ARNs of the listed trails. */
  readonly trailArns: readonly string[];
  /** Every trail of this account (`arn:aws:cloudtrail:*:<account>:trail/*`) when unlisted trails are restarted. */
  readonly anyTrailArn?: string;
  /** The report's source: PutEvents is allowed for it only (`events:source`). */
  readonly reportSource: string;
  /** Roles CloudTrail delivers to CloudWatch Logs with: restoring that delivery passes them. */
  readonly cloudWatchLogsRoleArns?: readonly string[];
  /** The bus reports are put on (the hub bus). */
  readonly eventBusArns: readonly string[];
  /** ARNs of the Lambdas' log groups. */
  readonly logGroupArns: readonly string[];
  /** The on-failure destination of the Lambdas' asynchronous invocations (Lambda sends with the function's role). */
  readonly failureQueueArns: readonly string[];
  /** The organization's member role (`arn:aws:iam::*:role/<prefix>-member-remediation`), in accounts of `orgId` only. */
  readonly memberRole?: { readonly arnLike: string; readonly orgId: string };
}

/**
 * What the remediation Lambdas may do, and nothing more: read and restore the listed trails (reads only in
 * dry run), find a trail by name (DescribeTrails has no resource type: it needs "*"), report on the
 * hub bus, hand failed invocations to the dead-letter queue, and write their own logs.
 */
export function remediationPolicy(p: RemediationPolicyProps): PolicyDocument {
  const statements: PolicyStatement[] = [
    { Sid: "FindTrails", Effect: "Allow", Action: ["cloudtrail:DescribeTrails"], Resource: "*" },
  ];
  if (p.trailArns.length > 0) {
    const read = ["cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"];
    const write = ["cloudtrail:StartLogging", "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors"];
    const create = p.recreateDeletedTrails ? ["cloudtrail:CreateTrail"] : [];
    statements.push({
      Sid: p.mode === "enforce" ? "ReadAndRestoreListedTrails" : "ReadListedTrails",
      Effect: "Allow",
      Action: p.mode === "enforce" ? [...read, ...write, ...create] : read,
      Resource: p.trailArns,
    });
  }
  if (p.mode === "enforce" && p.trailArns.length > 0 && (p.cloudWatchLogsRoleArns ?? []).length > 0) {
    statements.push({
      Sid: "PassTheLogDeliveryRolesToCloudTrail",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: [...p.cloudWatchLogsRoleArns!],
      Condition: { StringEquals: { "iam:PassedToService": "cloudtrail.amazonaws.com" } },
    });
  }
  if (p.anyTrailArn) {
    // StartLogging is a no-regret action: any trail of the account may be restarted, nothing else changed.
    statements.push({
      Sid: p.mode === "enforce" ? "RestartAnyTrailOfThisAccount" : "ReadAnyTrailStatusOfThisAccount",
      Effect: "Allow",
      Action: p.mode === "enforce" ? ["cloudtrail:GetTrailStatus", "cloudtrail:StartLogging"] : ["cloudtrail:GetTrailStatus"],
      Resource: p.anyTrailArn,
    });
  }
  if (p.memberRole) {
    // aws:ResourceOrgID: only the role of an account in the organization, whatever its name elsewhere.
    statements.push({
      Sid: "RestartTrailsOfMemberAccounts",
      Effect: "Allow",
      Action: ["sts:AssumeRole"],
      Resource: p.memberRole.arnLike,
      Condition: { StringEquals: { "aws:ResourceOrgID": p.memberRole.orgId } },
    });
  }
  statements.push(
    // events:source (EventBridge User Guide, "Using IAM policy conditions", eb-use-conditions.html): the role
    // can put trailguard's reports and no event that poses as another source.
    { Sid: "ReportOnTheHubBus", Effect: "Allow", Action: ["events:PutEvents"], Resource: [...p.eventBusArns], Condition: { StringEquals: { "events:source": p.reportSource } } },
    { Sid: "SendFailedInvocations", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [...p.failureQueueArns] },
    { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [...p.logGroupArns] },
  );
  return { Version: "2012-10-17", Statement: statements };
}

export interface SelfCheckPolicyProps {
  /** Rules the self-check describes: the edges (`rule/<prefix>-*`) and the hub's (`rule/<bus>/*`). */
  readonly ruleArns: readonly string[];
  /** `arn:aws:events:<home>:<account>:connection/<prefix>-slack/*`. */
  readonly connectionArn: string;
  /** `arn:aws:events:<home>:<account>:api-destination/<prefix>-slack/*`. */
  readonly apiDestinationArn: string;
  /** `arn:aws:sqs:*:<account>:<prefix>-dlq`. */
  readonly queueArn: string;
  /** The remediate and heartbeat Lambdas, whose code, role and settings it compares. */
  readonly functionArns: readonly string[];
  /** The alarm topic and its KMS key. */
  readonly alarmTopicArn: string;
  readonly alarmKeyArn: string;
  /**
   * The Slack probe's secret (`arn:aws:secretsmanager:<home>:<account>:secret:<prefix>-slack-probe-??????`),
   * when the alerts use a bot token; none for an incoming webhook.
   */
  readonly slackProbeSecretArn?: string;
}

/**
 * What the heartbeat's self-check reads: read-only on the alert path. (It counts problems into a metric
 * through its log, and reports them on the hub bus with the trail permissions' PutEvents.)
 */
export function selfCheckStatements(p: SelfCheckPolicyProps): PolicyStatement[] {
  return [
    { Sid: "DescribeOwnRules", Effect: "Allow", Action: ["events:DescribeRule", "events:ListTargetsByRule"], Resource: [...p.ruleArns] },
    { Sid: "DescribeSlackConnection", Effect: "Allow", Action: ["events:DescribeConnection"], Resource: p.connectionArn },
    { Sid: "DescribeSlackApiDestination", Effect: "Allow", Action: ["events:DescribeApiDestination"], Resource: p.apiDestinationArn },
    { Sid: "CountDeadLetters", Effect: "Allow", Action: ["sqs:GetQueueAttributes"], Resource: p.queueArn },
    { Sid: "ReadOwnLambdas", Effect: "Allow", Action: ["lambda:GetFunction"], Resource: [...p.functionArns] },
    { Sid: "ReadAlarmTopic", Effect: "Allow", Action: ["sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic"], Resource: p.alarmTopicArn },
    // SNS defines no IAM resource type for a subscription (Service Authorization Reference, "Actions,
    // resources, and condition keys for Amazon SNS": GetSubscriptionAttributes names none), so this one
    // read cannot be scoped to the topic's subscriptions.
    { Sid: "ReadAlarmSubscriptions", Effect: "Allow", Action: ["sns:GetSubscriptionAttributes"], Resource: "*" },
    { Sid: "ReadAlarmKey", Effect: "Allow", Action: ["kms:DescribeKey"], Resource: p.alarmKeyArn },
    // The bot token, to test it with Slack's auth.test: GetSecretValue on the probe's secret only. It is
    // encrypted with aws/secretsmanager, whose key policy covers the account's callers of Secrets Manager: no
    // kms:Decrypt here (AWS Secrets Manager User Guide, "Secret encryption and decryption",
    // https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html).
    ...(p.slackProbeSecretArn
      ? [{ Sid: "ReadSlackProbeToken", Effect: "Allow" as const, Action: ["secretsmanager:GetSecretValue"], Resource: p.slackProbeSecretArn }]
      : []),
  ];
}

/** A policy document of these statements. */
export const policyOf = (statements: readonly PolicyStatement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: [...statements] });

export interface MemberRemediationProps {
  readonly mode: Exclude<RemediationMode, "off">;
  /** The member account's trails: `arn:aws:cloudtrail:*:<account>:trail/*`. */
  readonly trailArnLike: string;
}

/**
 * What the hub's remediate Lambda may do in a member account, through the member role: find a trail, read
 * whether it logs, and (enforce) turn logging back on. Nothing else: a member's trails are not in the
 * config, so their other settings are not restored.
 */
export function memberRemediationPolicy(p: MemberRemediationProps): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "FindTrails", Effect: "Allow", Action: ["cloudtrail:DescribeTrails"], Resource: "*" },
      {
        Sid: p.mode === "enforce" ? "RestartTrailsOfThisAccount" : "ReadTrailStatusOfThisAccount",
        Effect: "Allow",
        Action: p.mode === "enforce" ? ["cloudtrail:GetTrailStatus", "cloudtrail:StartLogging"] : ["cloudtrail:GetTrailStatus"],
        Resource: p.trailArnLike,
      },
    ],
  };
}

/**
 * Only the hub's remediate role, from an account of the organization, may assume the member role. The
 * principal is the hub account and the role is a condition on `aws:PrincipalArn`: a role ARN as Principal
 * is pinned to that role's unique ID, so a re-created hub role would be refused until every member stack
 * was updated (IAM User Guide, "AWS JSON policy elements: Principal", role principals). `partition`: as in
 * edgeRuleArns (the member templates pass `${AWS::Partition}`).
 */
export function memberRemediationTrust(hubRoleArn: string, hubAccount: string, orgId: string, partition = "aws"): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "TheHubRemediateLambda",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${hubAccount}:root` },
        Action: ["sts:AssumeRole"],
        Condition: { ArnEquals: { "aws:PrincipalArn": hubRoleArn }, StringEquals: { "aws:PrincipalOrgID": orgId } },
      },
    ],
  };
}
