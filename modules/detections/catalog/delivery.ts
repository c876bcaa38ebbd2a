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
 * The trail's delivery path: its S3 bucket, KMS key and CloudWatch Logs group, and CloudTrail's access to
 * the organization that organization trails deliver through. The trail keeps "logging", but what it writes
 * is deleted, expired, replicated away, unreadable or no longer written for the member accounts. Filtered
 * to the listed trails' own resources when the config names them.
 */
export function deliveryDetections(ctx: CatalogContext): Detection[] {
  const base = { family: "delivery", severity: "high", scope: "regional", outcomes: "succeeded" } as const;
  const days = ctx.minRetentionDays ?? DEFAULT_MIN_RETENTION_DAYS;
  // A body names its call (only PutBucketLifecycle sends a LifecycleConfiguration, only PutBucketVersioning a
  // VersioningConfiguration), so these clauses leave the event name to the rule: the delivery rule stays
  // within EventBridge's 2,048 characters with the module's trail filters at their budget.
  const lifecycleRule = (rule: PatternObject): PatternObject => ({ requestParameters: { LifecycleConfiguration: { Rule: rule } } });
  const versioning = (v: PatternObject): PatternObject => ({ requestParameters: { VersioningConfiguration: v } });
  return [
    {
      ...base,
      id: "trail-bucket",
      title: "Trail bucket weakened",
      service: "s3",
      eventNames: [
        "DeleteBucketPolicy",
        "PutBucketPolicy",
        "PutBucketLifecycle",
        "DeleteBucket",
        "PutBucketVersioning",
        "PutBucketReplication",
        "PutBucketEncryption",
        "DeleteBucketEncryption",
      ],
      detail: {
        ...onlyThese("bucketName", ctx.trailBuckets),
        // Versioning turned off or MFA delete dropped, not turned on; a lifecycle rule that expires logs (or
        // old versions) within the minimum retention, or on a date (which days cannot judge). Every rule of
        // the call counts: EventBridge matches a list when any element matches. Any new default encryption
        // counts: "Amazon S3 doesn't validate the KMS key ID provided in PutBucketEncryption requests" (S3
        // API reference, PutBucketEncryption), so a key CloudTrail may not use passes unchecked.
        $or: [
          { eventName: [{ "anything-but": ["PutBucketLifecycle", "PutBucketVersioning"] }] },
          versioning({ Status: ["Suspended"] }),
          versioning({ MfaDelete: ["Disabled"] }),
          lifecycleRule({ Expiration: { Days: [{ numeric: ["<", days] }] } }),
          lifecycleRule({ Expiration: { Date: [{ exists: true }] } }),
          lifecycleRule({ NoncurrentVersionExpiration: { NoncurrentDays: [{ numeric: ["<", days] }] } }),
        ],
      },
      resource: [CT.requestBucketName],
      why: "A policy, a short lifecycle rule, suspended versioning, replication or a changed default encryption on the log bucket can stop delivery (a KMS key CloudTrail may not use), expire logs, copy them out or drop their KMS encryption.",
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
    {
      ...base,
      id: "trail-organization-access",
      title: "CloudTrail's trusted access to the organization disabled, or its delegated administrator removed",
      // Organizations delivers its calls to us-east-1 only. Not one trail's resource: the organization's
      // setting, which every organization trail depends on, so no trail in the config narrows it.
      scope: "global",
      service: "organizations",
      // DeregisterDelegatedAdministrator takes the same `ServicePrincipal` (and the `AccountId` removed)
      // (Organizations API reference,
      // https://docs.aws.amazon.com/organizations/latest/APIReference/API_DeregisterDelegatedAdministrator.html).
      // CloudTrail's own DeregisterOrganizationDelegatedAdmin (eventSource cloudtrail.amazonaws.com) is not
      // watched here: no record shows whether it is also recorded as this Organizations call.
      eventNames: ["DisableAWSServiceAccess", "DeregisterDelegatedAdministrator"],
      // Only CloudTrail's service principal (Organizations User Guide, "AWS CloudTrail and AWS Organizations",
      // https://docs.aws.amazon.com/organizations/latest/userguide/services-that-can-integrate-cloudtrail.html).
      detail: { requestParameters: { servicePrincipal: ["cloudtrail.amazonaws.com"] } },
      resource: [CT.requestServicePrincipal],
      why: "Organization trails stop logging every member account: \"the trails stop functioning for member accounts because CloudTrail can't access the organization\" (Organizations User Guide), though the trails themselves remain. A removed delegated administrator (often the security account) can no longer manage the organization's trails and event data stores.",
    },
  ];
}
