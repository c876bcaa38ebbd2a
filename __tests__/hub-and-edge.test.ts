import { GLOBAL_EVENTS_REGION, parseConfig, TrailguardConfigInput } from "../modules/config";
import { buildCatalog, groupDetections, groupPattern, selectDetections } from "../modules/detections";
import { evaluateInputTransformer } from "../modules/eventbridge/input-transformer";
import { matchesPattern } from "../modules/eventbridge/pattern";
import { asTrailguardOwn, catalogFixtures, CloudTrailEvent, isFailed, readOnly } from "./helpers/fixtures";
import { CHANNEL_CONFIG, synthStack } from "./helpers/synth";

/**
 * An event's journey, evaluated on the synthesized stack: the edge rules of the event's region (on the
 * default bus), the hop to the hub bus, the hub's rules, their Slack targets.
 *
 * Across the hop the event is delivered as it was: EventBridge does not re-wrap an event it sends to
 * another bus, so `source`, `detail-type` and `detail` are unchanged, and `region` still "identifies the
 * AWS Region where the event originated" (EventBridge User Guide, "Amazon EventBridge events",
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html). AWS's cross-Region
 * page states no more than that; the README lists it as a fact to confirm on a live account.
 */

const CONFIG: TrailguardConfigInput = {
  ...CHANNEL_CONFIG,
  detections: { include: ["trail", "delivery", "self", "adjacent", "custom"], exclude: [] },
  rules: [
    { id: "t1-micro", title: "t1.micro launched", severity: "medium", eventSource: "ec2.amazonaws.com", eventNames: ["RunInstances"], match: { requestParameters: { instanceType: ["t1.micro"] } } },
    { id: "root-access-key", title: "Root access key", severity: "critical", eventSource: "iam.amazonaws.com", eventNames: ["CreateAccessKey"], match: { userIdentity: { type: ["Root"] } } },
  ],
};
const stack = synthStack(CONFIG);
const rules = Object.entries<any>(stack.resource.aws_cloudwatch_event_rule);
const targets = Object.values<any>(stack.resource.aws_cloudwatch_event_target);
const HUB = "${aws_cloudwatch_event_bus.hub.name}";
const hubRules = rules.filter(([, r]) => r.event_bus_name === HUB);
/** Edge rules deployed in `region`, read off their for_each local (`regions`, or `global_regions`). */
const edgeRulesIn = (region: string) =>
  rules.filter(([, r]) => {
    const local = /^\$\{toset\(local\.(\w+)\)\}$/.exec(r.for_each ?? "")?.[1];
    return r.event_bus_name === "default" && local !== undefined && stack.locals[local].includes(region);
  });

const config = parseConfig(CONFIG);
const detections = selectDetections(buildCatalog({ namePrefix: "trailguard", trailBuckets: [], trailKeys: [], trailLogGroups: [] }, config.rules as never), config.detections);
/** Detections whose own rule matches the event: what the hub must alert on. */
const claims = (e: CloudTrailEvent) =>
  detections.filter((d) => {
    const [g] = groupDetections([d]);
    const outcome = isFailed(e) ? "failed" : "succeeded";
    return g.outcomes.includes(outcome) && matchesPattern(groupPattern(g, outcome), e);
  });

/**
 * A record as it arrives: trailguard's own resources for self detections; global services in us-east-1;
 * the region invented by an anonymized capture (Stratus's `ap-westeast-2r`) replaced by a real one.
 */
function arriving(e: CloudTrailEvent): CloudTrailEvent {
  const own = asTrailguardOwn(e);
  const global = detections.some((d) => d.scope === "global" && own.source === `aws.${d.service}`);
  if (global) return { ...own, region: GLOBAL_EVENTS_REGION };
  return config.regions.includes(own.region) ? own : { ...own, region: "eu-west-1" };
}

const journeys = catalogFixtures().map(([file, e]) => [file, arriving(e)] as const);
const claimed = journeys.filter(([, e]) => claims(e).length > 0);

test("the fixtures cover every detection family and both scopes", () => {
  const families = new Set(claimed.flatMap(([, e]) => claims(e).map((d) => d.family)));
  expect([...families].sort()).toEqual(["adjacent", "custom", "delivery", "self", "trail"]);
  expect(claimed.some(([, e]) => e.region === GLOBAL_EVENTS_REGION && e.source === "aws.iam")).toBe(true);
});

describe.each(claimed)("%s", (_file, event) => {
  test("an edge rule of its region forwards it to the hub bus", () => {
    const forwarding = edgeRulesIn(event.region).filter(([, r]) => matchesPattern(JSON.parse(r.event_pattern), event));
    expect(forwarding.length).toBeGreaterThan(0);
    for (const [name] of forwarding) {
      expect(targets.find((t) => t.rule === `\${aws_cloudwatch_event_rule.${name}[each.key].name}`)).toMatchObject({ arn: "${aws_cloudwatch_event_bus.hub.arn}" });
    }
  });

  test("on the hub, a rule matches it and posts valid JSON to Slack, to the configured channel", () => {
    const matching = hubRules.filter(([, r]) => matchesPattern(JSON.parse(r.event_pattern), event));
    expect(matching.length).toBeGreaterThan(0);
    for (const [name] of matching) {
      const slack = targets.find((t) => t.rule === `\${aws_cloudwatch_event_rule.${name}.name}` && t.target_id === "slack");
      const transformer = { inputPaths: slack.input_transformer.input_paths, inputTemplate: slack.input_transformer.input_template };
      const payload = JSON.parse(evaluateInputTransformer(transformer, event));
      expect(payload.channel).toBe("C0123ABCDEF");
      expect(payload.blocks.length).toBeGreaterThan(0);
    }
  });

  test("its near miss (the read-only call of the same service) reaches no edge and no hub rule", () => {
    const miss = readOnly(event);
    expect(edgeRulesIn(miss.region).filter(([, r]) => matchesPattern(JSON.parse(r.event_pattern), miss))).toEqual([]);
    expect(hubRules.filter(([, r]) => matchesPattern(JSON.parse(r.event_pattern), miss))).toEqual([]);
  });
});

test("edges (every family on: two regional rules fit the pattern quota): us-east-1 also has the global one, an unconfigured region none", () => {
  expect(edgeRulesIn("us-east-1").map(([n]) => n).sort()).toEqual(["edge", "edge_2", "edge_global"]);
  expect(edgeRulesIn("eu-west-1").map(([n]) => n).sort()).toEqual(["edge", "edge_2"]);
  expect(edgeRulesIn("eu-central-2")).toEqual([]);
});
