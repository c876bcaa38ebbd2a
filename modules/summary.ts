/**
 * A short, human summary of a synthesized stack (cdk.tf.json), read back from the JSON itself so it
 * reports what Terraform will see, not what the constructs meant to write.
 */

interface StackJson {
  readonly locals?: Record<string, unknown>;
  readonly resource?: Record<string, Record<string, { readonly for_each?: unknown; readonly region?: unknown }>>;
}

export interface StackSummary {
  /** Resources per region, as `type.name` addresses without the key. */
  readonly perRegion: ReadonlyMap<string, readonly string[]>;
  /** Resources in no region (IAM). A single resource with a literal `region` counts in that region. */
  readonly global: readonly string[];
  readonly total: number;
}

/** Regions a resource is instanced in: `${toset(local.X)}` resolves against the stack's locals. */
function regionsOf(forEach: unknown, locals: Record<string, unknown>): readonly string[] | undefined {
  if (forEach === undefined) return undefined;
  const m = typeof forEach === "string" ? /^\$\{toset\(local\.([A-Za-z0-9_]+)\)\}$/.exec(forEach) : null;
  const list = m ? locals[m[1]] : undefined;
  if (!Array.isArray(list)) throw new Error(`cannot summarize for_each ${JSON.stringify(forEach)}`);
  return list as string[];
}

export function summarizeStack(stack: StackJson): StackSummary {
  const perRegion = new Map<string, string[]>();
  const global: string[] = [];
  let total = 0;
  for (const [type, byName] of Object.entries(stack.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const single = typeof body.region === "string" && !body.region.includes("${") ? [body.region] : undefined;
      const regions = regionsOf(body.for_each, stack.locals ?? {}) ?? single;
      if (!regions) {
        global.push(`${type}.${name}`);
        total += 1;
        continue;
      }
      for (const region of regions) {
        if (!perRegion.has(region)) perRegion.set(region, []);
        perRegion.get(region)!.push(`${type}.${name}`);
      }
      total += regions.length;
    }
  }
  return { perRegion, global, total };
}

const countOf = (addresses: readonly string[], type: string) =>
  addresses.filter((a) => a.startsWith(`${type}.`)).length;

/** The table `npm start` prints: one row per region, then the global resources and the total. */
export function formatSummary(summary: StackSummary): string {
  const rows = [...summary.perRegion.entries()].map(([region, addrs]) => [
    region,
    String(countOf(addrs, "aws_cloudwatch_event_rule")),
    String(countOf(addrs, "aws_cloudwatch_event_target")),
    String(addrs.length),
  ]);
  const header = ["region", "rules", "targets", "resources"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  const sum = (i: number) => rows.reduce((n, r) => n + Number(r[i]), 0);
  return [
    line(header),
    ...rows.map(line),
    `${summary.perRegion.size} regions: ${sum(1)} rules, ${sum(2)} targets, ${sum(3)} regional resources`,
    `global: ${summary.global.length} (${summary.global.join(", ")})`,
    `total: ${summary.total} resources`,
  ].join("\n");
}
