import { Construct } from "constructs";
import { CloudwatchEventBus, CloudwatchEventBusPolicy } from "../aws";
import { Fn } from "../cdk";
import { hubBusPolicy, type HubBusPolicyProps } from "../iam/event-bus";
import type { Home } from "./regional";

export interface HubBusProps {
  readonly home: Home;
  /** The bus's name: the config's namePrefix. */
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * The hub: a custom event bus in the home region that the edges forward to and the detection rules listen
 * on. Its policy (added once the writer roles exist) admits trailguard's roles only.
 */
export class HubBus extends Construct {
  readonly bus: CloudwatchEventBus;
  private readonly home: Home;

  constructor(scope: Construct, id: string, props: HubBusProps) {
    super(scope, id);
    this.home = props.home;
    this.bus = new CloudwatchEventBus(this, "bus", { region: props.home.region, name: props.name, tags: { ...props.tags } });
    this.bus.overrideLogicalId("hub");
  }

  /** Allow PutEvents to these roles and deny it to every other principal. */
  restrictWritersTo(roleArns: readonly string[], reportWriterRoleArns: readonly string[], organization?: HubBusPolicyProps["organization"]): CloudwatchEventBusPolicy {
    const policy = new CloudwatchEventBusPolicy(this, "policy", {
      region: this.home.region,
      eventBusName: this.bus.name,
      policy: Fn.jsonencode(hubBusPolicy({ busArn: this.bus.arn, writerRoleArns: roleArns, reportWriterRoleArns, organization })),
    });
    policy.overrideLogicalId("hub");
    return policy;
  }
}
