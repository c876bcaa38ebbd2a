/**
 * When a dead-letter queue alarms: any message visible at some point of a 5-minute period. One definition
 * for the hub's queue (a Terraform alarm, constructs/trailguard.ts) and each member account's (a
 * CloudFormation alarm, organization/templates.ts), so the two cannot drift.
 */
export const DEAD_LETTER_ALARM = {
  namespace: "AWS/SQS",
  metric: "ApproximateNumberOfMessagesVisible",
  stat: "Maximum",
  periodSeconds: 300,
  comparison: "GreaterThanOrEqualToThreshold",
  threshold: 1,
  treatMissingData: "notBreaching",
} as const;
