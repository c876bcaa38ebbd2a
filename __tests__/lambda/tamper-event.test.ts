import { parseTamperEvent, parseTrailRef } from "../../lambda-src/lib/tamper-event";
import { loadFixture, tamperFixtures } from "../helpers/fixtures";

describe("parseTamperEvent on real records", () => {
  test.each(tamperFixtures())("%s parses", (_name, event) => {
    const parsed = parseTamperEvent(event);
    expect(parsed.ok).toBe(true);
  });

  test("a trail named by ARN keeps the ARN's region and account", () => {
    const parsed = parseTamperEvent(loadFixture("stop-logging-assumed-role"));
    expect(parsed).toMatchObject({
      ok: true,
      event: { trail: { name: "example-trail", region: "us-west-2", account: "123456789012" }, principal: "arn:aws:sts::123456789012:assumed-role/tester" },
    });
  });

  test("PutEventSelectors names the trail in trailName", () => {
    const parsed = parseTamperEvent(loadFixture("put-event-selectors"));
    expect(parsed.ok && parsed.event.trail?.name).toBe(loadFixture("put-event-selectors").detail.requestParameters.trailName);
  });
});

describe("bad input is refused with a reason, never thrown", () => {
  const stop = loadFixture("stop-logging");
  test.each<[string, unknown, RegExp]>([
    ["null", null, /not an object/],
    ["a string", "StopLogging", /not an object/],
    ["no detail", { ...stop, detail: undefined }, /no detail/],
    ["detail not an object", { ...stop, detail: [1] }, /no detail/],
    ["unknown eventName", { ...stop, detail: { ...stop.detail, eventName: "RunInstances" } }, /unknown eventName "RunInstances"/],
    ["no account", { ...stop, account: undefined }, /no account/],
    ["trail name with quotes", { ...stop, detail: { ...stop.detail, requestParameters: { name: 'x"; rm -rf' } } }, /malformed trail name/],
    ["trail name too long", { ...stop, detail: { ...stop.detail, requestParameters: { name: "a".repeat(200) } } }, /malformed trail name/],
    ["trail name not a string", { ...stop, detail: { ...stop.detail, requestParameters: { name: { evil: true } } } }, /malformed trail name/],
    ["no requestParameters", { ...stop, detail: { ...stop.detail, requestParameters: null } }, /malformed trail name/],
  ])("%s", (_label, input, reason) => {
    const parsed = parseTamperEvent(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });
});

test("parseTrailRef accepts names and trail ARNs only", () => {
  expect(parseTrailRef("my.trail_1-x")).toEqual({ name: "my.trail_1-x" });
  expect(parseTrailRef("arn:aws:cloudtrail:eu-west-1:111122223333:trail/t1x")).toEqual({
    name: "t1x",
    arn: "arn:aws:cloudtrail:eu-west-1:111122223333:trail/t1x",
    region: "eu-west-1",
    account: "111122223333",
  });
  expect(parseTrailRef("arn:aws:s3:::bucket")).toBeUndefined();
  expect(parseTrailRef("ab")).toBeUndefined();
  expect(parseTrailRef("-leading-dash")).toBeUndefined();
});

describe("the caller's role session", () => {
  test("a real AssumedRole record whose principalId has no session part names no session", () => {
    const parsed = parseTamperEvent(loadFixture("stop-logging-assumed-role")); // principalId "tester"
    expect(parsed.ok && parsed.event.session).toBeUndefined();
  });

  test("an IAM user names no session", () => {
    const parsed = parseTamperEvent(loadFixture("update-trail"));
    expect(parsed.ok && parsed.event.session).toBeUndefined();
  });

  test("an AssumedRole caller: the issuing role, its account and the session name after the role ID", () => {
    const event = loadFixture("stop-logging-assumed-role");
    event.detail.userIdentity.principalId = "AROAEXAMPLEROLEID0001:trailguard-58372106-bb02-566e-9ef1-f4a82a507d7c";
    event.detail.userIdentity.sessionContext.sessionIssuer.userName = "trailguard-member-remediation";
    const parsed = parseTamperEvent(event);
    expect(parsed.ok && parsed.event.session).toEqual({ role: "trailguard-member-remediation", roleAccount: "123456789012", name: "trailguard-58372106-bb02-566e-9ef1-f4a82a507d7c" });
  });

  test("a session whose type is not AssumedRole is not one, whatever its principalId", () => {
    const event = loadFixture("stop-logging-assumed-role");
    event.detail.userIdentity.type = "IAMUser";
    event.detail.userIdentity.principalId = "AROAEXAMPLEROLEID0001:trailguard-x";
    const parsed = parseTamperEvent(event);
    expect(parsed.ok && parsed.event.session).toBeUndefined();
  });
});
