import { ADJACENT_DETECTIONS } from "./adjacent";
import { CustomRule, customDetection } from "./custom";
import { deliveryDetections } from "./delivery";
import { selfDetections } from "./self";
import { TRAIL_DETECTIONS } from "./trail";
import type { CatalogContext, Detection } from "./types";

export * from "./types";
export * from "./custom";
export { TRAIL_DETECTIONS } from "./trail";
export { ADJACENT_DETECTIONS } from "./adjacent";

/** Every detection trailguard knows, for this deployment's resources, custom rules last. */
export function buildCatalog(ctx: CatalogContext, custom: readonly CustomRule[] = []): Detection[] {
  return [...TRAIL_DETECTIONS, ...deliveryDetections(ctx), ...selfDetections(ctx), ...ADJACENT_DETECTIONS, ...custom.map(customDetection)];
}

/** The built-in ids and families, for config validation. */
export function catalogNames(namePrefix = "trailguard"): { ids: string[]; families: string[] } {
  const all = buildCatalog({ namePrefix, trailBuckets: [], trailKeys: [], trailLogGroups: [], alarmKey: { arn: "arn", id: "id" } });
  return { ids: all.map((d) => d.id), families: [...new Set(all.map((d) => d.family)), "custom"] };
}
