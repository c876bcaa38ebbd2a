import type { PolicyDocument } from "./policy";

/**
 * Queue policy for a target dead-letter queue, after the EventBridge User Guide ("Using dead-letter queues
 * to process undelivered events", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html):
 * EventBridge may send, only on behalf of rules matching `ruleArnPatterns` (this stack's rules in the
 * queue's region and account).
 */
export function deadLetterQueuePolicy(queueArn: string, ruleArnPatterns: readonly string[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EventBridgeDeadLetters",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["sqs:SendMessage"],
        Resource: queueArn,
        Condition: { ArnLike: { "aws:SourceArn": [...ruleArnPatterns] } },
      },
    ],
  };
}
