import type { PatternObject } from "./event-pattern";
import { REPORT_DETAIL_TYPE, REPORT_SOURCE } from "../../lambda-src/lib/contract";

/**
 * The remediation Lambda's reports (PutEvents on the hub bus; only trailguard's roles may write there),
 * from the hub's own account only: EventBridge sets `account` to the sender's, and an organization's member
 * edges may write to the hub bus too, so a member account cannot post a "report" of its own making.
 */
export function remediationReportPattern(hubAccount: string): PatternObject {
  return { source: [REPORT_SOURCE], "detail-type": [REPORT_DETAIL_TYPE], account: [hubAccount] };
}
