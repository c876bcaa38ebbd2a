import type { EventField } from "../messages";
import { GLOBAL_EVENTS_REGION } from "../config/regions";
import { EVENT_PATTERN_MAX_CHARS } from "./edge";
import { CallOutcome, CLOUDTRAIL_DETAIL_TYPE, cloudTrailCallPattern, Matcher, PatternObject } from "./event-pattern";
import type { Detection, Family, Severity } from "./catalog";

/**
 * Few rules, readable plans: detections of one family (and scope) share a rule, whatever their number, so
 * each region has a small, constant number of rules. Every detection in a group has the same severity,
 * and the alert names the group, the event and the detection ids.
 */

/** Families on by default; "adjacent" is opt-in. Custom rules are on once written. */
export const DEFAULT_INCLUDE: readonly string[] = ["trail", "delivery", "self", "custom"];

export interface Selection {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

/** Detections named (by id or family) in `include` and not in `exclude`. */
export function selectDetections(catalog: readonly Detection[], sel: Selection): Detection[] {
  const named = (list: readonly string[], d: Detection) => list.includes(d.id) || list.includes(d.family);
  return catalog.filter((d) => d.family === "trail" || (named(sel.include, d) && !named(sel.exclude, d)));
}

export interface DetectionGroup {
  /** "trail", "delivery", "adjacent-global", "custom-t2-micro": rule names are `<prefix>-<key>`. */
  readonly key: string;
  /** Terraform name: aws_cloudwatch_event_rule.<logicalName>["eu-west-1"]. */
  readonly logicalName: string;
  readonly title: string;
  readonly family: Family;
  readonly severity: Severity;
  readonly scope: "regional" | "global";
  /** One rule per outcome: refused attempts get their own rule and template. */
  readonly outcomes: readonly Exclude<CallOutcome, "any">[];
  readonly detections: readonly Detection[];
  readonly resource: readonly EventField[];
}

const GROUP_TITLES: Partial<Record<Family, string>> = {
  trail: "CloudTrail trail tampering",
  delivery: "Trail delivery path weakened (bucket, key or log group)",
  self: "trailguard itself changed",
  adjacent: "Other security logging turned off",
};
// The first slice named these rules; keeping the names keeps existing plans stable.
const TRAIL_NAMES = { logicalName: "tamper", key: "cloudtrail-tamper" };

export function groupDetections(selected: readonly Detection[]): DetectionGroup[] {
  const byKey = new Map<string, Detection[]>();
  for (const d of selected) {
    const key = d.family === "custom" ? `custom-${d.id}` : `${d.family}${d.scope === "global" ? "-global" : ""}`;
    byKey.set(key, [...(byKey.get(key) ?? []), d]);
  }
  return [...byKey.entries()].flatMap(([key, detections]) => fitToPatternQuota(makeGroup(key, detections)));
}

function makeGroup(key: string, detections: readonly Detection[], part = 1): DetectionGroup {
  const [first] = detections;
  for (const d of detections) {
    if (d.severity !== first.severity || d.outcomes !== first.outcomes) {
      throw new Error(`detections ${first.id} and ${d.id} share rule ${key} but differ in severity or outcomes`);
    }
  }
  const resource = [...new Map(detections.flatMap((d) => d.resource).map((f) => [f.path, f])).values()];
  const trail = first.family === "trail";
  const base = trail ? TRAIL_NAMES : { key, logicalName: key.replace(/-/g, "_") };
  const suffix = part === 1 ? "" : `-${part}`;
  return {
    key: `${base.key}${suffix}`,
    logicalName: `${base.logicalName}${suffix.replace("-", "_")}`,
    title: detections.length === 1 && !trail ? first.title : (GROUP_TITLES[first.family] ?? first.title),
    family: first.family,
    severity: first.severity,
    scope: first.scope,
    outcomes: first.outcomes === "both" ? ["succeeded", "failed"] : ["succeeded"],
    detections,
    resource,
  };
}

const fits = (g: DetectionGroup) => g.outcomes.every((o) => JSON.stringify(groupPattern(g, o)).length <= EVENT_PATTERN_MAX_CHARS);

/**
 * A group whose pattern is over EventBridge's 2,048 characters becomes several rules (`self`, `self_2`),
 * detections packed in catalog order. A single detection too long on its own stays, and the synth-time
 * quota check names its rule.
 */
function fitToPatternQuota(group: DetectionGroup): DetectionGroup[] {
  if (fits(group)) return [group];
  const packs: Detection[][] = [];
  for (const d of group.detections) {
    const last = packs[packs.length - 1];
    if (last && fits(makeGroup(group.key, [...last, d]))) last.push(d);
    else packs.push([d]);
  }
  return packs.map((detections, i) => makeGroup(group.key, detections, i + 1));
}

/** The rule pattern of a group for one outcome: one clause per service and filter, `$or` between them. */
export function groupPattern(group: DetectionGroup, outcome: Exclude<CallOutcome, "any">): PatternObject {
  const clauses = new Map<string, { service: string; detail?: PatternObject; eventNames: Matcher[] }>();
  for (const d of group.detections) {
    const k = `${d.service} ${JSON.stringify(d.detail ?? null)}`;
    const c = clauses.get(k) ?? { service: d.service, detail: d.detail, eventNames: [] };
    c.eventNames.push(...d.eventNames);
    clauses.set(k, c);
  }
  const patterns = [...clauses.values()].map((c) => cloudTrailCallPattern({ ...c, outcome }));
  if (patterns.length === 1) return patterns[0];
  return { "detail-type": [CLOUDTRAIL_DETAIL_TYPE], $or: patterns.map(({ source, detail }) => ({ source, detail }) as PatternObject) };
}

/** Regions that get the group's rules; global services deliver to us-east-1 only. */
export function groupRegions(group: DetectionGroup, regions: readonly string[]): string[] {
  if (group.scope === "regional") return [...regions];
  return regions.includes(GLOBAL_EVENTS_REGION) ? [GLOBAL_EVENTS_REGION] : [];
}

/** Synth warnings: a selected global detection with nowhere to live. */
export function selectionWarnings(groups: readonly DetectionGroup[], regions: readonly string[]): string[] {
  return groups
    .filter((g) => g.scope === "global" && groupRegions(g, regions).length === 0)
    .map(
      (g) =>
        `detections ${g.detections.map((d) => d.id).join(", ")} watch a global service, whose events arrive only in ${GLOBAL_EVENTS_REGION}; ${GLOBAL_EVENTS_REGION} is not in regions, so they get no rule`,
    );
}

/** The groups that get hub rules in these regions, and a warning for each selected group that cannot. */
export function plannedGroups(catalog: readonly Detection[], selection: Parameters<typeof selectDetections>[1], regions: readonly string[]): { readonly groups: DetectionGroup[]; readonly warnings: string[] } {
  const all = groupDetections(selectDetections(catalog, selection));
  return { groups: all.filter((g) => groupRegions(g, regions).length > 0), warnings: selectionWarnings(all, regions) };
}
