/**
 * The contract between the synthesized stack and the Lambdas: the names and formats both sides must agree
 * on, written once. The stack's detection catalog, config schema, IAM policies and report rule import
 * these; so do the handlers. A test checks that every event the trail rule can deliver is one the
 * remediate Lambda handles, and the reverse (__tests__/contract.test.ts).
 */

/** CloudTrail calls on a trail that the trail rule delivers to the remediate Lambda. */
export const TRAIL_EVENTS = ["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "PutInsightSelectors"] as const;
/** CloudTrail Lake calls: alerted and reported; an event data store is not restored (nor its settings). */
export const EVENT_DATA_STORE_EVENTS = ["StopEventDataStoreIngestion", "DeleteEventDataStore", "UpdateEventDataStore"] as const;
export type TrailEventName = (typeof TRAIL_EVENTS)[number] | (typeof EVENT_DATA_STORE_EVENTS)[number];

/** CloudTrail CreateTrail `Name`: 3-128 letters, digits, '.', '_', '-', starting and ending with a letter or digit. */
export const TRAIL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$/;
/** A trail's ARN. Public sample records use 13-digit accounts; the account is compared, never trusted. */
export const TRAIL_ARN = /^arn:aws[a-z-]*:cloudtrail:([a-z0-9-]+):(\d+):trail\/([A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9])$/;

/** A trail's ARN: the one place this format is written (the Lambdas, and the IAM policies at synth). */
export const trailArn = (homeRegion: string, account: string, name: string): string => `arn:aws:cloudtrail:${homeRegion}:${account}:trail/${name}`;

/** The Lambdas' reports on the hub bus, which the report rule matches. */
export const REPORT_SOURCE = "trailguard";
export const REPORT_DETAIL_TYPE = "Trailguard Remediation";
