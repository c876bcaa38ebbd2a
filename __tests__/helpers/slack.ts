import { blockKitProblems } from "../../modules/messages/block-kit";
/** Valid for Slack (see blockKitProblems), and every button opens the CloudTrail console. */
export function expectValidBlockKit(payload: any): void {
  expect(blockKitProblems(payload)).toEqual([]);
  for (const block of payload.blocks) {
    if (block.type === "actions") {
      for (const el of block.elements) expect(el.url).toMatch(/^https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\/cloudtrail\//);
    }
  }
}

/** Every mrkdwn text of the payload (top-level text included): where Slack interprets <, > and &. */
export function mrkdwnTexts(payload: any): string[] {
  const out: string[] = [payload.text];
  const walk = (v: any) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      if (v.type === "mrkdwn" && typeof v.text === "string") out.push(v.text);
      Object.values(v).forEach(walk);
    }
  };
  walk(payload.blocks);
  return out;
}
