import { CT } from "../../messages";
import { TerraformJson } from "../../terraform-json";
import type { PatternObject } from "../event-pattern";
import type { CatalogContext, Detection } from "./types";

/** Trail logs kept for less than a year are usually below what auditors ask for. */
export const DEFAULT_MIN_RETENTION_DAYS = 365;

/**
 * `requestParameters.<key>` is one of `values`; no filter when the config names none. A TerraformJson list
 * is written into the pattern as Terraform computes it (see constructs/trail-locals.ts).
 */
function onlyThese(key: string, values: readonly string[] | TerraformJson): PatternObject | undefined {
  if (values instanceof TerraformJson) return { requestParameters: { [key]: values as unknown as string[] } };
  return values.length > 0 ? { requestParameters: { [key]: [...values] } } : undefined;
}

/** KMS calls name a key by ID or ARN: accept both forms of each configured key ARN. */
const keyForms = (arns: readonly string[] | TerraformJson) =>
  arns instanceof TerraformJson ? arns : arns.flatMap((arn) => [arn, arn.slice(arn.lastIndexOf("/") + 1)]);

/**
 * The trail's delivery path: its S3 bucket, KMS key and CloudWatch Logs group. The trail keeps "logging",
 * but what it writes is deleted, expired, replicated away or unreadable. Filtered to the listed trails'
 * own resources when the config names them.
 */
export function deliveryDetections(ctx: CatalogContext): Detection[] {
  const base = { family: "delivery", severity: "high", scope: "regional", outcomes: "succeeded" } as const;
  const days = ctx.minRetentionDays ?? DEFAULT_MIN_RETENTION_DAYS;
  const lifecycleRule = (rule: PatternObject): PatternObject => ({ eventName: ["PutBucketLifecycle"], requestParameters: { LifecycleConfiguration: { Rule: rule } } });
  const versioning = (v: PatternObject): PatternObject => ({ eventName: ["PutBucketVersioning"], requestParameters: { VersioningConfiguration: v } });
  return [
    {
      ...base,
      id: "trail-bucket",
      title: "Trail bucket weakened",
      service: "s3",
      eventNames: ["DeleteBucketPolicy", "PutBucketPolicy", "PutBucketLifecycle", "DeleteBucket", "PutBucketVersioning", "PutBucketReplication"],
      detail: {
        ...onlyThese("bucketName", ctx.trailBuckets),
        // Versioning turned off or MFA delete dropped, not turned on; a lifecycle rule that expires logs (or
        // old versions) within the minimum retention, or on a date (which days cannot judge). Every rule of
        // the call counts: EventBridge matches a list when any element matches.
        $or: [
          { eventName: ["DeleteBucketPolicy", "PutBucketPolicy", "DeleteBucket", "PutBucketReplication"] },
          versioning({ Status: ["Suspended"] }),
          versioning({ MfaDelete: ["Disabled"] }),
          lifecycleRule({ Expiration: { Days: [{ numeric: ["<", days] }] } }),
          lifecycleRule({ Expiration: { Date: [{ exists: true }] } }),
          lifecycleRule({ NoncurrentVersionExpiration: { NoncurrentDays: [{ numeric: ["<", days] }] } }),
        ],
      },
      resource: [CT.requestBucketName],
      why: "A policy, a short lifecycle rule, suspended versioning or replication on the log bucket can stop delivery, expire logs or copy them out.",
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
