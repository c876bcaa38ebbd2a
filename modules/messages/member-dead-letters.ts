import { CT } from "./event-fields";
import { buildInputTransformer, type InputTransformer, text } from "./input-transformer";
import { memberDeadLetterAlarmName, MEMBER_DEAD_LETTERS } from "../detections/member-dead-letters";

/**
 * The alert of a member account's dead-letter alarm (detections/member-dead-letters.ts). Only envelope
 * fields EventBridge writes are pasted: `account` (12 digits) and `region` (CT.account, CT.region); not
 * even `time`, which is the sending service's to write and constrained by no page we found. The alarm's
 * name is the rule's exact match, so it is written literally; `detail.state.reason`,
 * the alarm's description and its metrics are not shown (the reason is CloudWatch's text, but SetAlarmState
 * lets the member account's administrator write any reason: StateReason is free text, CloudWatch API
 * reference, https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_SetAlarmState.html).
 */

const queueUrl = text`https://${CT.region}.console.aws.amazon.com/sqs/v3/home?region=${CT.region}#/queues`;

function summary(namePrefix: string) {
  return text`HIGH ${MEMBER_DEAD_LETTERS.title}: dead letters waiting in ${namePrefix}-dlq of account ${CT.account} region ${CT.region}: the hub bus did not accept events forwarded from there`;
}

/** The Slack body: Block Kit with a plain `text` fallback. */
export function memberDeadLettersTransformer(namePrefix: string, channel?: string): InputTransformer {
  const alarm = memberDeadLetterAlarmName(namePrefix);
  return buildInputTransformer(
    {
      ...(channel ? { channel } : {}),
      text: summary(namePrefix),
      unfurl_links: false,
      blocks: [
        { type: "header", text: { type: "plain_text", text: `:large_orange_circle: HIGH · ${MEMBER_DEAD_LETTERS.title}`, emoji: true } },
        {
          type: "section",
          text: {
            type: "mrkdwn",
            text: text`Dead letters are waiting in \`${namePrefix}-dlq\` of account *${CT.account}*, region *${CT.region}*: the hub bus did not accept events forwarded from there, so CloudTrail calls a detection watches were never alerted. Read them in that account, fix the path (the edge role \`${namePrefix}-edge\`, the hub bus policy), then redrive or purge.`,
          },
        },
        {
          type: "section",
          fields: [
            { type: "mrkdwn", text: text`*Account*\n${CT.account}` },
            { type: "mrkdwn", text: text`*Region*\n${CT.region}` },
            { type: "mrkdwn", text: `*Alarm*\n${alarm}` },
          ],
        },
        { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: text`Open SQS (${CT.region})` }, url: queueUrl }] },
        { type: "context", elements: [{ type: "mrkdwn", text: `trailguard · ${MEMBER_DEAD_LETTERS.id} · CloudWatch alarm ${alarm}` }] },
      ],
    },
    "any",
  );
}

/** The same alert as plain text, for the SNS topic. */
export function memberDeadLettersSnsTransformer(namePrefix: string): InputTransformer {
  return buildInputTransformer(text`trailguard: ${summary(namePrefix)}. Alarm ${memberDeadLetterAlarmName(namePrefix)}. ${queueUrl}`, "any");
}
