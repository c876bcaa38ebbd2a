import { CT } from "./event-fields";
import { buildInputTransformer, InputTransformer, TemplateValue, text } from "./input-transformer";

/**
 * The Slack alert for a CloudTrail tamper call, as an EventBridge input transformer.
 *
 * Two templates, because a placeholder whose path is missing from the event disappears (see
 * input-transformer.ts): a successful call always names its trail, a failed call always has an errorCode,
 * so each template uses only fields that its rule guarantees (or that may be empty without harm).
 * Free text (user agent, error message, a failed call's parameters) is never pasted: the payload must stay
 * valid JSON whatever the person being reported typed.
 */

export type TamperOutcome = "succeeded" | "failed";

export interface TamperAlertProps {
  readonly outcome: TamperOutcome;
  /** chat.postMessage needs the channel in the body; an incoming webhook posts to its own channel. */
  readonly channel?: string;
}

// Exactly one of arn (people, roles) and invokedBy (AWS services) is set; the other pastes as "".
const principal = text`${CT.identityArn}${CT.invokedBy}`;
// StopLogging/DeleteTrail/UpdateTrail name the trail in `name`, the selector calls in `trailName`, the
// CloudTrail Lake calls in `eventDataStore`: exactly one is present on a successful call.
const target = text`${CT.requestName}${CT.requestTrailName}${CT.requestEventDataStore}`;
const consoleUrl = text`https://${CT.region}.console.aws.amazon.com/cloudtrail/home?region=${CT.region}#/trails`;

const mrkdwn = (t: TemplateValue) => ({ type: "mrkdwn", text: t });

/** The Block Kit payload, with placeholders. */
export function tamperAlertTemplate(props: TamperAlertProps): TemplateValue {
  const succeeded = props.outcome === "succeeded";
  const fallback = succeeded
    ? text`CloudTrail tampering: ${CT.eventName} on ${target} in account ${CT.account} (${CT.region}) by ${principal}`
    : text`CloudTrail tampering attempt refused: ${CT.eventName} in account ${CT.account} (${CT.region}) by ${principal}, error ${CT.errorCode}`;
  const header = succeeded
    ? text`:rotating_light: ${CT.eventName} on a CloudTrail trail in ${CT.account}`
    : text`:warning: Refused ${CT.eventName} attempt in ${CT.account}`;
  const summary = succeeded
    ? text`\`${principal}\` (${CT.identityType}) called *${CT.eventName}* on \`${target}\`. This call can stop or narrow what CloudTrail records: check the trail now.`
    : text`\`${principal}\` (${CT.identityType}) tried *${CT.eventName}* and AWS refused it with \`${CT.errorCode}\`. Logging is unchanged, but someone with these credentials is trying to go dark.`;
  const fields = [
    mrkdwn(text`*Account*\n${CT.account}`),
    mrkdwn(text`*Region*\n${CT.region}`),
    mrkdwn(text`*Time (UTC)*\n${CT.eventTime}`),
    succeeded ? mrkdwn(text`*Trail*\n${target}`) : mrkdwn(text`*Error*\n${CT.errorCode}`),
    mrkdwn(text`*Principal ID*\n${CT.principalId}`),
    mrkdwn(text`*Source IP*\n${CT.sourceIp}`),
  ];
  return {
    ...(props.channel ? { channel: props.channel } : {}),
    text: fallback,
    unfurl_links: false,
    blocks: [
      { type: "header", text: { type: "plain_text", text: header, emoji: true } },
      { type: "section", text: mrkdwn(summary) },
      { type: "section", fields },
      {
        type: "actions",
        elements: [
          { type: "button", text: { type: "plain_text", text: text`Open CloudTrail in ${CT.region}` }, url: consoleUrl },
        ],
      },
      { type: "context", elements: [mrkdwn(text`trailguard · CloudTrail event ${CT.eventId}`)] },
    ],
  };
}

/** The input transformer for the rule of this outcome. */
export function tamperAlertTransformer(props: TamperAlertProps): InputTransformer {
  return buildInputTransformer(tamperAlertTemplate(props), props.outcome);
}
