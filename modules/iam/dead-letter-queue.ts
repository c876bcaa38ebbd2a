import type { PolicyDocument } from "./eventbridge-role";

/**
 * Queue policy for a target dead-letter queue, after the EventBridge User Guide ("Using dead-letter queues
 * to process undelivered events"): EventBridge may send, only on behalf of rules matching `ruleArnPattern`
 * (this stack's rules in the queue's region and account).
 */
export function deadLetterQueuePolicy(queueArn: string, ruleArnPattern: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EventBridgeDeadLetters",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["sqs:SendMessage"],
        Resource: queueArn,
        Condition: { ArnLike: { "aws:SourceArn": ruleArnPattern } },
      },
    ],
  };
}
