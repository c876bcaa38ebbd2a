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

describe("a compliant report vouches only for the settings it checked", () => {
  const UNCHECKED = [
    "S3 key prefix (s3KeyPrefix unset)",
    "KMS key (kmsKeyId unset: only a key of another account is flagged)",
    "insight selectors",
  ];
  const compliant: Report = { ...BASE, result: "compliant", actions: [], blindWindowSeconds: undefined, unchecked: UNCHECKED };

  test("the headline says no checked setting drifted, not that the trail matches its known-good settings", () => {
    const p = slackPayload(compliant) as any;
    expect(p.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: ":information_source: No checked setting drifted on trail org-trail", emoji: true } });
    expect(JSON.stringify(p)).not.toContain("already matches");
  });

  test("the unchecked settings are listed in their own section and in the notification text", () => {
    const p = slackPayload(compliant) as any;
    expectValidBlockKit(p);
    expect(p.blocks[2]).toEqual({
      type: "section",
      text: {
        type: "mrkdwn",
        text:
          "*Not checked* (the config does not pin these; this report does not vouch for them):\n" +
          "• S3 key prefix (s3KeyPrefix unset)\n" +
          "• KMS key (kmsKeyId unset: only a key of another account is flagged)\n" +
          "• insight selectors",
      },
    });
    expect(p.text).toBe(
      "No checked setting drifted on trail org-trail: compliant; not checked: S3 key prefix (s3KeyPrefix unset); KMS key (kmsKeyId unset: only a key of another account is flagged); insight selectors",
    );
  });

  test("a report with nothing unchecked has no such section", () => {
    const p = slackPayload({ ...compliant, unchecked: undefined }) as any;
    expect(JSON.stringify(p)).not.toContain("Not checked");
    expect(p.text).toBe("No checked setting drifted on trail org-trail: compliant");
  });
});

describe("a hostile IAM path in the principal produces no Slack markup", () => {
  // IAM paths may hold any ASCII from ! to ~ (IAM API reference, Path).
  const cases: [string, string, string][] = [
    [
      "a backtick closing the code span, bold and a channel mention",
      "arn:aws:iam::111122223333:user/`*<!channel>*`/mallory",
      "StopLogging by arn:aws:iam::111122223333:user/`*<!channel>*`/mallory at 2024-07-31T13:06:24Z.\nCalled:\n• StartLogging (logging is off)",
    ],
    [
      "italic, strike and bold delimiters",
      "arn:aws:iam::111122223333:user/_italic_/~strike~/*bold*/mallory",
      "StopLogging by arn:aws:iam::111122223333:user/_italic_/~strike~/*bold*/mallory at 2024-07-31T13:06:24Z.\nCalled:\n• StartLogging (logging is off)",
    ],
    [
      "a link",
      "arn:aws:iam::111122223333:user/<https://evil.example|click>/mallory",
      "StopLogging by arn:aws:iam::111122223333:user/<https://evil.example|click>/mallory at 2024-07-31T13:06:24Z.\nCalled:\n• StartLogging (logging is off)",
    ],
    [
      "quotes and backslashes",
      'arn:aws:iam::111122223333:user/"\\"/mallory',
      'StopLogging by arn:aws:iam::111122223333:user/"\\"/mallory at 2024-07-31T13:06:24Z.\nCalled:\n• StartLogging (logging is off)',
    ],
    [
      "every character from ! to ~",
      "arn:aws:iam::111122223333:user/!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~/mallory",
      "StopLogging by arn:aws:iam::111122223333:user/!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~/mallory at 2024-07-31T13:06:24Z.\nCalled:\n• StartLogging (logging is off)",
    ],
  ];

  test.each(cases)("%s: the principal is shown as typed, in plain_text", (_label, principal, expected) => {
    const p = slackPayload({ ...BASE, principal }, "C0123ABCDEF") as any;
    expectValidBlockKit(p);
    expect(p.blocks[1]).toEqual({ type: "section", text: { type: "plain_text", text: expected, emoji: false } });
  });

  test.each(cases)("%s: no mrkdwn text, the notification text included, holds the principal", (_label, principal) => {
    const p = slackPayload({ ...BASE, principal }, "C0123ABCDEF") as any;
    for (const t of mrkdwnTexts(p)) expect(t).not.toContain("mallory");
    expect(p.text).toBe("trailguard restored CloudTrail trail org-trail: restored");
    expect(p.text).not.toContain("<");
  });

  test("a critical report says so in plain text, with the principal", () => {
    const p = slackPayload({ ...BASE, severity: "critical", eventName: "DeleteTrail", principal: "arn:aws:iam::111122223333:user/`*<!channel>*`/mallory" }) as any;
    expect(p.blocks[1].text).toEqual({
      type: "plain_text",
      text: "CRITICAL: DeleteTrail by arn:aws:iam::111122223333:user/`*<!channel>*`/mallory at 2024-07-31T13:06:24Z.\nCalled:\n• StartLogging (logging is off)",
      emoji: false,
    });
  });

  test("the actions and reason, which quote the trail's settings and AWS's errors, are plain_text as well", () => {
    const p = slackPayload({ ...BASE, result: "failed", actions: ["UpdateTrail (key prefix `*x*` <!here>, expected logs)"], reason: "<@U012345> is not authorized", errorCode: "AccessDenied" }) as any;
    expect(p.blocks[1].text).toEqual({
      type: "plain_text",
      text:
        "StopLogging by arn:aws:iam::111122223333:user/mallory at 2024-07-31T13:06:24Z.\nCalled:\n• UpdateTrail (key prefix `*x*` <!here>, expected logs)\nReason: <@U012345> is not authorized\nAWS error: AccessDenied",
      emoji: false,
    });
    expect(p.text).toBe("trailguard could not restore trail org-trail: failed (&lt;@U012345&gt; is not authorized)");
  });
});

describe("a call made with trailguard's remediation role", () => {
  const compliant: Report = { ...BASE, result: "compliant", actions: [], blindWindowSeconds: undefined, eventName: "UpdateTrail" };
  const own = { kind: "own-restore", role: "trailguard-remediation", session: "trailguard-remediate" } as const;

  test("trailguard's own restore of a compliant trail: the robot headline and the line naming role and session", () => {
    const p = slackPayload({ ...compliant, remediationRole: own }) as any;
    expectValidBlockKit(p);
    expect(p.blocks[0].text.text).toBe(":robot_face: trailguard's own restore of trail org-trail (session trailguard-remediate)");
    expect(p.blocks[1].text.text).toBe(
      "UpdateTrail by arn:aws:iam::111122223333:user/mallory at 2024-07-31T13:06:24Z.\n" +
        "This call was trailguard's own restore (role trailguard-remediation, session trailguard-remediate); nothing was left to restore.",
    );
    expect(p.text).toBe("trailguard's own restore of trail org-trail (session trailguard-remediate): compliant");
  });

  test("a member session names the EventBridge event it restored after", () => {
    const member = { kind: "own-restore", role: "trailguard-member-remediation", session: "trailguard-ev-1", restoreOf: "ev-1" } as const;
    const p = slackPayload({ ...compliant, remediationRole: member }) as any;
    expect(p.blocks[1].text.text).toContain("(role trailguard-member-remediation, session trailguard-ev-1, restoring after EventBridge event ev-1)");
  });

  test("an own-restore label on any result but compliant is shown as the warning, never the label", () => {
    const p = slackPayload({ ...BASE, remediationRole: own }) as any;
    expect(p.blocks[0].text.text).toBe(":white_check_mark: trailguard restored CloudTrail trail org-trail");
    expect(p.blocks[1].text.text).toContain(
      "This call was made with trailguard's remediation role: someone may be using it (role trailguard-remediation, session trailguard-remediate).",
    );
    expect(JSON.stringify(p)).not.toContain("own restore");
  });

  test("the warning comes before the actions and the reason, so a long reason cannot truncate it away", () => {
    const p = slackPayload({ ...BASE, result: "failed", reason: "x".repeat(5000), remediationRole: { ...own, kind: "someone-else" } }) as any;
    expectValidBlockKit(p);
    expect(p.blocks[1].text.text.split("\n")[1]).toBe(
      "This call was made with trailguard's remediation role: someone may be using it (role trailguard-remediation, session trailguard-remediate).",
    );
    expect(p.text).toMatch(/^trailguard could not restore trail org-trail: failed; made with trailguard's remediation role: someone may be using it \(x+/);
  });

  test("a long trail ARN and session keep the header within 150 characters", () => {
    const trail = `arn:aws:cloudtrail:ap-southeast-2:111122223333:trail/${"t".repeat(126)}`;
    const p = slackPayload({ ...compliant, trail, remediationRole: { ...own, session: `trailguard-${"e".repeat(53)}` } }) as any;
    expectValidBlockKit(p);
    expect([...p.blocks[0].text.text]).toHaveLength(150);
    expect(p.blocks[0].text.text).toMatch(/^:robot_face: trailguard's own restore of trail arn:aws:cloudtrail:ap-southeast-2:111122223333:trail\/t+…$/);
  });

  test.each(Object.entries(HOSTILE_STRINGS))("a hostile %s as role and session name reaches Slack as data", (_label, hostile) => {
    for (const kind of ["own-restore", "someone-else"] as const) {
      const p = slackPayload({ ...compliant, remediationRole: { kind, role: hostile, session: hostile } }, "C0123ABCDEF") as any;
      expectValidBlockKit(p);
      for (const t of mrkdwnTexts(p)) expect(t).not.toMatch(/[<>]/);
      expect(p.blocks[0].text.type).toBe("plain_text");
      expect(p.blocks[1].text.type).toBe("plain_text");
    }
  });
});
