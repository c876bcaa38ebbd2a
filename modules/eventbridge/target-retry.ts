/**
 * EventBridge's default retry policy, written out so the plan shows it: Slack outages last hours, and a
 * late tamper alert is still worth having. What still fails lands in the rule's dead-letter queue.
 */
export const TARGET_RETRY = { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 } as const;
