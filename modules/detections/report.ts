import type { PatternObject } from "./event-pattern";
import { REPORT_DETAIL_TYPE, REPORT_SOURCE } from "../../lambda-src/lib/report";

/** The remediation Lambda's reports (PutEvents on the default bus of its region). */
export function remediationReportPattern(): PatternObject {
  return { source: [REPORT_SOURCE], "detail-type": [REPORT_DETAIL_TYPE] };
}
