/**
 * The CloudFormation templates StackSets deploy to every member account, built from the same pattern and
 * policy builders as the Terraform edges (detections/edge.ts, iam/*), so the two cannot drift.
 *
 * - Regional (every configured region of every account): the edge rules, each with one target, the hub bus
 *   in the hub's account and region, reached in one hop (EventBridge does not forward an event it received
 *   from another bus: "EventBridge can't route events received from a sender event bus to a third event
 *   bus", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-bus-to-bus.html), and a dead-letter
 *   queue. A rule may target a bus of another account in another Region, through an IAM role
 *   (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html).
 *   An alarm on that queue, whose state change an edge rule forwards to the hub bus too
 *   (detections/member-dead-letters.ts): alarm actions cannot reach the hub's SNS topic in another account.
 * - Global (one region of every account): the edge role, which may only put events on the hub bus.
 *
 * Account IDs are `${AWS::AccountId}` (Fn::Sub): one template serves every account. ARNs the templates write
 * themselves name the partition `${AWS::Partition}` (`aws`, `aws-us-gov`, `aws-cn`), so they hold in GovCloud
 * and China too (CloudFormation User Guide, pseudo parameters,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html); ARNs that
 * come from the hub (its bus, its remediate role) are Terraform's, partition included.
 */
import type { PatternObject } from "../detections";
import { DEAD_LETTER_ALARM } from "../dead-letter-alarm";
import { deadLetterQueuePolicy } from "../iam/dead-letter-queue";
import { edgeRuleArns, eventBridgeTrustPolicy, putEventsPolicy } from "../iam/eventbridge-role";
import { edgeRuleNames } from "../detections/edge";
import { memberAlarmRuleName, memberDeadLetterAlarmName, memberDeadLetterPattern } from "../detections/member-dead-letters";
import { memberRemediationPolicy, memberRemediationTrust } from "../iam/remediation-role";
import { memberRemediationRoleName } from "../remediation/settings";
import type { PolicyDocument } from "../iam/policy";
import { TARGET_RETRY } from "../eventbridge/target-retry";

/** The member account's own ID, as CloudFormation substitutes it. */
export const MEMBER_ACCOUNT = "${AWS::AccountId}";
const MEMBER_REGION = "${AWS::Region}";
/** The member account's partition, as CloudFormation substitutes it. */
export const MEMBER_PARTITION = "${AWS::Partition}";

export interface MemberTemplateProps {
  readonly namePrefix: string;
  /** The hub bus (a Terraform expression at synth; a literal ARN in the deployed template). */
  readonly hubBusArn: string;
  /** Edge patterns of the regional detections, one rule each (detections/edge.ts). */
  readonly patterns: readonly PatternObject[];
  /** Edge patterns of the global-service detections: rules in us-east-1 only. */
  readonly globalPatterns: readonly PatternObject[];
}

export type Template = Record<string, unknown>;

/** Strings that name `${AWS::...}` become Fn::Sub, so CloudFormation fills in each account and region. */
function sub(v: unknown): unknown {
  if (typeof v === "string") return v.includes("${AWS::") ? { "Fn::Sub": v } : v;
  if (Array.isArray(v)) return v.map(sub);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sub(x)]));
  return v;
}

/** `Edge`, `Edge2`... and `EdgeGlobal`...: CloudFormation logical IDs, alphanumeric. */
const logicalId = (base: string, i: number) => `${base}${i === 0 ? "" : i + 1}`;

export function regionalTemplate(p: MemberTemplateProps): Template {
  const names = edgeRuleNames(p.namePrefix, { regional: p.patterns, global: p.globalPatterns });
  const rules: { id: string; name: string; pattern: PatternObject; global: boolean; alarm?: boolean }[] = [
    ...p.patterns.map((pattern, i) => ({ id: logicalId("Edge", i), name: names.regional[i], pattern, global: false })),
    ...p.globalPatterns.map((pattern, i) => ({ id: logicalId("EdgeGlobal", i), name: names.global[i], pattern, global: true })),
  ];
  const queueArn = `arn:${MEMBER_PARTITION}:sqs:${MEMBER_REGION}:${MEMBER_ACCOUNT}:${p.namePrefix}-dlq`;
  const resources: Record<string, unknown> = {
    DeadLetterQueue: {
      Type: "AWS::SQS::Queue",
      // Deleted with its stack (trailguard uninstalled, or the account left the targeted OUs: both alert, as
      // self-stacksets and self-organization-accounts), as Terraform deletes the hub account's queues:
      // - What a dead letter holds is a CloudTrail management event, which CloudTrail's Event history keeps
      //   for 90 days whatever happens to the queue ("an immutable record of the past 90 days of management
      //   events in an AWS Region", CloudTrail User Guide, "Working with CloudTrail Event history",
      //   https://docs.aws.amazon.com/awscloudtrail/latest/userguide/view-cloudtrail-events.html): the
      //   evidence survives; only the redrive is lost.
      // - Retain would leave a queue in every account and region after an uninstall, and a later stack of the
      //   same name would meet it: CreateQueue returns an existing queue only when every attribute matches,
      //   and fails otherwise (SQS API reference, CreateQueue,
      //   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html).
      // - The cost of Delete: "After you delete a queue, you must wait at least 60 seconds before creating a
      //   queue with the same name" (same page), so an account moved out of the OUs and back within a minute
      //   fails its StackSet operation once (loudly: failure tolerance 0); running it again succeeds.
      // UpdateReplacePolicy: a replacement happens only when the name changes (namePrefix), so the old name's
      // queue is not needed by anything.
      DeletionPolicy: "Delete",
      UpdateReplacePolicy: "Delete",
      Properties: { QueueName: `${p.namePrefix}-dlq`, SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 },
    },
    DeadLetterQueuePolicy: {
      Type: "AWS::SQS::QueuePolicy",
      Properties: {
        Queues: [{ Ref: "DeadLetterQueue" }],
        PolicyDocument: sub(deadLetterQueuePolicy(queueArn, [`arn:${MEMBER_PARTITION}:events:${MEMBER_REGION}:${MEMBER_ACCOUNT}:rule/${p.namePrefix}-*`])),
      },
    },
  };
  // The queue's dead letters, as the hub alarms its own (same metric, statistic, period and threshold; SQS
  // publishes no data point for an idle queue, so missing data is not breaching). No action: its state
  // change goes to the hub bus through EdgeAlarm.
  resources.DeadLetterAlarm = {
    Type: "AWS::CloudWatch::Alarm",
    Properties: {
      AlarmName: memberDeadLetterAlarmName(p.namePrefix),
      AlarmDescription: `trailguard: events this account's edges forwarded wait in ${p.namePrefix}-dlq: the hub bus did not accept them. Its state changes are forwarded to the hub bus, which alerts.`,
      Namespace: DEAD_LETTER_ALARM.namespace,
      MetricName: DEAD_LETTER_ALARM.metric,
      Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": ["DeadLetterQueue", "QueueName"] } }],
      Statistic: DEAD_LETTER_ALARM.stat,
      Period: DEAD_LETTER_ALARM.periodSeconds,
      EvaluationPeriods: 1,
      Threshold: DEAD_LETTER_ALARM.threshold,
      ComparisonOperator: DEAD_LETTER_ALARM.comparison,
      TreatMissingData: DEAD_LETTER_ALARM.treatMissingData,
    },
  };
  rules.push({ id: "EdgeAlarm", name: memberAlarmRuleName(p.namePrefix), pattern: memberDeadLetterPattern(p.namePrefix), global: false, alarm: true });
  for (const r of rules) {
    resources[r.id] = {
      Type: "AWS::Events::Rule",
      ...(r.global ? { Condition: "GlobalServicesRegion" } : {}),
      Properties: {
        Name: r.name,
        Description: r.alarm
          ? `trailguard edge: forwards the ${memberDeadLetterAlarmName(p.namePrefix)} alarm going into ALARM to the hub bus`
          : `trailguard edge: forwards CloudTrail calls that a detection watches to the hub bus${r.global ? " (global services, us-east-1 only)" : ""}`,
        EventBusName: "default",
        State: "ENABLED",
        EventPattern: r.pattern,
        Targets: [
          {
            Id: "hub",
            Arn: p.hubBusArn,
            RoleArn: sub(`arn:${MEMBER_PARTITION}:iam::${MEMBER_ACCOUNT}:role/${p.namePrefix}-edge`),
            DeadLetterConfig: { Arn: { "Fn::GetAtt": ["DeadLetterQueue", "Arn"] } },
            RetryPolicy: { MaximumEventAgeInSeconds: TARGET_RETRY.maximumEventAgeInSeconds, MaximumRetryAttempts: TARGET_RETRY.maximumRetryAttempts },
          },
        ],
      },
    };
  }
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `trailguard edges of one member account and region: forward CloudTrail calls to the hub bus (${p.namePrefix})`,
    // IAM, Organizations and the other global services deliver their events in us-east-1 only.
    ...(rules.some((r) => r.global) ? { Conditions: { GlobalServicesRegion: { "Fn::Equals": [{ Ref: "AWS::Region" }, "us-east-1"] } } } : {}),
    Resources: resources,
  };
}

export interface GlobalTemplateProps extends Pick<MemberTemplateProps, "namePrefix" | "hubBusArn" | "patterns" | "globalPatterns"> {
  /** The hub's remediate role, when remediation is on: it may restart this account's trails. */
  readonly remediation?: { readonly hubRoleArn: string; readonly hubAccount: string; readonly orgId: string; readonly mode: "enforce" | "dry-run" };
}

/**
 * The member account's roles: the edge role, trusted by EventBridge for this account's edge rules only;
 * and, with remediation on, the member remediation role, which only the hub's remediate role may assume.
 */
export function globalTemplate(p: GlobalTemplateProps): Template {
  const names = edgeRuleNames(p.namePrefix, { regional: p.patterns, global: p.globalPatterns });
  // The dead-letter alarm's forwarding rule too (regionalTemplate): only the member accounts have it.
  const ruleNames = [...names.regional, ...names.global, memberAlarmRuleName(p.namePrefix)];
  const trust: PolicyDocument = eventBridgeTrustPolicy({ sourceArnLike: edgeRuleArns(MEMBER_ACCOUNT, ruleNames, MEMBER_PARTITION), account: MEMBER_ACCOUNT });
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `trailguard: the role a member account's edge rules forward to the hub bus with (${p.namePrefix})`,
    Resources: {
      EdgeRole: {
        Type: "AWS::IAM::Role",
        Properties: {
          RoleName: `${p.namePrefix}-edge`,
          Description: "trailguard: lets the edge rules of every region forward CloudTrail calls to the hub bus",
          AssumeRolePolicyDocument: sub(trust),
          Policies: [{ PolicyName: "forward-to-hub-bus", PolicyDocument: putEventsPolicy(p.hubBusArn) }],
          Tags: [{ Key: "ManagedBy", Value: "trailguard" }],
        },
      },
      ...(p.remediation
        ? {
            MemberRemediationRole: {
              Type: "AWS::IAM::Role",
              Properties: {
                RoleName: memberRemediationRoleName(p.namePrefix),
                Description: "trailguard: lets the hub's remediate Lambda turn this account's trails back on",
                AssumeRolePolicyDocument: sub(memberRemediationTrust(p.remediation.hubRoleArn, p.remediation.hubAccount, p.remediation.orgId, MEMBER_PARTITION)),
                Policies: [{ PolicyName: "restart-trails", PolicyDocument: sub(memberRemediationPolicy({ mode: p.remediation.mode, trailArnLike: `arn:${MEMBER_PARTITION}:cloudtrail:*:${MEMBER_ACCOUNT}:trail/*` })) }],
                Tags: [{ Key: "ManagedBy", Value: "trailguard" }],
              },
            },
          }
        : {}),
    },
  };
}
