import { Construct } from "constructs";
import type { PatternObject } from "../detections";
import { edgeRuleNames } from "../detections/edge";
import { edgeRuleArns, eventBridgeTrustPolicy, putEventsPolicy } from "../iam/eventbridge-role";
import { EventRule } from "./event-rule";
import { Role } from "./role";
import type { Regions } from "./regional";

export interface EdgesProps {
  /** Every configured region. */
  readonly regions: Regions;
  /** us-east-1 alone, where global services deliver their events; undefined when it is not configured. */
  readonly globalRegions?: Regions;
  /** Patterns of the regional detections (see detections/edge.ts), one rule each. */
  readonly patterns: readonly PatternObject[];
  /** Patterns of the global-service detections, in us-east-1 only. */
  readonly globalPatterns: readonly PatternObject[];
  readonly namePrefix: string;
  /** The hub bus: every edge rule's one target. */
  readonly hubBusArn: string;
  /** The edge role: may only put events on the hub bus. */
  readonly roleArn: string;
  /** The per-region dead-letter queue (keyed by region). */
  readonly deadLetterQueue: { readonly arnIn: (regions: Regions) => string };
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * The edges: on every region's default bus (where CloudTrail delivers a call, in the region it was made),
 * rules that forward what some detection wants to the hub bus, and nothing else. One target each (the hub
 * bus, through the edge role), with retries and the region's dead-letter queue.
 */
export class Edges extends Construct {
  readonly rules: readonly EventRule[];

  constructor(scope: Construct, id: string, props: EdgesProps) {
    super(scope, id);
    const names = edgeRuleNames(props.namePrefix, { regional: props.patterns, global: props.globalPatterns });
    const make = (regions: Regions, patterns: readonly PatternObject[], base: string, ruleNames: readonly string[]) =>
      patterns.map((pattern, i) => {
        const suffix = i === 0 ? "" : `-${i + 1}`;
        const rule = new EventRule(this, `${base}${suffix}`, {
          placement: regions,
          logicalName: `${base}${suffix}`.replace(/-/g, "_"),
          ruleName: ruleNames[i],
          description: `trailguard edge: forwards CloudTrail calls that a detection watches to the hub bus${base.endsWith("global") ? " (global services, us-east-1 only)" : ""}`,
          eventBusName: "default",
          pattern,
          tags: props.tags,
        });
        rule.addTarget({ suffix: "hub", targetId: "hub", arn: props.hubBusArn, roleArn: props.roleArn, deadLetterQueueArn: props.deadLetterQueue.arnIn(regions) });
        return rule;
      });
    this.rules = [
      ...make(props.regions, props.patterns, "edge", names.regional),
      ...(props.globalRegions ? make(props.globalRegions, props.globalPatterns, "edge-global", names.global) : []),
    ];
  }
}

/**
 * The edge role: EventBridge may assume it for this account's edge rules only, named exactly (a rule on a
 * bus the attacker names `<prefix>-edge-relay` is not one of them), and it may only put events on the hub
 * bus. Its name is what a hub's bus policy admits (`arn:aws:iam::*:role/<prefix>-edge`).
 */
export function edgeRole(
  scope: Construct,
  p: {
    readonly namePrefix: string;
    readonly account: string;
    readonly hubBusArn: string;
    /** What the edges forward (detections/edge.ts edgePlan): the rules' names follow from it. */
    readonly plan: { readonly regional: readonly unknown[]; readonly global: readonly unknown[] };
    readonly tags: Readonly<Record<string, string>>;
  },
): Role {
  const names = edgeRuleNames(p.namePrefix, p.plan);
  return new Role(scope, "edge_role", {
    logicalName: "edge",
    name: `${p.namePrefix}-edge`,
    description: "trailguard: lets the edge rules of every region forward CloudTrail calls to the hub bus",
    trust: eventBridgeTrustPolicy({ sourceArnLike: edgeRuleArns(p.account, [...names.regional, ...names.global]), account: p.account }),
    policyName: "forward-to-hub-bus",
    policy: putEventsPolicy(p.hubBusArn),
    tags: p.tags,
  });
}
