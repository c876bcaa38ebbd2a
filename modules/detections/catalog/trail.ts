import { CT } from "../../messages";
import type { Detection } from "./types";

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
  trail({ id: "trail-stop-logging", title: "CloudTrail logging stopped", eventNames: ["StopLogging"], why: "Pauses the trail: nothing is recorded until someone notices.", stratus: ["cloudtrail-stop"] }),
  trail({ id: "trail-delete", title: "CloudTrail trail deleted", eventNames: ["DeleteTrail"], why: "Removes the trail and its configuration for good.", stratus: ["cloudtrail-delete"] }),
  trail({ id: "trail-update", title: "CloudTrail trail changed", eventNames: ["UpdateTrail"], why: "Can move delivery to another bucket or key, or drop multi-region and global events." }),
  trail({ id: "trail-event-selectors", title: "CloudTrail event selectors changed", eventNames: ["PutEventSelectors", "PutInsightSelectors"], why: "Can exclude management events while the trail still shows as logging.", stratus: ["cloudtrail-event-selectors"] }),
  trail({ id: "lake-ingestion", title: "CloudTrail Lake ingestion stopped or store deleted", eventNames: ["StopEventDataStoreIngestion", "DeleteEventDataStore"], why: "Blinds CloudTrail Lake the way StopLogging blinds a trail." }),
];
