import type { PatternObject } from "./event-pattern";
import { REPORT_DETAIL_TYPE, REPORT_SOURCE } from "../../lambda-src/lib/contract";

/** The remediation Lambda's reports (PutEvents on the hub bus; only trailguard's roles may write there). */
export function remediationReportPattern(): PatternObject {
  return { source: [REPORT_SOURCE], "detail-type": [REPORT_DETAIL_TYPE] };
}
