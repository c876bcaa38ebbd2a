import { GLOBAL_EVENTS_REGION } from "../config/regions";
import type { Detection } from "./catalog";
import { CLOUDTRAIL_DETAIL_TYPE, Matcher, PatternObject } from "./event-pattern";

/**
 * What an edge forwards to the hub: CloudTrail calls of the services and event names some selected
 * detection watches, and nothing else. Edges filter by service and name only; the hub's rules apply each
 * detection's full pattern (the trail's own bucket, trailguard's own resources, the call's outcome).
 * A service's clause is exact on names, so nothing unrelated is forwarded (and billed).
 *
 * EventBridge allows 2,048 characters in an event pattern (EventBridge quotas,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html): clauses are packed into as few
 * patterns as fit, in a stable order, so a plan changes only where the selection changed.
 */
export const EVENT_PATTERN_MAX_CHARS = 2048;

interface Clause {
  readonly source: readonly string[];
  readonly detail: { readonly eventName: readonly Matcher[] };
}

const key = (m: Matcher) => JSON.stringify(m);

function serviceClauses(detections: readonly Detection[]): Clause[] {
  const byService = new Map<string, Map<string, Matcher>>();
  for (const d of detections) {
    const names = byService.get(d.service) ?? new Map<string, Matcher>();
    for (const m of d.eventNames) names.set(key(m), m);
    byService.set(d.service, names);
  }
  return [...byService.keys()].sort().map((service) => ({
    source: [`aws.${service}`],
    detail: { eventName: [...byService.get(service)!.values()] },
  }));
}

/** One pattern over the clauses: `$or` needs at least two. */
function patternOf(clauses: readonly Clause[]): PatternObject {
  if (clauses.length === 1) return { source: clauses[0].source, "detail-type": [CLOUDTRAIL_DETAIL_TYPE], detail: clauses[0].detail };
  return { "detail-type": [CLOUDTRAIL_DETAIL_TYPE], $or: clauses.map((c) => ({ source: c.source, detail: c.detail })) };
}

/**
 * The fewest edge patterns (greedy, in service order) that cover `detections`, each within `maxChars`.
 * A single service whose names alone exceed the limit throws, naming it.
 */
export function edgePatterns(detections: readonly Detection[], maxChars = EVENT_PATTERN_MAX_CHARS): PatternObject[] {
  const packs: Clause[][] = [];
  for (const clause of serviceClauses(detections)) {
    const last = packs[packs.length - 1];
    if (last && JSON.stringify(patternOf([...last, clause])).length <= maxChars) {
      last.push(clause);
      continue;
    }
    const alone = JSON.stringify(patternOf([clause])).length;
    if (alone > maxChars) {
      throw new Error(
        `the edge pattern for ${clause.source[0]} is ${alone} characters; EventBridge allows ${maxChars} in an event pattern (watch fewer event names of that service)`,
      );
    }
    packs.push([clause]);
  }
  return packs.map(patternOf);
}

/**
 * The edge rules' names, in the order of their patterns: `<prefix>-edge`, `<prefix>-edge-2`, ... and
 * `<prefix>-edge-global`, ... The edge role trusts exactly these (see iam/eventbridge-role.ts), so the
 * Terraform edges and the member accounts' templates name them here, once.
 */
export function edgeRuleNames(namePrefix: string, plan: { readonly regional: readonly unknown[]; readonly global: readonly unknown[] }): { readonly regional: string[]; readonly global: string[] } {
  const names = (base: string, n: number) => Array.from({ length: n }, (_, i) => `${namePrefix}-${base}${i === 0 ? "" : `-${i + 1}`}`);
  return { regional: names("edge", plan.regional.length), global: names("edge-global", plan.global.length) };
}

/**
 * What the edges of a deployment forward: the regional detections' patterns, for every region; the
 * global-service ones, for us-east-1 alone (where those services deliver), when it is configured.
 */
export function edgePlan(detections: readonly Detection[], regions: readonly string[]): { readonly regional: PatternObject[]; readonly global: PatternObject[] } {
  return {
    regional: edgePatterns(detections.filter((d) => d.scope === "regional")),
    global: regions.includes(GLOBAL_EVENTS_REGION) ? edgePatterns(detections.filter((d) => d.scope === "global")) : [],
  };
}
