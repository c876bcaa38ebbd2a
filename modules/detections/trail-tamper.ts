import { CallOutcome, cloudTrailCallPattern, PatternObject } from "./event-pattern";

/**
 * CloudTrail calls that stop, remove or narrow what the trail records.
 * Each one is a way to go dark: StopLogging pauses the trail, DeleteTrail removes it, UpdateTrail can move
 * the bucket or drop multi-region/global events, the selector calls can exclude management events, and the
 * event-data-store calls do the same for CloudTrail Lake.
 */
export const TRAIL_TAMPER_EVENTS = [
  "StopLogging",
  "DeleteTrail",
  "UpdateTrail",
  "PutEventSelectors",
  "PutInsightSelectors",
  "StopEventDataStoreIngestion",
  "DeleteEventDataStore",
] as const;

export type TrailTamperEvent = (typeof TRAIL_TAMPER_EVENTS)[number];

/**
 * Pattern for the tamper family, split by outcome: a successful call ("turned off") and a failed attempt
 * ("tried to turn off") get separate rules so each message template only uses fields that are always there.
 */
export function trailTamperPattern(outcome: Exclude<CallOutcome, "any">): PatternObject {
  return cloudTrailCallPattern({ service: "cloudtrail", eventNames: TRAIL_TAMPER_EVENTS, outcome });
}
