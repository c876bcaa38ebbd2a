/**
 * Typed EventBridge event patterns for "AWS API Call via CloudTrail" events.
 *
 * Pure data builders: constructs serialize what these return and never write pattern JSON by hand.
 * Syntax reference: Amazon EventBridge User Guide, "Event patterns" and "Content filtering".
 */

/** One content filter: an exact value or one of EventBridge's operators. */
export type Matcher =
  | string
  | number
  | boolean
  | null
  | { readonly prefix: string }
  | { readonly suffix: string }
  | { readonly "equals-ignore-case": string }
  | { readonly wildcard: string }
  | { readonly exists: boolean }
  | { readonly "anything-but": string | number | readonly (string | number)[] | { readonly prefix: string } }
  | { readonly numeric: readonly (string | number)[] };

/** A pattern object: each key maps to a list of matchers (any may match) or to a nested pattern. */
export interface PatternObject {
  readonly [field: string]: readonly Matcher[] | PatternObject | readonly PatternObject[];
}

/**
 * Outcome of the recorded call: CloudTrail writes `errorCode` when the call failed. Some successful records
 * carry `errorCode: ""`: they count as successful.
 */
export type CallOutcome = "succeeded" | "failed" | "any";

export interface CloudTrailCallProps {
  /** Service part of the event source, e.g. "cloudtrail" for cloudtrail.amazonaws.com. */
  readonly service: string;
  /** eventName values; a `{prefix}` matcher covers versioned names such as CreateFunction20150331. */
  readonly eventNames: readonly Matcher[];
  /** Whether to match successful calls, failed attempts, or both. @default "any" */
  readonly outcome?: CallOutcome;
  /** Further filters on `detail` (requestParameters, userIdentity, ...). @default - none */
  readonly detail?: PatternObject;
}

export const CLOUDTRAIL_DETAIL_TYPE = "AWS API Call via CloudTrail";

/** The pattern matching CloudTrail records of `service` calls named `eventNames`. */
export function cloudTrailCallPattern(props: CloudTrailCallProps): PatternObject {
  if (!/^[a-z0-9-]+$/.test(props.service)) {
    throw new Error(`service must be the lowercase service prefix (e.g. "cloudtrail"), got ${JSON.stringify(props.service)}`);
  }
  if (props.eventNames.length === 0) throw new Error(`eventNames of ${props.service} must not be empty`);
  const outcome = props.outcome ?? "any";
  const detail: Record<string, PatternObject[string]> = {
    ...props.detail,
    eventSource: [`${props.service}.amazonaws.com`],
    eventName: [...props.eventNames],
  };
  if (outcome === "succeeded") detail.errorCode = [{ exists: false }, ""];
  if (outcome === "failed") detail.errorCode = [{ "anything-but": "" }];
  return {
    source: [`aws.${props.service}`],
    "detail-type": [CLOUDTRAIL_DETAIL_TYPE],
    detail,
  };
}
