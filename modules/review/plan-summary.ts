/**
 * A pull-request comment from `terraform show -json tfplan`: what could switch the alarm off first, then
 * the totals (the plan's own counts), a region × kind table, a picture of the deployment, the alert Slack
 * will show, and the per-resource detail folded away. It prints addresses, actions, attribute names and
 * regions, never an attribute's value: a plan carries the Slack token and webhook URL in clear.
 */
import { evaluateInputTransformer } from "../eventbridge/input-transformer";
import SAMPLE_STOP_LOGGING from "./sample-stop-logging.json";

/** GitHub refuses a comment over 65,536 characters; leave room for a header the workflow adds. */
export const COMMENT_LIMIT = 60_000;

type Action = "create" | "read" | "update" | "delete" | "no-op";

export interface ResourceChange {
  readonly address: string;
  readonly module_address?: string;
  readonly mode: string;
  readonly type: string;
  readonly name: string;
  readonly index?: string | number;
  readonly change: {
    readonly actions: readonly Action[];
    readonly before?: Record<string, unknown> | null;
    readonly after?: Record<string, unknown> | null;
    readonly before_sensitive?: unknown;
    readonly after_sensitive?: unknown;
  };
}

export interface PlanJson {
  readonly format_version?: string;
  readonly resource_changes?: readonly ResourceChange[];
  readonly variables?: Record<string, { value?: unknown }>;
  readonly configuration?: unknown;
}

/** What a resource change does, as terraform counts it. */
export type Verb = "add" | "change" | "destroy" | "replace";

export interface Change {
  readonly address: string;
  readonly type: string;
  readonly verb: Verb;
  /** The instance's region: its `for_each` key, its `region` argument, or "global" for IAM. */
  readonly region: string;
  readonly kind: string;
  /** Names of the attributes an update changes (never their values). */
  readonly attributes: readonly string[];
  /** Why a reviewer must look, when it can switch the alarm off. */
  readonly warning?: string;
}

/** Resource types whose loss or replacement can silence trailguard (plan-summary puts them first). */
const ALERT_PATH: Readonly<Record<string, string>> = {
  aws_cloudwatch_event_rule: "rule",
  aws_cloudwatch_event_target: "target",
  aws_cloudwatch_event_bus: "bus",
  aws_cloudwatch_event_bus_policy: "bus policy",
  aws_cloudwatch_event_connection: "Slack connection",
  aws_cloudwatch_event_api_destination: "Slack API destination",
  aws_lambda_function: "Lambda",
  aws_lambda_permission: "Lambda permission",
  aws_cloudwatch_metric_alarm: "alarm",
  aws_sns_topic: "SNS topic",
  aws_cloudformation_stack_set: "StackSet",
  aws_cloudformation_stack_set_instance: "StackSet instance",
  aws_iam_role: "IAM role",
  aws_iam_role_policy: "IAM role policy",
  aws_kms_key: "KMS key",
};

/**
 * Updates that re-point or weaken the alert path although nothing is destroyed: the attributes, by type,
 * whose change is a warning.
 */
const RISKY_UPDATES: Readonly<Record<string, readonly string[]>> = {
  aws_cloudwatch_event_target: ["arn", "role_arn", "input_transformer", "input_path", "dead_letter_config"],
  aws_cloudwatch_event_bus_policy: ["policy"],
  aws_cloudwatch_event_api_destination: ["invocation_endpoint", "connection_arn"],
  aws_cloudwatch_event_connection: ["auth_parameters", "authorization_type"],
  aws_lambda_function: ["filename", "source_code_hash", "role", "environment", "reserved_concurrent_executions"],
  aws_lambda_permission: ["source_arn", "function_name"],
  aws_iam_role: ["assume_role_policy"],
  aws_iam_role_policy: ["policy"],
  aws_cloudwatch_metric_alarm: ["alarm_actions", "metric_query", "threshold", "comparison_operator"],
  aws_sns_topic: ["kms_master_key_id"],
};

/** At most this many warnings are listed one by one; the rest are counted by kind. */
const LISTED_WARNINGS = 100;

/** The table's columns: a few groups a reviewer can read across 17 regions. */
const KIND: Readonly<Record<string, string>> = {
  aws_cloudwatch_event_rule: "EventBridge",
  aws_cloudwatch_event_target: "EventBridge",
  aws_cloudwatch_event_bus: "EventBridge",
  aws_cloudwatch_event_bus_policy: "EventBridge",
  aws_cloudwatch_event_connection: "Slack",
  aws_cloudwatch_event_api_destination: "Slack",
  aws_lambda_function: "Lambda",
  aws_lambda_permission: "Lambda",
  aws_lambda_function_event_invoke_config: "Lambda",
  aws_cloudwatch_log_group: "Lambda",
  aws_cloudwatch_metric_alarm: "alarms",
  aws_sns_topic: "alarms",
  aws_sns_topic_policy: "alarms",
  aws_sns_topic_subscription: "alarms",
  aws_kms_key: "alarms",
  aws_sqs_queue: "dead letters",
  aws_sqs_queue_policy: "dead letters",
  aws_iam_role: "IAM",
  aws_iam_role_policy: "IAM",
  aws_cloudformation_stack_set: "StackSets",
  aws_cloudformation_stack_set_instance: "StackSets",
};
const KIND_ORDER = ["EventBridge", "Slack", "Lambda", "alarms", "dead letters", "IAM", "StackSets", "other"];

function verbOf(actions: readonly Action[]): Verb | undefined {
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  if (actions.includes("create")) return "add";
  if (actions.includes("delete")) return "destroy";
  if (actions.includes("update")) return "change";
  return undefined;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

function regionOf(c: ResourceChange): string {
  if (typeof c.index === "string" && REGION.test(c.index)) return c.index;
  const declared = (c.change.after ?? c.change.before ?? {}).region;
  if (typeof declared === "string" && REGION.test(declared)) return declared;
  if (c.type.startsWith("aws_iam_")) return "global";
  return "home region";
}

/** Top-level attributes whose values differ (compared as JSON), sorted. */
function changedAttributes(before: Record<string, unknown> | null | undefined, after: Record<string, unknown> | null | undefined): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...keys].filter((k) => JSON.stringify(before?.[k]) !== JSON.stringify(after?.[k])).sort();
}

function warningOf(c: ResourceChange, verb: Verb): string | undefined {
  const what = ALERT_PATH[c.type];
  if (!what) return undefined;
  if (verb === "destroy") return `${what} destroyed`;
  if (verb === "replace") {
    return c.change.actions[0] === "delete" ? `${what} replaced (destroyed, then created: alerts stop in between)` : `${what} replaced (created, then the old one destroyed)`;
  }
  if (verb !== "change") return undefined;
  const before = c.change.before ?? {};
  const after = c.change.after ?? {};
  if (c.type === "aws_cloudwatch_event_rule" && after.state !== undefined && after.state !== before.state && after.state !== "ENABLED") return `rule ${String(after.state).toLowerCase()}`;
  if (c.type === "aws_cloudwatch_event_rule" && after.event_pattern !== before.event_pattern) return "rule pattern changed: it may stop matching";
  const risky = (RISKY_UPDATES[c.type] ?? []).filter((a) => JSON.stringify(before[a]) !== JSON.stringify(after[a]));
  return risky.length > 0 ? `${what} changed: ${risky.join(", ")}` : undefined;
}

/** Every resource change of the plan that does something, with its region, kind and warning. */
export function changesOf(plan: PlanJson): Change[] {
  return (plan.resource_changes ?? []).flatMap((c) => {
    if (c.mode !== "managed") return [];
    const verb = verbOf(c.change.actions);
    if (!verb) return [];
    return [
      {
        address: c.address,
        type: c.type,
        verb,
        region: regionOf(c),
        kind: KIND[c.type] ?? "other",
        attributes: verb === "change" ? changedAttributes(c.change.before, c.change.after) : [],
        warning: warningOf(c, verb),
      },
    ];
  });
}

/** Terraform's own line: a replace counts once as an add and once as a destroy. */
export function totals(changes: readonly Change[]): { add: number; change: number; destroy: number } {
  const n = (v: Verb) => changes.filter((c) => c.verb === v).length;
  return { add: n("add") + n("replace"), change: n("change"), destroy: n("destroy") + n("replace") };
}

const SIGN: Record<Verb, string> = { add: "+", change: "~", destroy: "-", replace: "±" };

function regionTable(changes: readonly Change[]): string {
  const kinds = KIND_ORDER.filter((k) => changes.some((c) => c.kind === k));
  const regions = [...new Set(changes.map((c) => c.region))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const cell = (region: string, kind: string) =>
    (["add", "change", "destroy", "replace"] as const)
      .map((v) => [v, changes.filter((c) => c.region === region && c.kind === kind && c.verb === v).length] as const)
      .filter(([, n]) => n > 0)
      .map(([v, n]) => `${SIGN[v]}${n}`)
      .join(" ");
  return [
    `| region | ${kinds.join(" | ")} |`,
    `| --- | ${kinds.map(() => "---").join(" | ")} |`,
    ...regions.map((r) => `| ${r} | ${kinds.map((k) => cell(r, k)).join(" | ")} |`),
  ].join("\n");
}

const rank = (region: string) => (region === "home region" ? 0 : region === "global" ? 2 : 1);

/** A Mermaid picture of what the plan leaves in place: regions' edges, the hub bus, and what it feeds. */
function deployment(plan: PlanJson): string {
  const after = (plan.resource_changes ?? []).filter((c) => c.mode === "managed" && c.change.after);
  const edgeRegions = [...new Set(after.filter((c) => c.type === "aws_cloudwatch_event_rule" && /(^|\.)edge/.test(c.name) && typeof c.index === "string").map((c) => String(c.index)))].sort();
  const hubRules = after.filter((c) => c.type === "aws_cloudwatch_event_rule" && c.index === undefined && !/heartbeat/.test(c.name)).length;
  const has = (type: string) => after.some((c) => c.type === type);
  const shown = edgeRegions.length > 6 ? [...edgeRegions.slice(0, 5), `… ${edgeRegions.length - 5} more`] : edgeRegions;
  return [
    "```mermaid",
    "flowchart LR",
    `  subgraph edges["edges: ${edgeRegions.length} region${edgeRegions.length === 1 ? "" : "s"}"]`,
    ...shown.map((r, i) => `    e${i}["${r}"]`),
    "  end",
    `  edges -->|"CloudTrail calls a detection watches"| hub[("hub bus")]`,
    `  hub --> rules["${hubRules} hub rules"]`,
    ...(has("aws_cloudwatch_event_api_destination") ? ['  rules --> slack["Slack"]'] : []),
    ...(has("aws_lambda_function") ? ['  rules --> lambda["remediate Lambda"]', "  lambda -->|report| hub"] : []),
    ...(has("aws_sns_topic") ? ['  rules --> sns["SNS alarm topic"]', '  alarms["CloudWatch alarms"] --> sns'] : []),
    "```",
  ].join("\n");
}

/**
 * The alert Slack would show for a sample StopLogging, rendered from the planned tamper rule's own
 * template. The sample is a real record: `__tests__/fixtures/stop-logging-assumed-role.json` (its source is
 * in that folder's README). Undefined when the plan has no tamper target.
 */
export function slackPreview(plan: PlanJson): string | undefined {
  const target = (plan.resource_changes ?? []).find((c) => c.type === "aws_cloudwatch_event_target" && c.name === "tamper_slack" && c.change.after);
  const transformer = (target?.change.after?.input_transformer as { input_paths?: Record<string, string>; input_template?: string }[] | undefined)?.[0];
  if (!transformer?.input_template) return undefined;
  const text = evaluateInputTransformer({ inputPaths: transformer.input_paths ?? {}, inputTemplate: transformer.input_template }, SAMPLE_STOP_LOGGING);
  let payload: { text?: string; blocks?: { type: string; text?: { text?: string }; fields?: { text: string }[] }[] };
  try {
    payload = JSON.parse(text);
  } catch {
    return "**The tamper alert's template does not render valid JSON for a sample StopLogging: Slack would reject it.**";
  }
  const lines = (payload.blocks ?? []).flatMap((b) => [b.text?.text, ...(b.fields ?? []).map((f) => f.text)]).filter((t): t is string => typeof t === "string");
  return [
    "The tamper alert for a sample StopLogging, rendered from this plan's template:",
    "",
    ...lines.map((l) => `> ${l.replace(/\n/g, " · ")}`),
    "",
    "<details><summary>payload sent to Slack</summary>",
    "",
    "```json",
    JSON.stringify(payload, null, 2),
    "```",
    "</details>",
  ].join("\n");
}

export interface SummaryOptions {
  /** Stop at this many characters, cutting the detail (never the warnings). */
  readonly limit?: number;
  /** Resource addresses of an earlier stack (its cdk.tf.json), to name what this one adds and drops. */
  readonly base?: { readonly resource?: Record<string, Record<string, unknown>> };
}

/** The Markdown comment. */
export function planSummary(plan: PlanJson, options: SummaryOptions = {}): string {
  const limit = options.limit ?? COMMENT_LIMIT;
  const changes = changesOf(plan);
  const t = totals(changes);
  const warnings = changes.filter((c) => c.warning);
  const listed = warnings.slice(0, LISTED_WARNINGS);
  const rest = warnings.slice(LISTED_WARNINGS);
  const restByKind = Object.entries(rest.reduce<Record<string, number>>((n, c) => ({ ...n, [c.warning!]: (n[c.warning!] ?? 0) + 1 }), {}));
  const head = [
    "## trailguard plan",
    "",
    warnings.length > 0
      ? [
          `### ⚠️ ${warnings.length} change${warnings.length === 1 ? "" : "s"} that can switch alerts off`,
          "",
          ...listed.map((c) => `- **${c.region}**: \`${c.address}\`: ${c.warning}`),
          ...(rest.length > 0 ? [`- and ${rest.length} more: ${restByKind.map(([w, n]) => `${n} × ${w}`).join("; ")}`] : []),
        ].join("\n")
      : "No change destroys, replaces, disables or re-points a rule, target, bus or its policy, Slack connection or destination, Lambda or its permission, IAM role or policy, alarm, topic, key or StackSet.",
    "",
    `**Plan: ${t.add} to add, ${t.change} to change, ${t.destroy} to destroy.**`,
    "",
    ...(changes.length > 0 ? [regionTable(changes), ""] : []),
    ...(options.base ? [baseComparison(plan, options.base), ""] : []),
    deployment(plan),
    "",
    slackPreview(plan) ?? "",
    "",
  ].join("\n");
  const rows = changes.map((c) => `| ${SIGN[c.verb]} | \`${c.address}\` | ${c.region} | ${c.attributes.join(", ")} |`);
  const open = "<details><summary>every resource change</summary>\n\n| | address | region | attributes changed |\n| --- | --- | --- | --- |\n";
  const close = "\n</details>\n";
  let shown = rows.length;
  const body = () => rows.slice(0, shown).join("\n") + (shown < rows.length ? `\n\n${rows.length - shown} more changes not shown: the comment would pass ${limit} characters. Run the summary locally for all of them.` : "");
  while (shown > 0 && head.length + open.length + body().length + close.length > limit) shown = Math.max(0, shown - Math.max(1, Math.ceil((shown * 0.1))));
  const out = rows.length === 0 ? head : head + open + body() + close;
  // Never over the limit, whatever the plan: the warnings are listed first and counted past a hundred.
  const capped = out.length <= limit ? out : `${out.slice(0, limit - 80)}\n\n(cut at ${limit} characters)\n`;
  return scrub(capped, plan);
}

/** Rules and Lambdas in the new plan's addresses that the base stack lacks, and the reverse. */
function baseComparison(plan: PlanJson, base: NonNullable<SummaryOptions["base"]>): string {
  const before = new Set(Object.entries(base.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((n) => `${type}.${n}`)));
  const after = new Set((plan.resource_changes ?? []).filter((c) => c.mode === "managed" && c.change.after && !c.module_address).map((c) => `${c.type}.${c.name}`));
  const added = [...after].filter((a) => !before.has(a)).sort();
  const dropped = [...before].filter((a) => !after.has(a)).sort();
  const list = (xs: string[]) => (xs.length > 0 ? xs.map((x) => `\`${x}\``).join(", ") : "none");
  return `Compared with the base stack: new ${list(added)}; gone ${list(dropped)}.`;
}

/**
 * Belt and braces: the summary prints addresses, regions and attribute names, never values; still, every
 * sensitive value of the plan (root variables declared sensitive, attributes the plan marks sensitive) is
 * replaced should it ever reach the text. `terraform show -json` holds them in clear.
 */
function scrub(text: string, plan: PlanJson): string {
  // Secrets are long (a token, a URL); a short sensitive constant such as the webhook connection's header
  // value "trailguard" would otherwise blank out the product's name.
  return sensitiveValues(plan)
    .filter((s) => s.length >= 12)
    .sort((a, b) => b.length - a.length)
    .reduce((t, s) => t.split(s).join("(sensitive)"), text);
}

export function sensitiveValues(plan: PlanJson): string[] {
  const config = plan.configuration as { root_module?: { variables?: Record<string, { sensitive?: boolean }> } } | undefined;
  const declared = Object.entries(config?.root_module?.variables ?? {}).filter(([, v]) => v.sensitive).map(([name]) => plan.variables?.[name]?.value);
  const marked = (plan.resource_changes ?? []).flatMap((c) => [...masked(c.change.before, c.change.before_sensitive), ...masked(c.change.after, c.change.after_sensitive)]);
  return [...new Set([...declared, ...marked].flatMap(strings))];
}

/** The values under `true` in a sensitivity mask shaped like the value. */
function masked(value: unknown, mask: unknown): unknown[] {
  if (mask === true) return [value];
  if (mask === null || typeof mask !== "object" || value === null || typeof value !== "object") return [];
  return Object.entries(mask as Record<string, unknown>).flatMap(([k, m]) => masked((value as Record<string, unknown>)[k], m));
}

const strings = (v: unknown): string[] =>
  typeof v === "string" ? [v] : Array.isArray(v) ? v.flatMap(strings) : v !== null && typeof v === "object" ? Object.values(v).flatMap(strings) : [];
