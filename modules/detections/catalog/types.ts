import type { TerraformJson } from "../../terraform-json";
import type { EventField, Severity } from "../../messages";
import type { Matcher, PatternObject } from "../event-pattern";

export type { Severity };

/** Families group detections by what they protect; `detections.include` / `exclude` accept their names. */
export const FAMILIES = ["trail", "delivery", "self", "adjacent", "custom"] as const;
export type Family = (typeof FAMILIES)[number];

/**
 * One detection: CloudTrail-recorded calls that blind or weaken the account's logging.
 * Pure data; patterns are built from it by ../groups.ts.
 */
export interface Detection {
  readonly id: string;
  readonly family: Family;
  readonly title: string;
  readonly severity: Severity;
  /** One line: why an attacker makes this call. */
  readonly why: string;
  /** Service prefix: events come from `aws.<service>` with eventSource `<service>.amazonaws.com`. */
  readonly service: string;
  readonly eventNames: readonly Matcher[];
  /** Further filters on `detail` (the trail's own bucket, trailguard's own rules, ...). */
  readonly detail?: PatternObject;
  /** Global services deliver to us-east-1 only; regional detections get a rule in every region. */
  readonly scope: "regional" | "global";
  /** "both": refused attempts are alerted too, with their own rule and template. */
  readonly outcomes: "succeeded" | "both";
  /** Request parameters naming the touched resource (shown for successful calls). */
  readonly resource: readonly EventField[];
  /** Not in the default selection: include it by id or with its family. */
  readonly optIn?: boolean;
  /** Stratus Red Team techniques (aws.defense-evasion.*) this detection catches. */
  readonly stratus?: readonly string[];
}

/** What the catalog needs from the config to filter detections to this deployment's own resources. */
export interface CatalogContext {
  readonly namePrefix: string;
  /**
   * Buckets the listed trails deliver to. Empty: every bucket. A {@link TerraformJson} when Terraform
   * computes the filter from the module's `trails` variable (a JSON list, never empty).
   */
  readonly trailBuckets: readonly string[] | TerraformJson;
  /** KMS key ARNs of the listed trails. Empty: every key. (TerraformJson: both forms, already.) */
  readonly trailKeys: readonly string[] | TerraformJson;
  /** CloudWatch Logs groups the listed trails deliver to. Empty: every log group. */
  readonly trailLogGroups: readonly string[] | TerraformJson;
  /** A lifecycle rule on the trail bucket that expires logs sooner than this alerts. @default 365 */
  readonly minRetentionDays?: number;
  /**
   * The key of trailguard's alarm topic (Terraform expressions: known at apply). Absent in a deployment
   * without a hub (edgeOnly): there is no key to watch.
   */
  readonly alarmKey?: { readonly arn: string; readonly id: string };
}
