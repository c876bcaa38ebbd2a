import { Construct } from "constructs";
import { SqsQueue, SqsQueuePolicy } from "../aws";
import { Fn } from "../cdk";
import { deadLetterQueuePolicy } from "../iam/dead-letter-queue";
import type { Regions } from "./regional";

export interface DeadLetterQueueProps {
  readonly regions: Regions;
  readonly name: string;
  /** Rules named `<namePrefix>-*` on the default bus, and every rule on the hub bus (named `<namePrefix>`). */
  readonly namePrefix: string;
  /** The account ID (a Terraform expression). */
  readonly account: string;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * One encrypted SQS queue per region for events EventBridge could not deliver (a target's dead-letter
 * queue must be in the rule's region). The hub's rules, in the home region, use that region's queue.
 * 14 days, the SQS maximum, to have time to look.
 */
export class DeadLetterQueue extends Construct {
  readonly queue: SqsQueue;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    const { regions } = props;
    this.queue = new SqsQueue(this, "queue", {
      forEach: regions.forEach,
      region: regions.region,
      name: props.name,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 1_209_600,
      tags: { ...props.tags },
    });
    this.queue.overrideLogicalId("dlq");

    const rules = `arn:aws:events:${regions.region}:${props.account}:rule/${props.namePrefix}`;
    const policy = new SqsQueuePolicy(this, "policy", {
      forEach: regions.forEach,
      region: regions.region,
      queueUrl: regions.ref(this.queue, "url"),
      policy: Fn.jsonencode(deadLetterQueuePolicy(regions.ref(this.queue, "arn"), [`${rules}-*`, `${rules}/*`])),
    });
    policy.overrideLogicalId("dlq");
  }
}
