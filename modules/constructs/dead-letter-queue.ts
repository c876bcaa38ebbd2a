import { Construct } from "constructs";
import { SqsQueue, SqsQueuePolicy } from "../aws";
import { Fn } from "../cdk";
import { deadLetterQueuePolicy } from "../iam/dead-letter-queue";
import { Regions } from "./regional";

export interface DeadLetterQueueProps {
  readonly regions: Regions;
  readonly name: string;
  /** Rules named `<namePrefix>-*` (this stack's rules) may send to the queue. */
  readonly namePrefix: string;
  /** The account ID (a Terraform expression). */
  readonly account: string;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * One encrypted SQS queue per region for events EventBridge could not deliver to a target (a target's
 * dead-letter queue must be in the rule's region). 14 days, the SQS maximum, to have time to look.
 */
export class DeadLetterQueue extends Construct {
  readonly queue: SqsQueue;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    const { regions } = props;
    this.queue = new SqsQueue(this, "queue", {
      forEach: regions.iterator,
      region: regions.region,
      name: props.name,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 1_209_600,
      tags: { ...props.tags },
    });
    this.queue.overrideLogicalId("dlq");

    const queueArn = regions.sameRegion(this.queue, "arn");
    const policy = new SqsQueuePolicy(this, "policy", {
      forEach: regions.iterator,
      region: regions.region,
      queueUrl: regions.sameRegion(this.queue, "url"),
      policy: Fn.jsonencode(deadLetterQueuePolicy(queueArn, `arn:aws:events:${regions.region}:${props.account}:rule/${props.namePrefix}-*`)),
    });
    policy.overrideLogicalId("dlq");
  }
}
