import type { Detection } from "../detections/catalog";
import type { JsonSchema } from "./json-schema";

/**
 * Markdown tables for the README, generated from the code so they cannot drift: config fields from the
 * config schema, variables, outputs and resources from a synthesized stack.
 */


/** Text for a Markdown table cell: pipes escaped, one line. */
export const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function typeOf(s: JsonSchema): string {
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.type === "array") return `list of ${s.items?.type ?? "any"}${s.items?.properties ? "s" : ""}`;
  if (s.type === "object" && !s.properties) return typeof s.additionalProperties === "object" && s.additionalProperties.type === "string" ? "map of string" : "object";
  return (Array.isArray(s.type) ? s.type.join(" or ") : s.type) ?? "any";
}

/** One row per config field, nested objects flattened as `slack.channel`. */
export function configTable(schema: JsonSchema): string {
  const rows: string[] = [];
  const walk = (s: JsonSchema, prefix: string, parentRequired: boolean) => {
    for (const [name, field] of Object.entries(s.properties ?? {})) {
      const path = prefix ? `${prefix}.${name}` : name;
      const required = parentRequired && (s.required ?? []).includes(name) && field.default === undefined;
      const def = field.defaultText ?? (field.default !== undefined ? `\`${JSON.stringify(field.default)}\`` : required ? "required" : "-");
      rows.push(`| \`${path}\` | ${typeOf(field)} | ${cell(def)} | ${cell(field.description ?? "")} |`);
      if (field.properties) walk(field, path, required);
      // An item's own required fields are required in every item, however optional the list is.
      if (field.items?.properties) walk(field.items, `${path}[]`, true);
    }
  };
  walk(schema, "", true);
  return ["| field | type | default | description |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

interface StackJson {
  variable?: Record<string, { type?: string; sensitive?: boolean; description?: string }>;
  output?: Record<string, { description?: string }>;
  resource?: Record<string, Record<string, { for_each?: unknown; region?: unknown }>>;
}

/** Terraform variables of each Slack mode. */
export function variablesTable(byMode: Readonly<Record<string, StackJson>>): string {
  const rows = Object.entries(byMode).flatMap(([mode, stack]) =>
    Object.entries(stack.variable ?? {}).map(
      ([name, v]) =>
        `| \`${name}\` | ${v.type ?? "any"} | ${v.sensitive ? "yes" : "no"} | ${cell(mode)} | ${cell(v.description ?? "")} |`,
    ),
  );
  return ["| variable | type | sensitive | needed when | description |", "| --- | --- | --- | --- | --- |", ...rows].join("\n");
}

export function outputsTable(stack: StackJson): string {
  const rows = Object.entries(stack.output ?? {}).map(([name, o]) => `| \`${name}\` | ${cell(o.description ?? "")} |`);
  return ["| output | description |", "| --- | --- |", ...rows].join("\n");
}

/** The plan addresses one stack creates: edges per region (`["<region>"]`), the hub in the home region, IAM. */
export function resourcesTable(stack: StackJson): string {
  const rows: string[] = [];
  const where = (body: { for_each?: unknown; region?: unknown }) =>
    body.for_each === "${toset(local.global_regions)}"
      ? "edge: us-east-1 only"
      : body.for_each
        ? "edge: each region"
        : typeof body.region === "string"
          ? "hub: home region"
          : "global (IAM)";
  for (const [type, byName] of Object.entries(stack.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      rows.push(`| \`${type}.${name}${body.for_each ? '["<region>"]' : ""}\` | ${where(body)} |`);
    }
  }
  return ["| plan address | where |", "| --- | --- |", ...rows.sort()].join("\n");
}

const BEGIN = (name: string) => `<!-- BEGIN GENERATED: ${name} -->`;
const END = (name: string) => `<!-- END GENERATED: ${name} -->`;

/** Replace each generated section of `readme` (between its markers) with `sections[name]`. */
export function renderGenerated(readme: string, sections: Readonly<Record<string, string>>): string {
  let out = readme;
  for (const [name, body] of Object.entries(sections)) {
    const begin = BEGIN(name);
    const end = END(name);
    const from = out.indexOf(begin);
    const to = out.indexOf(end);
    if (from < 0 || to < from) throw new Error(`README has no ${begin} ... ${end} section`);
    out = `${out.slice(0, from + begin.length)}\n${body}\n${out.slice(to)}`;
  }
  return out;
}

const eventName = (m: unknown) => (typeof m === "string" ? m : `${(m as { prefix: string }).prefix}*`);

/** One row per detection: what it matches, where, and whether it is on by default. */
export function catalogTable(detections: readonly Detection[]): string {
  const rows = detections.map((d) =>
    [
      `\`${d.id}\``,
      d.family,
      cell(d.title),
      d.severity,
      `${d.service}: ${d.eventNames.map(eventName).join(", ")}${d.outcomes === "both" ? " (and refused attempts)" : ""}`,
      d.scope === "global" ? "us-east-1" : "every region",
      d.optIn ? "opt-in" : "default",
      cell(d.why),
    ].join(" | "),
  );
  return ["| id | family | title | severity | events | regions | selection | why it matters |", "| --- | --- | --- | --- | --- | --- | --- | --- |", ...rows.map((r) => `| ${r} |`)].join("\n");
}

/** Each Stratus Red Team technique and the detections that catch it. */
export function stratusTable(detections: readonly Detection[], techniques: readonly string[]): string {
  const rows = techniques.map((t) => {
    const by = detections.filter((d) => d.stratus?.includes(t));
    return `| \`aws.defense-evasion.${t}\` | ${by.map((d) => `\`${d.id}\` (${d.optIn ? "opt-in" : "default"})`).join(", ") || "**none**"} |`;
  });
  return ["| Stratus Red Team technique | caught by |", "| --- | --- |", ...rows].join("\n");
}
