import { Construct } from "constructs";
import { IamRole, IamRolePolicy } from "../aws";
import { Fn } from "../cdk";
import { eventBridgeTrustPolicy, invokeApiDestinationsPolicy } from "../iam/eventbridge-role";

export interface EventBridgeSlackRoleProps {
  readonly name: string;
  /** ARNs of every rule allowed to use the role (all regions). */
  readonly ruleArns: readonly string[];
  /** ARNs of every Slack API destination (all regions). */
  readonly apiDestinationArns: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
}

/** The one (global) IAM role EventBridge assumes to invoke the Slack API destinations in every region. */
export class EventBridgeSlackRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: EventBridgeSlackRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, "role", {
      name: props.name,
      description: "trailguard: lets EventBridge rules post CloudTrail tamper alerts to Slack",
      assumeRolePolicy: Fn.jsonencode(eventBridgeTrustPolicy(props.ruleArns)),
      tags: { ...props.tags },
    });
    this.role.overrideLogicalId("eventbridge_slack");

    const policy = new IamRolePolicy(this, "policy", {
      name: "invoke-slack-api-destinations",
      role: this.role.id,
      policy: Fn.jsonencode(invokeApiDestinationsPolicy(props.apiDestinationArns)),
    });
    policy.overrideLogicalId("eventbridge_slack");
  }
}
