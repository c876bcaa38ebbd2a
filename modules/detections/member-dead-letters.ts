import type { PatternObject } from "./event-pattern";

/**
 * Dead letters in a member account (issue 18, item 6). Each member account and region has a dead-letter
 * queue, `<prefix>-dlq`, for the edge rules' events that the hub bus did not accept. CloudWatch alarm
 * actions cannot notify another account's SNS topic, so the member template's alarm on that queue has no
 * action: its state change is an event on the member's default bus, which an edge rule forwards to the hub
 * bus like the CloudTrail calls, and a hub rule alerts Slack and the SNS topic.
 *
 * "CloudWatch sends events to Amazon EventBridge whenever a CloudWatch alarm changes alarm state", with
 * `source` "aws.cloudwatch", `detail-type` "CloudWatch Alarm State Change", `detail.alarmName` and
 * `detail.state.value` (Amazon CloudWatch User Guide, "Alarm events and EventBridge",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html; the
 * fixture `__tests__/fixtures/catalog/alarms/member-dlq-alarm.json` is its single-metric sample).
 *
 * Who can fake one: PutEvents cannot. "All events that come from AWS services begin with "aws." Customer-
 * generated events can have any value here, as long as it doesn't begin with "aws."" (Amazon EventBridge
 * User Guide, "AWS service event metadata", `source`,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html), and a PutEvents entry that claims one fails with
 * `NotAuthorizedForSourceException` (EventBridge API reference, PutEventsResultEntry,
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html). What a
 * member account's administrator can do is drive the real alarm: `SetAlarmState` on `<prefix>-member-dlq`
 * raises a false "dead letters" alert (and is itself alerted by self-alarms, which watches SetAlarmState on
 * `<prefix>-` alarms), and DeleteAlarms or PutMetricAlarm silences it (alerted the same way). `account` and
 * `region` of the event are EventBridge's, not the sender's to choose.
 *
 * What it cannot tell you: the alarm's event travels the same way as the events that died (the edge role,
 * the hub bus and its policy). When that path is broken for every event (the edge role's trust or policy
 * changed, the hub bus or its policy gone), the alarm's own event lands in the same queue, and once the path
 * is repaired the alarm stays in ALARM without a new state change: nobody is told. It reports the failures
 * that are not the whole path's: one rule the edge role does not trust (a new edge rule before the roles
 * StackSet caught up), events the hub refused or could not take for 24 hours of retries (throttling, an
 * outage). The whole-path failures are what the self-alerts on the edge role, the bus and the StackSets
 * (self-iam, self-eventbridge, self-stacksets) are for.
 */

/** The member account's alarm on its dead-letter queue: one name in every account and region. */
export const memberDeadLetterAlarmName = (namePrefix: string): string => `${namePrefix}-member-dlq`;

/** The edge rule that forwards that alarm's state changes to the hub bus (the edge role trusts it by name). */
export const memberAlarmRuleName = (namePrefix: string): string => `${namePrefix}-edge-alarm`;

export const ALARM_STATE_CHANGE_DETAIL_TYPE = "CloudWatch Alarm State Change";

/**
 * trailguard's own alarm, going into ALARM: exact name (not a prefix: `<prefix>-member-dlq-x` is someone
 * else's), exact state (OK and INSUFFICIENT_DATA are not news). The member edge rule and the hub rule both
 * use it.
 */
export function memberDeadLetterPattern(namePrefix: string): PatternObject {
  return {
    source: ["aws.cloudwatch"],
    "detail-type": [ALARM_STATE_CHANGE_DETAIL_TYPE],
    detail: { alarmName: [memberDeadLetterAlarmName(namePrefix)], state: { value: ["ALARM"] } },
  };
}

/** The hub rule's detection, described like a catalog entry (it is not one: its event is not a CloudTrail call). */
export const MEMBER_DEAD_LETTERS = {
  id: "self-member-dead-letters",
  title: "trailguard member dead letters waiting",
  severity: "high",
  why: "Events a member account's edges forwarded were not accepted by the hub bus: CloudTrail calls a detection watches were never alerted.",
} as const;
