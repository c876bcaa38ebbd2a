import type { TrailEventName } from "../../../lambda-src/lib/contract";
import { CT } from "../../messages";
import type { Detection } from "./types";

/** Only names of the contract: the remediate Lambda handles exactly what this family's rule delivers. */
const calls = (...names: TrailEventName[]): readonly string[] => names;

/** Request parameters that name the trail or event data store, by call shape. */
const TRAIL_RESOURCE = [CT.requestName, CT.requestTrailName, CT.requestEventDataStore];

const trail = (d: Pick<Detection, "id" | "title" | "why" | "eventNames"> & Partial<Detection>): Detection => ({
  family: "trail",
  severity: "critical",
  service: "cloudtrail",
  scope: "regional",
  outcomes: "both",
  resource: TRAIL_RESOURCE,
  ...d,
});

/** The trail itself: calls that stop, remove or narrow what CloudTrail records. Always on. */
export const TRAIL_DETECTIONS: readonly Detection[] = [
  trail({ id: "trail-stop-logging", title: "CloudTrail logging stopped", eventNames: calls("StopLogging"), why: "Pauses the trail: nothing is recorded until someone notices.", stratus: ["cloudtrail-stop"] }),
  trail({ id: "trail-delete", title: "CloudTrail trail deleted", eventNames: calls("DeleteTrail"), why: "Removes the trail and its configuration for good.", stratus: ["cloudtrail-delete"] }),
  trail({ id: "trail-update", title: "CloudTrail trail changed", eventNames: calls("UpdateTrail"), why: "Can move delivery to another bucket or key, or drop multi-region and global events." }),
  trail({ id: "trail-event-selectors", title: "CloudTrail event selectors changed", eventNames: calls("PutEventSelectors", "PutInsightSelectors"), why: "Can exclude management events while the trail still shows as logging.", stratus: ["cloudtrail-event-selectors"] }),
  trail({ id: "lake-ingestion", title: "CloudTrail Lake ingestion stopped or store deleted", eventNames: calls("StopEventDataStoreIngestion", "DeleteEventDataStore"), why: "Blinds CloudTrail Lake the way StopLogging blinds a trail." }),
  // UpdateEventDataStore takes AdvancedEventSelectors, RetentionPeriod and TerminationProtectionEnabled
  // (CloudTrail API reference, UpdateEventDataStore, https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_UpdateEventDataStore.html).
  trail({
    id: "lake-update",
    title: "CloudTrail Lake event data store changed",
    eventNames: calls("UpdateEventDataStore"),
    why: "Can narrow the store's advanced event selectors while it still shows as ingesting, shorten its retention, or turn termination protection off ahead of a delete.",
  }),
];
