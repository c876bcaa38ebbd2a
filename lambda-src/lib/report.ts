import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import type { RemediationMode } from "./settings";

/**
 * What the Lambda did, as one custom event on the hub bus. The Slack message is built here, in code, and
 * a rule forwards `detail.slack` to Slack unchanged. JSON serialization keeps free text from breaking the
 * payload; Slack's mrkdwn can escape only &, < and > (there is no escape for `*`, `_`, `~` or a backtick),
 * so whatever the caller controls, or quotes from the trail or an AWS error, is shown as plain_text.
 */

import { REPORT_DETAIL_TYPE, REPORT_SOURCE } from "./contract";

export { REPORT_DETAIL_TYPE, REPORT_SOURCE } from "./contract";

export type ResultKind = "restored" | "compliant" | "planned" | "skipped" | "failed";

export interface Report {
  readonly trigger: "event" | "heartbeat";
  readonly severity: "critical" | "high" | "info";
  readonly trail: string;
  readonly trailRegion?: string;
  readonly account: string;
  /** The account's name from the config's organization.accountNames. */
  readonly accountName?: string;
  readonly region: string;
  readonly mode: RemediationMode;
  /** Calls taken (enforce) or that would be taken (dry run). */
  readonly actions: readonly string[];
  readonly result: ResultKind;
  /** Why it was skipped, or the AWS error of a failure. */
  readonly reason?: string;
  readonly errorCode?: string;
  /** The failure may pass if tried again (throttling, a timeout): the event is retried after this report. */
  readonly retryable?: boolean;
  readonly eventName?: string;
  readonly eventId?: string;
  readonly eventTime?: string;
  readonly principal?: string;
  readonly userAgent?: string;
  readonly sourceIp?: string;
  /** Seconds from the tampering (or from the trail's StopLoggingTime) to this report. */
  readonly blindWindowSeconds?: number;
  /** A compliant listed trail: its settings trailguard did not compare (see uncheckedSettings in reconcile.ts). */
  readonly unchecked?: readonly string[];
  /** The call was made by a session of one of trailguard's own remediation roles (see RemediationRoleCall). */
  readonly remediationRole?: RemediationRoleCall;
}

/**
 * A call made by a session of trailguard's remediation role: the hub's `<prefix>-remediation` or the member
 * accounts' `<prefix>-member-remediation`. `own-restore`: trailguard's own restore (its session, a listed
 * trail it restores, found compliant: nothing left to do). `someone-else`: anything else the role did, which
 * was not trailguard's restore: someone may be using the role. Role and session names are the caller's
 * ([\w+=,.@-]): shown as plain_text, escaped in mrkdwn.
 */
export interface RemediationRoleCall {
  readonly kind: "own-restore" | "someone-else";
  readonly role: string;
  readonly session: string;
  /** The EventBridge event the restore answered, from a member session's name (`trailguard-<event ID>`). */
  readonly restoreOf?: string;
}

/** Slack mrkdwn control characters (api.slack.com, "Formatting text": escaping). */
export const escapeMrkdwn = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Cut to `max` characters (by code point, so an emoji is not split), marking the cut. */
export function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join("")}…`;
}

function duration(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

const HEADLINE: Record<ResultKind, (r: Report) => string> = {
  restored: (r) => `:white_check_mark: trailguard restored CloudTrail trail ${r.trail}`,
  // Not "matches its known-good settings": only the settings the config pins are compared (see `unchecked`).
  compliant: (r) => `:information_source: No checked setting drifted on trail ${r.trail}`,
  planned: (r) => `:mag: Dry run: trailguard would restore trail ${r.trail}`,
  skipped: (r) => `:warning: trailguard did not touch trail ${r.trail}`,
  failed: (r) => `:x: trailguard could not restore trail ${r.trail}`,
};

/** A compliant trail after trailguard's own restore: the call that raised the event was trailguard's. */
const OWN_RESTORE_HEADLINE = (r: Report, session: string) => `:robot_face: trailguard's own restore of trail ${r.trail} (session ${session})`;

/** The warning on a report of a call made with the remediation role that was not trailguard's own restore. */
export const SOMEONE_ELSE_WARNING = "made with trailguard's remediation role: someone may be using it";

/** The line naming the remediation role's session, when the call was made with it. */
function roleLine(c: RemediationRoleCall): string {
  const session = `role ${c.role}, session ${c.session}${c.restoreOf ? `, restoring after EventBridge event ${c.restoreOf}` : ""}`;
  return c.kind === "own-restore"
    ? `This call was trailguard's own restore (${session}); nothing was left to restore.`
    : `This call was ${SOMEONE_ELSE_WARNING} (${session}).`;
}

/** The Block Kit payload for Slack (chat.postMessage when `channel` is set, else an incoming webhook). */
export function slackPayload(r: Report, channel?: string): Record<string, unknown> {
  // Only a compliant trail is labelled trailguard's own restore; any other result warns instead.
  const role: RemediationRoleCall | undefined =
    r.remediationRole?.kind === "own-restore" && r.result !== "compliant" ? { ...r.remediationRole, kind: "someone-else" } : r.remediationRole;
  const headline = truncate(role?.kind === "own-restore" ? OWN_RESTORE_HEADLINE(r, role.session) : HEADLINE[r.result](r), 150);
  // plain_text: the principal (an IAM path may hold any ASCII from `!` to `~`), and the actions and reason,
  // which quote the trail's settings (a key prefix, a KMS key: set by whoever weakened it) and AWS's errors.
  const what =
    r.trigger === "heartbeat"
      ? "The heartbeat found this trail off its known-good settings."
      : `${r.eventName ?? "?"} by ${r.principal ?? "unknown"} at ${r.eventTime ?? "?"}.`;
  const lines = [
    r.severity === "critical" ? `CRITICAL: ${what}` : what,
    // Second, so a long list of actions or reason cannot truncate it away.
    role ? roleLine(role) : "",
    r.actions.length > 0 ? `${r.result === "planned" ? "Would call" : "Called"}:\n${r.actions.map((a) => `• ${a}`).join("\n")}` : "",
    r.reason ? `Reason: ${r.reason}` : "",
    r.errorCode ? `AWS error: ${r.errorCode}` : "",
  ].filter(Boolean);
  const unchecked = r.unchecked ?? [];
  const fields = [
    { type: "mrkdwn", text: `*Account*\n${escapeMrkdwn(r.accountName ? `${r.account} (${r.accountName})` : r.account)}` },
    { type: "mrkdwn", text: `*Region*\n${escapeMrkdwn(r.trailRegion ?? r.region)}` },
    { type: "mrkdwn", text: `*Result*\n${r.result}${r.mode === "enforce" ? "" : ` (${r.mode})`}` },
    ...(r.blindWindowSeconds !== undefined ? [{ type: "mrkdwn", text: `*Blind window*\n${duration(r.blindWindowSeconds)}` }] : []),
    ...(r.sourceIp ? [{ type: "mrkdwn", text: `*Source IP*\n${escapeMrkdwn(truncate(r.sourceIp, 200))}` }] : []),
  ];
  const blocks: Record<string, unknown>[] = [
    { type: "header", text: { type: "plain_text", text: headline, emoji: true } },
    { type: "section", text: { type: "plain_text", text: truncate(lines.join("\n"), 3000), emoji: false } },
    ...(unchecked.length > 0
      ? [
          {
            type: "section",
            text: {
              type: "mrkdwn",
              text: truncate(`*Not checked* (the config does not pin these; this report does not vouch for them):\n${unchecked.map((u) => `• ${escapeMrkdwn(u)}`).join("\n")}`, 3000),
            },
          },
        ]
      : []),
    { type: "section", fields },
  ];
  // plain_text: Slack shows it as typed, no markup, whatever the caller put in it.
  if (r.userAgent) {
    blocks.push({ type: "context", elements: [{ type: "plain_text", text: truncate(`User agent: ${r.userAgent}`, 2000), emoji: false }] });
  }
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `trailguard ${r.trigger}${r.eventId ? ` · CloudTrail event ${escapeMrkdwn(r.eventId)}` : ""}` }] });
  // The notification (mrkdwn): no principal, user agent or actions in it.
  const notChecked = unchecked.length > 0 ? `; not checked: ${unchecked.join("; ")}` : "";
  const warning = role?.kind === "someone-else" ? `; ${SOMEONE_ELSE_WARNING}` : "";
  const text = truncate(`${headline.replace(/^:[a-z_]+: /, "")}: ${r.result}${warning}${r.reason ? ` (${r.reason})` : ""}${notChecked}`, 3000);
  return { ...(channel ? { channel } : {}), text: escapeMrkdwn(text), unfurl_links: false, blocks };
}

/** The PutEvents entry: the report's facts, and the Slack payload under `slack`. */
export function reportEntry(r: Report, eventBus: string, channel?: string): PutEventsRequestEntry {
  const detail = { ...r, userAgent: r.userAgent === undefined ? undefined : truncate(r.userAgent, 4096), slack: slackPayload(r, channel) };
  return { EventBusName: eventBus, Source: REPORT_SOURCE, DetailType: REPORT_DETAIL_TYPE, Detail: JSON.stringify(detail) };
}
