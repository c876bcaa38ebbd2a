/**
 * Slack Block Kit limits (api.slack.com/reference/block-kit): at most 50 blocks; header text 150
 * characters; section text 3000; section fields at most 10, each 2000; button text 75; context at most 10
 * elements. A payload over a limit is refused by Slack with HTTP 200 and ok:false, which EventBridge counts
 * as delivered: the alert is silently lost.
 */
export function expectValidBlockKit(payload: any): void {
  expect(typeof payload.text).toBe("string");
  expect(payload.text.length).toBeGreaterThan(0);
  expect(payload.text.length).toBeLessThanOrEqual(40_000);
  expect(payload.blocks.length).toBeLessThanOrEqual(50);
  for (const block of payload.blocks) {
    if (block.type === "header") expect([...block.text.text].length).toBeLessThanOrEqual(150);
    if (block.type === "section") {
      if (block.text) expect([...block.text.text].length).toBeLessThanOrEqual(3000);
      if (block.fields) {
        expect(block.fields.length).toBeLessThanOrEqual(10);
        for (const f of block.fields) expect([...f.text].length).toBeLessThanOrEqual(2000);
      }
    }
    if (block.type === "context") {
      expect(block.elements.length).toBeLessThanOrEqual(10);
      for (const el of block.elements) expect([...el.text].length).toBeLessThanOrEqual(2000);
    }
    if (block.type === "actions") {
      for (const el of block.elements) {
        expect(el.text.text.length).toBeLessThanOrEqual(75);
        expect(el.url).toMatch(/^https:\/\/[a-z0-9-]+\.console\.aws\.amazon\.com\/cloudtrail\//);
      }
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
