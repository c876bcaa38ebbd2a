import type { InputTransformer } from "./input-transformer";

/**
 * The Slack payload of a remediation report, as the report rule's target sends it. The Lambda builds the
 * report's `text` and `blocks` in code (escaped there); this transformer takes only those two and writes
 * `channel` itself, so even a report that got onto the hub bus could not choose where it is posted.
 *
 * Both placeholders stand alone as JSON values, which EventBridge writes as JSON (a string, an array),
 * escaped ("Amazon EventBridge input transformation",
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html). A missing path
 * would leave invalid JSON; only trailguard's Lambda writes reports on the hub bus (its bus policy denies
 * every other writer, and the edges forward only `aws.*` CloudTrail events), and it always sets both.
 */
export function reportTransformer(channel?: string): InputTransformer {
  const head = channel ? `"channel":${JSON.stringify(channel)},` : "";
  return {
    inputPaths: { text: "$.detail.slack.text", blocks: "$.detail.slack.blocks" },
    inputTemplate: `{${head}"text":<text>,"blocks":<blocks>,"unfurl_links":false}`,
  };
}
