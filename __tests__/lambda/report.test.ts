import { escapeMrkdwn, Report, reportEntry, slackPayload, truncate } from "../../lambda-src/lib/report";
import { HOSTILE_IAM_PATHS, HOSTILE_STRINGS } from "../helpers/fixtures";
import { expectValidBlockKit, mrkdwnTexts } from "../helpers/slack";

const BASE: Report = {
  trigger: "event",
  severity: "high",
  trail: "org-trail",
  account: "111122223333",
  region: "us-east-1",
  mode: "enforce",
  actions: ["StartLogging (logging is off)"],
  result: "restored",
  eventName: "StopLogging",
  eventId: "10163ed2-2253-469d-a5ee-cbc6651f8934",
  eventTime: "2024-07-31T13:06:24Z",
  principal: "arn:aws:iam::111122223333:user/mallory",
  userAgent: "aws-cli/2.15",
  sourceIp: "203.0.113.7",
  blindWindowSeconds: 61,
};

describe("the report's Slack payload", () => {
  test.each(Object.entries({ ...HOSTILE_STRINGS, ...HOSTILE_IAM_PATHS }))("with a hostile %s in every free-text field", (_label, hostile) => {
    const r: Report = { ...BASE, userAgent: hostile, principal: hostile, reason: hostile, errorCode: hostile, sourceIp: hostile, result: "failed" };
    const entry = reportEntry(r, "trailguard", "C0123ABCDEF");
    const detail = JSON.parse(entry.Detail!);
    expectValidBlockKit(detail.slack);
    // No Slack markup survives in mrkdwn: <!channel> cannot ping, <url|text> cannot link.
    for (const t of mrkdwnTexts(detail.slack)) expect(t).not.toMatch(/[<>]/);
    expect(JSON.stringify(detail.slack)).toContain("plain_text");
  });

  test("names trail, result, principal and the blind window", () => {
    const p = slackPayload(BASE, "C0123ABCDEF") as any;
    expect(p.channel).toBe("C0123ABCDEF");
    const all = JSON.stringify(p);
    for (const s of ["org-trail", "restored", "mallory", "61 s", "User agent: aws-cli/2.15", "StartLogging"]) expect(all).toContain(s);
  });

  test("an incoming-webhook payload has no channel", () => {
    expect(slackPayload(BASE)).not.toHaveProperty("channel");
  });

  test("a dry run says what it would call", () => {
    const p = slackPayload({ ...BASE, mode: "dry-run", result: "planned" }) as any;
    expect(p.blocks[0].text.text).toContain("Dry run");
    expect(JSON.stringify(p)).toContain("Would call");
  });

  test("the entry goes to the hub bus, with the trailguard source and detail-type the report rule matches", () => {
    expect(reportEntry(BASE, "trailguard")).toMatchObject({ EventBusName: "trailguard", Source: "trailguard", DetailType: "Trailguard Remediation" });
  });
});

test("escapeMrkdwn escapes exactly &, < and >", () => {
  expect(escapeMrkdwn("<!channel> & <b>")).toBe("&lt;!channel&gt; &amp; &lt;b&gt;");
  expect(escapeMrkdwn('"quotes" \\ stay')).toBe('"quotes" \\ stay');
});

test("truncate counts code points, so an emoji is never split", () => {
  expect(truncate("🚨🚨🚨", 2)).toBe("🚨…");
  expect(truncate("short", 10)).toBe("short");
});
