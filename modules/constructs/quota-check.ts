import type { Construct } from "constructs";
import { TerraformStack } from "../cdk";
import { describeProblem, preflight } from "../quotas";
import type { Assumptions } from "../quotas/worst-case";

/**
 * Before anything is written, no document of `scope`'s may break an AWS quota at apply (quotas/preflight.ts),
 * measured with the longest of `regions` and whatever else `assume` says. Only `scope`'s own resources are
 * measured: a caller's own resources are theirs.
 */
export function checkQuotasAtSynth(scope: Construct, regions: readonly string[], assume: Omit<Assumptions, "longestRegion"> = {}): void {
  const longestRegion = [...regions].sort((a, b) => b.length - a.length)[0];
  scope.node.addValidation({
    validate: () => preflight(ownResources(TerraformStack.of(scope).toTerraform(), scope.node.path), { ...assume, longestRegion }).map(describeProblem),
  });
}

/** The stack's JSON with only the resources synthesized under `path` (their `//` metadata names it). */
function ownResources(stack: Record<string, any>, path: string): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const resource = Object.fromEntries(
    Object.entries<Record<string, any>>(stack.resource ?? {}) // eslint-disable-line @typescript-eslint/no-explicit-any
      .map(([type, byName]) => [type, Object.fromEntries(Object.entries(byName).filter(([, body]) => String(body["//"]?.metadata?.path ?? "").startsWith(`${path}/`)))])
      .filter(([, byName]) => Object.keys(byName).length > 0),
  );
  return { ...stack, resource };
}
