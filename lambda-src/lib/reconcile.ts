import type {
  AdvancedEventSelector,
  CreateTrailCommandInput,
  EventSelector,
  PutEventSelectorsCommandInput,
  UpdateTrailCommandInput,
} from "@aws-sdk/client-cloudtrail";
import type { KnownGoodTrail } from "./settings";

/**
 * Pure decisions: compare a trail with its known-good settings and list the calls that put it back.
 * Logging restarts first, to end the blind window before anything else.
 */

export interface TrailState {
  readonly arn: string;
  readonly name: string;
  readonly homeRegion: string;
  readonly multiRegion: boolean;
  readonly includeGlobalEvents: boolean;
  readonly logFileValidation: boolean;
  readonly s3Bucket?: string;
  readonly s3KeyPrefix?: string;
  readonly kmsKeyId?: string;
  readonly cloudWatchLogsLogGroupArn?: string;
  readonly cloudWatchLogsRoleArn?: string;
  readonly organizationTrail?: boolean;
}

export interface Selectors {
  readonly basic?: readonly EventSelector[];
  readonly advanced?: readonly AdvancedEventSelector[];
}

export type Step =
  | { readonly op: "StartLogging"; readonly why: readonly string[] }
  | { readonly op: "UpdateTrail"; readonly input: UpdateTrailCommandInput; readonly why: readonly string[] }
  | { readonly op: "PutEventSelectors"; readonly input: PutEventSelectorsCommandInput; readonly why: readonly string[] }
  | { readonly op: "CreateTrail"; readonly input: CreateTrailCommandInput; readonly why: readonly string[] };

/** True when the selectors record every management event, read and write, from every source. */
export function logsAllManagementEvents(s: Selectors): boolean {
  if (s.advanced && s.advanced.length > 0) {
    // A management selector with any other field (readOnly, eventSource) narrows what is recorded.
    return s.advanced.some((sel) => {
      const fields = sel.FieldSelectors ?? [];
      return (
        fields.length === 1 &&
        fields[0].Field === "eventCategory" &&
        (fields[0].Equals ?? []).length === 1 &&
        fields[0].Equals?.[0] === "Management"
      );
    });
  }
  return (s.basic ?? []).some(
    (sel) =>
      sel.IncludeManagementEvents !== false &&
      (sel.ReadWriteType ?? "All") === "All" &&
      (sel.ExcludeManagementEventSources ?? []).length === 0,
  );
}

const MANAGEMENT_SELECTOR: AdvancedEventSelector = {
  Name: "All management events (restored by trailguard)",
  FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }],
};

/** PutEventSelectors: "You can configure up to five event selectors for each trail" (CloudTrail API reference). */
export const MAX_BASIC_SELECTORS = 5;

/**
 * Selectors that record all management events again and leave every data-event selector as it was.
 * CloudTrail records what any selector matches, so adding one full management selector restores the
 * management events without widening a data selector (a WriteOnly S3 selector stays WriteOnly).
 */
export function restoredSelectors(trailArn: string, s: Selectors): PutEventSelectorsCommandInput {
  if (s.advanced && s.advanced.length > 0) {
    const dataOnly = s.advanced.filter(
      (sel) => !(sel.FieldSelectors ?? []).some((f) => f.Field === "eventCategory" && (f.Equals ?? []).includes("Management")),
    );
    return { TrailName: trailArn, AdvancedEventSelectors: [MANAGEMENT_SELECTOR, ...dataOnly] };
  }
  const basic = [...(s.basic ?? [])];
  const full: EventSelector = { ReadWriteType: "All", IncludeManagementEvents: true, ExcludeManagementEventSources: [] };
  if (basic.length < MAX_BASIC_SELECTORS) return { TrailName: trailArn, EventSelectors: [...basic, full] };
  // No room for one more: the first selector without data resources becomes the full management selector.
  const i = basic.findIndex((sel) => (sel.DataResources ?? []).length === 0);
  if (i < 0) {
    throw Object.assign(new Error(`all ${MAX_BASIC_SELECTORS} event selectors hold data resources; trailguard will not rewrite one to record management events`), {
      name: "NoRoomForManagementSelector",
    });
  }
  return { TrailName: trailArn, EventSelectors: basic.map((sel, j) => (j === i ? full : sel)) };
}

/** UpdateTrail fields that differ from the known-good settings, with the reason of each. */
function settingsDrift(state: TrailState, good: KnownGoodTrail): { input: UpdateTrailCommandInput; why: string[] } {
  const input: { -readonly [K in keyof UpdateTrailCommandInput]: UpdateTrailCommandInput[K] } = { Name: state.arn };
  const why: string[] = [];
  if (state.multiRegion !== good.multiRegion) {
    input.IsMultiRegionTrail = good.multiRegion;
    why.push(`multi-region ${state.multiRegion ? "on" : "off"}, expected ${good.multiRegion ? "on" : "off"}`);
  }
  if (state.includeGlobalEvents !== good.includeGlobalEvents) {
    input.IncludeGlobalServiceEvents = good.includeGlobalEvents;
    why.push(`global service events ${state.includeGlobalEvents ? "on" : "off"}, expected ${good.includeGlobalEvents ? "on" : "off"}`);
  }
  if (state.logFileValidation !== good.logFileValidation) {
    input.EnableLogFileValidation = good.logFileValidation;
    why.push(`log file validation ${state.logFileValidation ? "on" : "off"}, expected ${good.logFileValidation ? "on" : "off"}`);
  }
  if (state.s3Bucket !== good.s3Bucket) {
    input.S3BucketName = good.s3Bucket;
    why.push(`bucket ${state.s3Bucket ?? "(none)"}, expected ${good.s3Bucket}`);
  }
  if (good.s3KeyPrefix !== undefined && (state.s3KeyPrefix ?? "") !== good.s3KeyPrefix) {
    input.S3KeyPrefix = good.s3KeyPrefix;
    why.push(`key prefix ${state.s3KeyPrefix ?? "(none)"}, expected ${good.s3KeyPrefix}`);
  }
  // Adding encryption is not a weakening; removing or swapping the key is.
  if (good.kmsKeyId !== undefined && state.kmsKeyId !== good.kmsKeyId) {
    input.KmsKeyId = good.kmsKeyId;
    why.push(`KMS key ${state.kmsKeyId ?? "(none)"}, expected ${good.kmsKeyId}`);
  }
  if (good.organizationTrail !== undefined && state.organizationTrail !== good.organizationTrail) {
    input.IsOrganizationTrail = good.organizationTrail;
    why.push(`organization trail ${state.organizationTrail ? "on" : "off"}, expected ${good.organizationTrail ? "on" : "off"}`);
  }
  const logGroupArn = good.cloudWatchLogGroup && cloudWatchLogsGroupArn(state, good.cloudWatchLogGroup);
  if (logGroupArn && good.cloudWatchLogsRoleArn && (state.cloudWatchLogsLogGroupArn !== logGroupArn || state.cloudWatchLogsRoleArn !== good.cloudWatchLogsRoleArn)) {
    input.CloudWatchLogsLogGroupArn = logGroupArn;
    input.CloudWatchLogsRoleArn = good.cloudWatchLogsRoleArn;
    why.push(`CloudWatch Logs delivery ${state.cloudWatchLogsLogGroupArn ?? "(none)"}, expected ${logGroupArn}`);
  }
  return { input, why };
}

/** The log group ARN CloudTrail expects (`...:log-group:<name>:*`), in the trail's home region and account. */
export const cloudWatchLogsGroupArn = (state: TrailState, name: string): string =>
  `arn:aws:logs:${state.homeRegion}:${state.arn.split(":")[4]}:log-group:${name}:*`;

/**
 * Drift trailguard sees but will not undo by itself, one line each: a KMS key of another account when the
 * config names no key (there is no known-good key to put back; removing encryption is not a restore).
 */
export function driftNeedingAHuman(state: TrailState, good: KnownGoodTrail): string[] {
  const account = state.arn.split(":")[4];
  const keyAccount = state.kmsKeyId?.startsWith("arn:") ? state.kmsKeyId.split(":")[4] : undefined;
  if (good.kmsKeyId === undefined && keyAccount !== undefined && keyAccount !== account) {
    return [`the trail encrypts with ${state.kmsKeyId}, a key of account ${keyAccount}: whoever holds it can read (or stop) the logs; set kmsKeyId to restore a known-good key`];
  }
  return [];
}

/**
 * What planReconcile and driftNeedingAHuman do not compare for this trail, one phrase each: the settings its
 * config leaves unset, then what no config pins (selectors other than the management-event check, insight
 * selectors, the SNS topic). A report that finds no drift names these: it does not vouch for them.
 */
export function uncheckedSettings(good: KnownGoodTrail): string[] {
  return [
    ...(good.s3KeyPrefix === undefined ? ["S3 key prefix (s3KeyPrefix unset)"] : []),
    ...(good.kmsKeyId === undefined ? ["KMS key (kmsKeyId unset: only a key of another account is flagged)"] : []),
    ...(good.organizationTrail === undefined ? ["organization trail flag (organizationTrail unset)"] : []),
    // settingsDrift compares delivery only when both are set.
    ...(good.cloudWatchLogGroup && good.cloudWatchLogsRoleArn ? [] : ["CloudWatch Logs delivery and its role (cloudWatchLogGroup and cloudWatchLogsRoleArn not both set)"]),
    "data event selectors, basic and advanced (only that all management events are recorded is checked)",
    "insight selectors",
    "SNS topic",
  ];
}

/** The calls that bring an existing trail back to its known-good settings, logging first. */
export function planReconcile(state: TrailState, isLogging: boolean, selectors: Selectors, good: KnownGoodTrail): Step[] {
  const steps: Step[] = [];
  if (!isLogging) steps.push({ op: "StartLogging", why: ["logging is off"] });
  const drift = settingsDrift(state, good);
  if (drift.why.length > 0) steps.push({ op: "UpdateTrail", input: drift.input, why: drift.why });
  if (good.managementEvents === "All" && !logsAllManagementEvents(selectors)) {
    steps.push({ op: "PutEventSelectors", input: restoredSelectors(state.arn, selectors), why: ["management events are not all recorded"] });
  }
  return steps;
}

/** Re-create a deleted trail from its known-good settings (new trails do not log until started). */
export function planRecreate(good: KnownGoodTrail): Step[] {
  return [
    {
      op: "CreateTrail",
      input: {
        Name: good.name,
        S3BucketName: good.s3Bucket,
        S3KeyPrefix: good.s3KeyPrefix,
        IsMultiRegionTrail: good.multiRegion,
        IncludeGlobalServiceEvents: good.includeGlobalEvents,
        EnableLogFileValidation: good.logFileValidation,
        KmsKeyId: good.kmsKeyId,
      },
      why: ["trail was deleted"],
    },
    { op: "StartLogging", why: ["a re-created trail does not log until started"] },
  ];
}

/** One line per step, for logs and Slack. */
export const describeStep = (s: Step): string => `${s.op} (${s.why.join("; ")})`;
