import { CT } from "../../messages";
import type { PatternObject } from "../event-pattern";
import type { CatalogContext, Detection } from "./types";

/** `requestParameters.<key>` is one of `values`; no filter when the config names none. */
const onlyThese = (key: string, values: readonly string[]): PatternObject | undefined =>
  values.length > 0 ? { requestParameters: { [key]: [...values] } } : undefined;

/** KMS calls name a key by ID or ARN: accept both forms of each configured key ARN. */
const keyForms = (arns: readonly string[]) => arns.flatMap((arn) => [arn, arn.slice(arn.lastIndexOf("/") + 1)]);

/**
 * The trail's delivery path: its S3 bucket, KMS key and CloudWatch Logs group. The trail keeps "logging",
 * but what it writes is deleted, expired, replicated away or unreadable. Filtered to the listed trails'
 * own resources when the config names them.
 */
export function deliveryDetections(ctx: CatalogContext): Detection[] {
  const base = { family: "delivery", severity: "high", scope: "regional", outcomes: "succeeded" } as const;
  return [
    {
      ...base,
      id: "trail-bucket",
      title: "Trail bucket weakened",
      service: "s3",
      eventNames: ["DeleteBucketPolicy", "PutBucketPolicy", "PutBucketLifecycle", "DeleteBucket", "PutBucketVersioning", "PutBucketReplication"],
      detail: onlyThese("bucketName", ctx.trailBuckets),
      resource: [CT.requestBucketName],
      why: "A policy, lifecycle rule or replication on the log bucket can stop delivery, expire logs or copy them out.",
      stratus: ["cloudtrail-lifecycle-rule"],
    },
    {
      ...base,
      id: "trail-key",
      title: "Trail KMS key disabled or exposed",
      service: "kms",
      eventNames: ["DisableKey", "ScheduleKeyDeletion", "PutKeyPolicy"],
      detail: onlyThese("keyId", keyForms(ctx.trailKeys)),
      resource: [CT.requestKeyId],
      why: "Without the key CloudTrail cannot write, and nobody can read what it wrote.",
    },
    {
      ...base,
      id: "trail-log-group",
      title: "Trail log group deleted or shortened",
      service: "logs",
      eventNames: ["DeleteLogGroup", "PutRetentionPolicy"],
      detail: onlyThese("logGroupName", ctx.trailLogGroups),
      resource: [CT.requestLogGroupName],
      why: "Deletes the searchable copy of the trail, or makes it expire within a day.",
    },
  ];
}
