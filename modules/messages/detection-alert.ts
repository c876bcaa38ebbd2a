import { CT, EventField } from "./event-fields";
import { buildInputTransformer, InputTransformer, TemplateValue, Text, text } from "./input-transformer";

/**
 * The Slack alert of a detection group, as an EventBridge input transformer: Block Kit with a plain
 * `text` fallback, naming severity, detection, who, what, where and when.
 *
 * Successful calls and refused attempts get separate rules and templates, because a placeholder whose
 * path is missing from the event disappears (see input-transformer.ts): a successful call always names
 * its resource, a failed one always has an errorCode. Free text (user agent, error message, a failed
 * call's parameters) is never pasted: the payload stays valid JSON whatever the caller typed.
 */

export type Severity = "critical" | "high" | "medium";
export type AlertOutcome = "succeeded" | "failed";

export interface AlertProps {
  readonly outcome: AlertOutcome;
  readonly severity: Severity;
  /** The detection (group) title, e.g. "CloudTrail trail tampering". */
  readonly title: string;
  /** Detection ids the rule covers, shown in the footer so the catalog entry can be looked up. */
  readonly detectionIds: readonly string[];
  /**
   * Request parameters that name the touched resource, one per call shape; exactly one is present in a
   * successful call, the others paste as "". Shown only for successful calls.
   */
  readonly resource: readonly EventField[];
  /** chat.postMessage needs the channel in the body; an incoming webhook posts to its own channel. */
  readonly channel?: string;
}

const EMOJI: Record<Severity, string> = { critical: ":red_circle:", high: ":large_orange_circle:", medium: ":large_yellow_circle:" };

// Exactly one of principalId (people, roles) and invokedBy (AWS services) is set; the other pastes as "".
// Not the ARN: its IAM path is free text (see event-fields.ts); the console link shows it.
const principal = text`${CT.principalId}${CT.invokedBy}`;
const consoleUrl = text`https://${CT.region}.console.aws.amazon.com/cloudtrail/home?region=${CT.region}#/events/${CT.eventId}`;
const mrkdwn = (t: TemplateValue) => ({ type: "mrkdwn", text: t });
const join = (fields: readonly EventField[]): Text => new Text(fields);

const resourceOf = (p: AlertProps): Text | undefined => (p.outcome === "succeeded" && p.resource.length > 0 ? join(p.resource) : undefined);

/** One line: severity, title, call, resource, account, region, principal. Slack's fallback text, and SNS's message. */
function summaryLine(p: AlertProps): Text {
  const severity = p.severity.toUpperCase();
  const resource = resourceOf(p);
  const on = resource ? text` on ${resource}` : text``;
  return p.outcome === "succeeded"
    ? text`${severity} ${p.title}: ${CT.eventName}${on} in account ${CT.account} (${CT.region}) by ${principal}`
    : text`${severity} ${p.title}, refused: ${CT.eventName} in account ${CT.account} (${CT.region}) by ${principal}, error ${CT.errorCode}`;
}

/** The Block Kit payload, with placeholders. */
export function alertTemplate(p: AlertProps): TemplateValue {
  const succeeded = p.outcome === "succeeded";
  const severity = p.severity.toUpperCase();
  const resource = resourceOf(p);
  const fallback = summaryLine(p);
  const header = succeeded
    ? text`${EMOJI[p.severity]} ${severity} · ${p.title}`
    : text`${EMOJI[p.severity]} ${severity} · ${p.title} (refused attempt)`;
  const summary = succeeded
    ? text`\`${principal}\` (${CT.identityType}) called *${CT.eventName}* (${CT.eventSource})${resource ? text` on \`${resource}\`` : text``}.`
    : text`\`${principal}\` (${CT.identityType}) tried *${CT.eventName}* (${CT.eventSource}) and AWS refused it with \`${CT.errorCode}\`. Nothing changed, but someone with these credentials is trying to go dark.`;
  const fields = [
    mrkdwn(text`*Account*\n${CT.account}`),
    mrkdwn(text`*Region*\n${CT.region}`),
    mrkdwn(text`*Time (UTC)*\n${CT.eventTime}`),
    ...(resource ? [mrkdwn(text`*Resource*\n${resource}`)] : []),
    ...(succeeded ? [] : [mrkdwn(text`*Error*\n${CT.errorCode}`)]),
    mrkdwn(text`*Session issuer*\n${CT.issuerName}`),
    mrkdwn(text`*Source IP*\n${CT.sourceIp}`),
  ];
  return {
    ...(p.channel ? { channel: p.channel } : {}),
    text: fallback,
    unfurl_links: false,
    blocks: [
      { type: "header", text: { type: "plain_text", text: header, emoji: true } },
      { type: "section", text: mrkdwn(summary) },
      { type: "section", fields },
      {
        type: "actions",
        elements: [{ type: "button", text: { type: "plain_text", text: text`Open the event in CloudTrail (${CT.region})` }, url: consoleUrl }],
      },
      { type: "context", elements: [mrkdwn(text`trailguard · ${p.detectionIds.join(", ")} · CloudTrail event ${CT.eventId}`)] },
    ],
  };
}

/** The input transformer for a rule of this outcome. */
export function alertTransformer(p: AlertProps): InputTransformer {
  return buildInputTransformer(alertTemplate(p), p.outcome);
}

/**
 * The same alert as plain text, for the SNS topic (email shows the raw body): the summary line, the event
 * time and ID, and the console link, built from the same fields by the same rules (a quoted string whose
 * placeholders are AWS-constrained fields only).
 */
export function alertPlainText(p: AlertProps): Text {
  return text`trailguard: ${summaryLine(p)}. Time ${CT.eventTime} UTC, CloudTrail event ${CT.eventId}, detections ${p.detectionIds.join(", ")}. ${consoleUrl}`;
}

/** The input transformer of an SNS target. */
export function snsAlertTransformer(p: AlertProps): InputTransformer {
  return buildInputTransformer(alertPlainText(p), p.outcome);
}
