import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import type { RemediationMode } from "./settings";

/**
 * What the Lambda did, as one custom event on the hub bus. The Slack message is built here, in code,
 * so free text (user agent, error messages) is escaped by JSON serialization and by Slack's mrkdwn rules
 * (&, <, >), and shown as plain_text where possible; a rule forwards `detail.slack` to Slack unchanged.
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
  compliant: (r) => `:information_source: Trail ${r.trail} already matches its known-good settings`,
  planned: (r) => `:mag: Dry run: trailguard would restore trail ${r.trail}`,
  skipped: (r) => `:warning: trailguard did not touch trail ${r.trail}`,
  failed: (r) => `:x: trailguard could not restore trail ${r.trail}`,
};

/** The Block Kit payload for Slack (chat.postMessage when `channel` is set, else an incoming webhook). */
export function slackPayload(r: Report, channel?: string): Record<string, unknown> {
  const headline = truncate(HEADLINE[r.result](r), 150);
  const what =
    r.trigger === "heartbeat"
      ? "The heartbeat found this trail off its known-good settings."
      : `\`${r.eventName ?? "?"}\` by \`${escapeMrkdwn(r.principal ?? "unknown")}\` at ${r.eventTime ?? "?"}.`;
  const lines = [
    r.severity === "critical" ? `*CRITICAL* ${what}` : what,
    r.actions.length > 0 ? `*${r.result === "planned" ? "Would call" : "Called"}:*\n${r.actions.map((a) => `• ${escapeMrkdwn(a)}`).join("\n")}` : "",
    r.reason ? `*Reason:* ${escapeMrkdwn(r.reason)}` : "",
    r.errorCode ? `*AWS error:* \`${escapeMrkdwn(r.errorCode)}\`` : "",
  ].filter(Boolean);
  const fields = [
    { type: "mrkdwn", text: `*Account*\n${escapeMrkdwn(r.accountName ? `${r.account} (${r.accountName})` : r.account)}` },
    { type: "mrkdwn", text: `*Region*\n${escapeMrkdwn(r.trailRegion ?? r.region)}` },
    { type: "mrkdwn", text: `*Result*\n${r.result}${r.mode === "enforce" ? "" : ` (${r.mode})`}` },
    ...(r.blindWindowSeconds !== undefined ? [{ type: "mrkdwn", text: `*Blind window*\n${duration(r.blindWindowSeconds)}` }] : []),
    ...(r.sourceIp ? [{ type: "mrkdwn", text: `*Source IP*\n${escapeMrkdwn(truncate(r.sourceIp, 200))}` }] : []),
  ];
  const blocks: Record<string, unknown>[] = [
    { type: "header", text: { type: "plain_text", text: headline, emoji: true } },
    { type: "section", text: { type: "mrkdwn", text: truncate(lines.join("\n"), 3000) } },
    { type: "section", fields },
  ];
  // plain_text: Slack shows it as typed, no markup, whatever the caller put in it.
  if (r.userAgent) {
    blocks.push({ type: "context", elements: [{ type: "plain_text", text: truncate(`User agent: ${r.userAgent}`, 2000), emoji: false }] });
  }
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `trailguard ${r.trigger}${r.eventId ? ` · CloudTrail event ${escapeMrkdwn(r.eventId)}` : ""}` }] });
  const text = truncate(`${headline.replace(/^:[a-z_]+: /, "")}: ${r.result}${r.reason ? ` (${r.reason})` : ""}`, 3000);
  return { ...(channel ? { channel } : {}), text: escapeMrkdwn(text), unfurl_links: false, blocks };
}

/** The PutEvents entry: the report's facts, and the Slack payload under `slack`. */
export function reportEntry(r: Report, eventBus: string, channel?: string): PutEventsRequestEntry {
  const detail = { ...r, userAgent: r.userAgent === undefined ? undefined : truncate(r.userAgent, 4096), slack: slackPayload(r, channel) };
  return { EventBusName: eventBus, Source: REPORT_SOURCE, DetailType: REPORT_DETAIL_TYPE, Detail: JSON.stringify(detail) };
}
