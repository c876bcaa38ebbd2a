import { EVENT_DATA_STORE_EVENTS, TRAIL_EVENTS } from "../lambda-src/lib/contract";
import { parseTamperEvent } from "../lambda-src/lib/tamper-event";
import { CHANNEL_CONFIG, synthStack } from "./helpers/synth";
import { loadFixture } from "./helpers/fixtures";

/**
 * The trail rule on the hub delivers to the remediate Lambda; what it can deliver and what the Lambda
 * handles must be the same set of calls. Drop a name on either side and this fails.
 */
const stack = synthStack(CHANNEL_CONFIG);
const delivered: string[] = JSON.parse(stack.resource.aws_cloudwatch_event_rule.tamper.event_pattern).detail.eventName;
const handled = [...TRAIL_EVENTS, ...EVENT_DATA_STORE_EVENTS];

test("the trail rule (the remediate Lambda's only trigger) delivers exactly these calls", () => {
  expect(stack.resource.aws_cloudwatch_event_target.tamper_remediate.rule).toBe("${aws_cloudwatch_event_rule.tamper.name}");
  expect([...delivered].sort()).toEqual(
    ["DeleteEventDataStore", "DeleteTrail", "PutEventSelectors", "PutInsightSelectors", "StopEventDataStoreIngestion", "StopLogging", "UpdateEventDataStore", "UpdateTrail"],
  );
});

test("every call the trail rule delivers, the Lambda handles", () => {
  for (const name of delivered) {
    const event = loadFixture("stop-logging");
    event.detail.eventName = name;
    event.detail.requestParameters = name.includes("EventDataStore") ? { eventDataStore: "arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/abc" } : { name: "org-trail", trailName: "org-trail" };
    expect([name, parseTamperEvent(event).ok]).toEqual([name, true]);
  }
});

test("every call the Lambda handles, the trail rule delivers", () => {
  expect([...handled].sort()).toEqual([...delivered].sort());
});

test("a call outside the contract is refused by the Lambda, with a reason", () => {
  const event = loadFixture("stop-logging");
  event.detail.eventName = "StartLogging";
  expect(parseTamperEvent(event)).toEqual({ ok: false, reason: 'unknown eventName "StartLogging"' });
});
