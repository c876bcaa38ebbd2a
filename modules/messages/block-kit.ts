/**
 * Slack Block Kit limits (api.slack.com/reference/block-kit): at most 50 blocks; header text 150
 * characters; section text 3000; section fields at most 10, each 2000; button text 75; context at most 10
 * elements of 2000; `text` (the notification fallback) 40,000. A payload over a limit is refused by Slack
 * with HTTP 200 and ok:false, which EventBridge counts as delivered: the alert is silently lost.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function blockKitProblems(payload: any): string[] {
  const problems: string[] = [];
  const len = (s: unknown) => (typeof s === "string" ? [...s].length : 0);
  /** A text object: a non-empty string, of the type the block allows. */
  const text = (what: string, t: { type?: string; text?: unknown } | undefined, types: readonly string[]) => {
    if (!t || typeof t.text !== "string" || t.text.length === 0) problems.push(`${what}: not a non-empty text`);
    else if (!types.includes(String(t.type))) problems.push(`${what}: type ${t.type}, not ${types.join(" or ")}`);
  };
  const over = (what: string, n: number, limit: number) => n > limit && problems.push(`${what}: ${n} over ${limit}`);
  if (typeof payload?.text !== "string" || payload.text.length === 0) problems.push("text: missing");
  else over("text", len(payload.text), 40_000);
  if (!Array.isArray(payload?.blocks)) return [...problems, "blocks: missing"];
  over("blocks", payload.blocks.length, 50);
  payload.blocks.forEach((block: any, i: number) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const at = `blocks[${i}] (${block?.type})`;
    if (block?.type === "header") {
      text(`${at} text`, block.text, ["plain_text"]);
      over(`${at} text`, len(block.text?.text), 150);
    }
    if (block?.type === "section") {
      if (!block.text && !block.fields) problems.push(`${at}: neither text nor fields`);
      if (block.text) {
        text(`${at} text`, block.text, ["plain_text", "mrkdwn"]);
        over(`${at} text`, len(block.text.text), 3000);
      }
      if (block.fields) {
        over(`${at} fields`, block.fields.length, 10);
        block.fields.forEach((f: { type?: string; text?: unknown }, j: number) => {
          text(`${at} fields[${j}]`, f, ["plain_text", "mrkdwn"]);
          over(`${at} fields[${j}]`, len(f.text), 2000);
        });
      }
    }
    if (block?.type === "context") {
      over(`${at} elements`, block.elements?.length ?? 0, 10);
      (block.elements ?? []).forEach((e: { text?: string }, j: number) => over(`${at} elements[${j}]`, len(e.text), 2000));
    }
    if (block?.type === "actions") (block.elements ?? []).forEach((e: { text?: { text?: string } }, j: number) => over(`${at} elements[${j}] text`, len(e.text?.text), 75));
  });
  return problems;
}
