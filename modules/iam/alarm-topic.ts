import type { PolicyDocument } from "./policy";

/**
 * Key administration, listed action by action (no `kms:*`): what Terraform needs to create, update, tag
 * and delete the key. A key policy must let the account manage the key, or nobody can (AWS KMS Developer
 * Guide, "Default key policy", https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
 */
export const KEY_ADMIN_ACTIONS = [
  "kms:DescribeKey",
  "kms:GetKeyPolicy",
  "kms:PutKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:EnableKeyRotation",
  "kms:ListResourceTags",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateKeyDescription",
  "kms:EnableKey",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
] as const;

/** What a publisher to an encrypted topic needs on its key (Amazon SNS Developer Guide, "Encryption at rest"). */
export const PUBLISH_KEY_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"] as const;

export interface AlarmTopicProps {
  /** The account ID (a Terraform expression). */
  readonly account: string;
  readonly topicArn: string;
  /** Rules allowed to publish (`arn:aws:events:<home>:<account>:rule/<bus>/*`). */
  readonly ruleArnLike: string;
  /** Alarms allowed to publish (`arn:aws:cloudwatch:<home>:<account>:alarm:<prefix>-*`). */
  readonly alarmArnLike: string;
}

/**
 * The topic's key. EventBridge and CloudWatch cannot publish to a topic encrypted with the AWS managed key
 * (`alias/aws/sns`), whose policy cannot be changed; a customer managed key lets them, for this account's
 * resources only (`aws:SourceAccount`).
 */
export function alarmTopicKeyPolicy(p: AlarmTopicProps): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministersTheKey",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${p.account}:root` },
        Action: [...KEY_ADMIN_ACTIONS, ...PUBLISH_KEY_ACTIONS],
        // In a key policy, "*" is the key itself.
        Resource: "*",
      },
      {
        Sid: "CloudWatchPublishesEncrypted",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: [...PUBLISH_KEY_ACTIONS],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": p.account } },
      },
      {
        // EventBridge's KMS requests may not carry aws:SourceAccount; SNS puts the topic's ARN in the
        // encryption context, which binds the grant to this topic.
        Sid: "EventBridgePublishesEncrypted",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: [...PUBLISH_KEY_ACTIONS],
        Resource: "*",
        Condition: { StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": p.topicArn } },
      },
    ],
  };
}

/** Only trailguard's hub rules and alarms may publish (confused-deputy guard: aws:SourceArn and aws:SourceAccount). */
export function alarmTopicPolicy(p: AlarmTopicProps): PolicyDocument {
  const publish = (sid: string, service: string, arnLike: string) => ({
    Sid: sid,
    Effect: "Allow" as const,
    Principal: { Service: service },
    Action: ["sns:Publish"],
    Resource: p.topicArn,
    Condition: { ArnLike: { "aws:SourceArn": arnLike }, StringEquals: { "aws:SourceAccount": p.account } },
  });
  return {
    Version: "2012-10-17",
    Statement: [publish("HubRulesPublish", "events.amazonaws.com", p.ruleArnLike), publish("AlarmsPublish", "cloudwatch.amazonaws.com", p.alarmArnLike)],
  };
}
