/**
 * Replay events through a synthesized stack, offline: where each lands, which edge and hub rules match it,
 * what every target would receive, and what remediation would decide. The rule language and the input
 * transformer are modules/eventbridge, the same code the tests check against AWS's documentation.
 */
import { gunzipSync } from "node:zlib";
import { parseTamperEvent } from "../../lambda-src/lib/tamper-event";
import { parseSettings, type RemediationSettings } from "../../lambda-src/lib/settings";
import { evaluateInputTransformer } from "../eventbridge/input-transformer";
import { matchesPattern, mismatch } from "../eventbridge/pattern";
import { blockKitProblems } from "../messages/block-kit";
import { structureProblems } from "../eventbridge/payload-structure";

/** Bad input: simulate prints this one line and exits 2. */
export class InputError extends Error {}

export interface Target {
  readonly id: string;
  readonly kind: "slack" | "sns" | "remediate" | "hub bus" | "other";
  readonly transformer?: { readonly inputPaths: Record<string, string>; readonly inputTemplate: string };
}

export interface Rule {
  readonly logicalName: string;
  readonly name: string;
  readonly pattern: Record<string, unknown>;
  /** Regions of an edge rule; undefined for a hub rule (home region, hub bus). */
  readonly regions?: readonly string[];
  readonly targets: readonly Target[];
}

export interface StackModel {
  readonly edges: readonly Rule[];
  readonly hub: readonly Rule[];
  readonly settings?: RemediationSettings;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What only apply knows, and simulate stands in for. */
export interface StandIns {
  /**
   * The alarm topic's KMS key, which the self-alarm-key detection names (`terraform output` or the console
   * shows it after apply).
   * @default "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000000"
   */
  readonly alarmKeyArn?: string;
}

export const DEFAULT_ALARM_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000000";

/**
 * A pattern as AWS receives it: cdk.tf.json escapes `${` and `%{`; the report rule names the hub's
 * account (simulate replays CloudTrail events, never reports, so any stand-in does) and the self rule the
 * alarm key, both known only at apply.
 */
const known = (s: string, standIns: StandIns) => {
  const key = standIns.alarmKeyArn ?? DEFAULT_ALARM_KEY_ARN;
  return s
    .replaceAll("${local.account_id}", "hub-account")
    .replaceAll("${aws_kms_key.alarms.arn}", key)
    .replaceAll("${aws_kms_key.alarms.key_id}", key.slice(key.lastIndexOf("/") + 1));
};
const unescape = (s: string, standIns: StandIns = {}) => known(s, standIns).replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");

/** The rules and targets of a stack synthesized from a config file (`npm start`'s cdk.tf.json). */
export function readStack(stack: Json, standIns: StandIns = {}): StackModel {
  if (stack === null || typeof stack !== "object" || !stack.resource?.aws_cloudwatch_event_rule) {
    throw new InputError("the stack has no EventBridge rules: give the cdk.tf.json npm start writes");
  }
  if (Object.values<Json>(stack.resource.aws_cloudwatch_event_rule).some((r) => /(^|[^$])\$\{/.test(known(String(r.event_pattern ?? ""), standIns)))) {
    throw new InputError("the stack's patterns are computed by Terraform (the module in terraform/?): give a stack synthesized from a config with npm start");
  }
  const locals = stack.locals ?? {};
  const rules: Json = stack.resource?.aws_cloudwatch_event_rule ?? {};
  const targets: Json = stack.resource?.aws_cloudwatch_event_target ?? {};
  const listOf = (forEach: unknown): string[] | undefined => {
    const m = /local\.([a-z_]+)/.exec(String(forEach ?? ""));
    return m ? (locals[m[1]] as string[]) : undefined;
  };
  const kindOf = (arn: string): Target["kind"] =>
    arn.includes("aws_cloudwatch_event_api_destination.") ? "slack" : arn.includes("aws_sns_topic.") ? "sns" : arn.includes("aws_lambda_function.remediate") ? "remediate" : arn.includes("aws_cloudwatch_event_bus.") ? "hub bus" : "other";
  const model = Object.entries(rules)
    .filter(([, r]) => typeof r.event_pattern === "string")
    .map(([logicalName, r]): Rule => {
      const own = Object.values(targets).filter((t: Json) => new RegExp(`aws_cloudwatch_event_rule\\.${logicalName}[.\\[,)]`).test(String(t.rule)));
      return {
        logicalName,
        name: String(r.name),
        pattern: JSON.parse(unescape(r.event_pattern, standIns)),
        regions: r.event_bus_name === "default" ? listOf(r.for_each) : undefined,
        targets: own.map((t: Json) => ({
          id: String(t.target_id),
          kind: kindOf(String(t.arn)),
          transformer: t.input_transformer ? { inputPaths: t.input_transformer.input_paths ?? {}, inputTemplate: unescape(t.input_transformer.input_template) } : undefined,
        })),
      };
    });
  const env = stack.resource?.aws_lambda_function?.remediate?.environment?.variables?.TRAILGUARD_SETTINGS;
  return {
    edges: model.filter((r) => r.regions !== undefined),
    hub: model.filter((r) => r.regions === undefined),
    settings: typeof env === "string" && !env.includes("${") ? parseSettings(env) : undefined,
  };
}

/** CloudTrail's event types, as EventBridge names them in `detail-type` (EventBridge User Guide, "Events from AWS services"). */
const DETAIL_TYPE: Record<string, string> = {
  AwsApiCall: "AWS API Call via CloudTrail",
  AwsConsoleAction: "AWS Console Action via CloudTrail",
  AwsConsoleSignIn: "AWS Console Sign In via CloudTrail",
  AwsServiceEvent: "AWS Service Event via CloudTrail",
  AwsCloudTrailInsight: "AWS Insight via CloudTrail",
};

/** A CloudTrail record as EventBridge delivers it: the record is `detail`, the envelope says where and when. */
export function envelope(record: Json, n = 0): Json {
  const source = `aws.${String(record.eventSource ?? "").split(".")[0]}`;
  return {
    version: "0",
    id: `simulated-${record.eventID ?? n}`,
    "detail-type": DETAIL_TYPE[record.eventType] ?? DETAIL_TYPE.AwsApiCall,
    source,
    account: record.recipientAccountId ?? record.userIdentity?.accountId ?? "000000000000",
    time: record.eventTime,
    region: record.awsRegion,
    resources: [],
    detail: record,
  };
}

/** The events in a file's bytes: an EventBridge event, a bare CloudTrail record, or a log file (`{"Records": [...]}`, gzip or not). */
/** Larger inputs are refused rather than crashing node's string limit. */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

export function readEvents(bytes: Buffer): { kind: "event" | "record" | "log file"; events: Json[] } {
  if (bytes.length > MAX_INPUT_BYTES) throw new InputError(`the file is over ${MAX_INPUT_BYTES / 1024 / 1024} MB; split it`);
  let text: string;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      text = gunzipSync(bytes, { maxOutputLength: MAX_INPUT_BYTES }).toString("utf8");
    } catch (e) {
      const tooBig = (e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE";
      throw new InputError(tooBig ? `the file decompresses to over ${MAX_INPUT_BYTES / 1024 / 1024} MB; split it` : "the file starts like gzip but does not decompress");
    }
  } else {
    text = bytes.toString("utf8");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError("the file is not JSON");
  }
  const isObj = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObj(value) && Array.isArray(value.Records)) {
    if (!value.Records.every((r: unknown) => isObj(r) && typeof r.eventName === "string")) throw new InputError("Records holds something that is not a CloudTrail record");
    return { kind: "log file", events: value.Records.map((r: Json, i: number) => envelope(r, i)) };
  }
  if (isObj(value) && typeof value["detail-type"] === "string" && isObj(value.detail)) {
    if (typeof value.region !== "string" || typeof value.account !== "string") throw new InputError("the event has no region or account");
    return { kind: "event", events: [value] };
  }
  if (isObj(value) && typeof value.eventName === "string" && typeof value.eventSource === "string") return { kind: "record", events: [envelope(value)] };
  throw new InputError("not an EventBridge event, a CloudTrail record or a CloudTrail log file ({\"Records\": [...]})");
}

export interface TargetResult {
  readonly id: string;
  readonly kind: Target["kind"];
  /** What the target receives. */
  readonly payload?: string;
  /** For Slack: whether it is JSON, and what Slack would refuse. */
  readonly validJson?: boolean;
  readonly slackProblems?: readonly string[];
  /**
   * Where the payload left its template's structure: a duplicate key (the last one wins: a re-pointed
   * channel), a key or channel the template does not have. Empty for a payload that kept it.
   */
  readonly structure?: readonly string[];
  /** For the remediate Lambda: what it would decide (no AWS call is made). */
  readonly remediation?: string;
}

export interface RuleResult {
  readonly rule: string;
  readonly matched: boolean;
  /** With explain: the first field that failed. */
  readonly why?: string;
  readonly targets: readonly TargetResult[];
}

export interface EventResult {
  readonly id: string;
  readonly eventName: string;
  readonly region: string;
  readonly edges: readonly RuleResult[];
  /** True when an edge forwarded it to the hub bus (events of the hub's own region go through its edge too). */
  readonly forwarded: boolean;
  readonly hub: readonly RuleResult[];
  /** Why the event reaches no rule at all, when EventBridge would not deliver it. */
  readonly note?: string;
}

/** One event through the stack: its region's edges, then (if forwarded) every hub rule. */
export function simulateEvent(model: StackModel, event: Json, explain = false): EventResult {
  const region = String(event.region);
  // Read-only management events reach only rules in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS
  // (EventBridge User Guide, "Receiving read-only management events from AWS services"); trailguard's are ENABLED.
  if (event.detail?.readOnly === true) {
    return { id: String(event.id), eventName: String(event.detail?.eventName), region, edges: [], forwarded: false, hub: [], note: "a read-only call: EventBridge does not deliver it to rules in state ENABLED" };
  }
  const test = (r: Rule, withTargets: boolean): RuleResult => {
    const matched = matchesPattern(r.pattern, event);
    return {
      rule: r.name,
      matched,
      ...(explain && !matched ? { why: mismatch(r.pattern, event) } : {}),
      targets: matched && withTargets ? r.targets.map((t) => deliver(t, event, model.settings)) : [],
    };
  };
  const edges = model.edges.filter((r) => r.regions?.includes(region)).map((r) => test(r, false));
  const forwarded = edges.some((e) => e.matched);
  // EventBridge keeps an event's `region` when a rule forwards it to a bus in another region (see README, Known limits).
  const hub = forwarded ? model.hub.map((r) => test(r, true)) : [];
  return { id: String(event.id), eventName: String(event.detail?.eventName), region, edges, forwarded, hub };
}

function deliver(t: Target, event: Json, settings: RemediationSettings | undefined): TargetResult {
  if (t.kind === "remediate") return { id: t.id, kind: t.kind, remediation: remediationPlan(event, settings) };
  if (!t.transformer) return { id: t.id, kind: t.kind };
  const payload = evaluateInputTransformer(t.transformer, event);
  const structure = structureProblems(t.transformer, payload);
  if (t.kind !== "slack") return { id: t.id, kind: t.kind, payload, structure };
  try {
    return { id: t.id, kind: t.kind, payload, validJson: true, slackProblems: blockKitProblems(JSON.parse(payload)), structure };
  } catch {
    return { id: t.id, kind: t.kind, payload, validJson: false, slackProblems: ["not JSON"], structure };
  }
}

/**
 * What the remediate Lambda would decide for this event, from the event and the stack's settings alone
 * (lambda-src/lib/remediate.ts `decide`); the checks it makes against the trail itself are named, not run.
 */
export function remediationPlan(event: Json, settings: RemediationSettings | undefined): string {
  const parsed = parseTamperEvent(event);
  if (!parsed.ok) return `log and drop: ${parsed.reason}`;
  const ev = parsed.event;
  if (ev.errorCode) return `nothing to undo: the call failed (${ev.errorCode})`;
  if (!ev.trail) return "skip: trailguard does not restore CloudTrail Lake event data stores";
  if (!settings) return "unknown: the stack's remediation settings are not readable here";
  if (settings.mode === "off") return "skip: remediation mode is off";
  const region = ev.trail.region ?? ev.region;
  const good = settings.trails.find((t) => t.name === ev.trail!.name && (ev.trail!.region === undefined || t.homeRegion === ev.trail!.region));
  const dry = settings.mode === "dry-run" ? "report what it would do (dry run): " : "";
  if (ev.eventName === "DeleteTrail") {
    if (!good) return "skip: the deleted trail is not in trailguard's config";
    return settings.recreateDeletedTrails
      ? `${dry}re-create ${good.name} in ${good.homeRegion} from its known-good settings, then StartLogging`
      : `skip: ${good.name} is not re-created (recreateDeletedTrails is off); the report says so`;
  }
  if (good) return `${dry}read ${good.name} in ${good.homeRegion}, restore what differs from its known-good settings, StartLogging if it is off`;
  return settings.unlistedTrails === "restart"
    ? `${dry}read ${ev.trail.name} in ${region}; StartLogging if it is off (not in the config: nothing else is checked)`
    : `skip: ${ev.trail.name} is not in trailguard's config (unlistedTrails is report)`;
}

export interface Totals {
  readonly events: number;
  /** "rule region" -> alerts (Slack payloads) sent. */
  readonly alerts: Readonly<Record<string, number>>;
  readonly rejected: number;
  readonly seconds: number;
}

/** The log file's table: alerts per rule and region, payloads Slack would refuse. */
export function totalsOf(results: readonly EventResult[], seconds: number): Totals {
  const alerts: Record<string, number> = {};
  let rejected = 0;
  for (const r of results) {
    for (const rule of r.hub) {
      for (const t of rule.targets) {
        if (t.kind !== "slack") continue;
        alerts[`${rule.rule} ${r.region}`] = (alerts[`${rule.rule} ${r.region}`] ?? 0) + 1;
        if (!t.validJson || (t.slackProblems ?? []).length > 0 || (t.structure ?? []).length > 0) rejected++;
      }
    }
  }
  return { events: results.length, alerts, rejected, seconds };
}

/** Human-readable output for one event. */
export function formatEvent(r: EventResult, n: number): string {
  const lines = [`event ${n}: ${r.eventName} in ${r.region} (${r.id})`];
  if (r.note) return [...lines, `  ${r.note}`].join("\n");
  for (const e of r.edges) lines.push(`  edge ${e.rule} (${r.region}): ${e.matched ? "forwards it to the hub bus" : "no match"}${e.why ? ` (${e.why})` : ""}`);
  if (r.edges.length === 0) lines.push(`  no edge rule in ${r.region}: the event goes nowhere`);
  for (const h of r.hub) {
    lines.push(`  hub ${h.rule}: ${h.matched ? "matches" : "no match"}${h.why ? ` (${h.why})` : ""}`);
    for (const t of h.targets) {
      if (t.remediation) lines.push(`    -> ${t.id}: ${t.remediation}`);
      else if (t.kind === "slack") lines.push(`    -> ${t.id}: ${t.validJson ? "valid JSON" : "NOT JSON"}${(t.slackProblems ?? []).length ? `; Slack would refuse it: ${t.slackProblems!.join("; ")}` : ", within Block Kit limits"}`, `       ${t.payload}`);
      else lines.push(`    -> ${t.id} (${t.kind})${t.payload ? `: ${t.payload}` : ""}`);
      if ((t.structure ?? []).length > 0) lines.push(`       FORGED OR BROKEN: the payload left its template's structure: ${t.structure!.join("; ")}`);
    }
  }
  return lines.join("\n");
}

export function formatTotals(t: Totals): string {
  const rows = Object.entries(t.alerts).sort(([a], [b]) => a.localeCompare(b));
  return [
    `events read: ${t.events}`,
    `payloads Slack would reject: ${t.rejected}`,
    `events per second: ${t.seconds > 0 ? Math.round(t.events / t.seconds) : t.events}`,
    "",
    "rule                                      region          alerts",
    ...rows.map(([key, n]) => {
      const [rule, region] = key.split(" ");
      return `${rule.padEnd(42)}${region.padEnd(16)}${n}`;
    }),
  ].join("\n");
}
