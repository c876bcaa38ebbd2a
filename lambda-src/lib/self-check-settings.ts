/**
 * What the self-check verifies, passed by Terraform as JSON in one environment variable of the heartbeat
 * (TRAILGUARD_SELFCHECK). Built at synth by modules/remediation/self-check.ts from the same names the
 * stack gives its resources: this module is the contract between the two. Not secret: names and
 * regions. In webhook mode the endpoint is the secret, so only its host is checked.
 */

export const SELF_CHECK_ENV = "TRAILGUARD_SELFCHECK";
/**
 * The rules' digests come with the heartbeat's scheduled event, in this field (the schedule target's input
 * transformer writes them): they read ARNs that exist only after apply, and in the Lambda's environment they
 * would hide TRAILGUARD_SELFCHECK from the plan ("known after apply") whenever a target changes.
 */
export const HEARTBEAT_DIGESTS_FIELD = "digests";
export const EVERY_REGION = "every region";

/** The metric the `self-check` alarm watches: namespace, name, and the dimension naming the stack. */
export const SELF_CHECK_METRIC = { namespace: "trailguard", name: "SelfCheckProblems", dimension: "Stack" } as const;

export interface SelfCheckSettings {
  /** The hub bus's name, in the home region. */
  readonly hubBus: string;
  /** Rules on the hub bus and the target IDs each must have. */
  readonly hubRules: Readonly<Record<string, readonly string[]>>;
  /**
   * Edge rules on the default bus and the regions each is in (`"every region"`: all of `regions`); each must
   * target the hub bus (ID "hub").
   */
  readonly edgeRules: Readonly<Record<string, readonly string[] | typeof EVERY_REGION>>;
  readonly connection: string;
  readonly apiDestination: string;
  /** The exact endpoint (chat.postMessage), or the URL prefix of an incoming webhook. */
  readonly endpoint: { readonly equals: string } | { readonly startsWith: string };
  /**
   * The Secrets Manager secret (by name, in the home region) holding the Slack bot token: the heartbeat calls
   * Slack's auth.test with it (slack-probe.ts). Used only when `endpoint` is chat.postMessage: an incoming
   * webhook's failures are HTTP errors, which EventBridge counts itself. Absent: no probe.
   */
  readonly slackProbeSecret?: string;
  /** The dead-letter queue's name, and every region it is in. */
  readonly deadLetterQueue: string;
  readonly regions: readonly string[];
  /**
   * Per rule (hub and edge, by full name), what its event pattern and each target must be, as digests
   * (see self-check-digest.ts): a target re-pointed, re-roled or given another template, or a pattern
   * widened or emptied, is a problem even when the rule is ENABLED with the right target IDs. In
   * the heartbeat's event (HEARTBEAT_DIGESTS_FIELD), keyed by the name after `<hubBus>-` and written as
   * {@link encodeRuleDigests}.
   */
  readonly digests?: Readonly<Record<string, RuleDigests>>;
  /** The alarm topic's name (in the home region): its key, and who is subscribed, are checked. */
  readonly alarmTopic?: string;
  /** The config subscribes an address (alarms.email): no confirmed subscription is a problem. */
  readonly expectSubscriber?: boolean;
  /** From the heartbeat's event: each Lambda (by full name) as Terraform deployed it. */
  readonly functions?: Readonly<Record<string, FunctionExpectation>>;
  /** From the heartbeat's event: the alarm topic's KMS key ARN, which must be its key and Enabled. */
  readonly alarmKey?: string;
}

/** A Lambda as Terraform deployed it: code (CodeSha256), role ARN, a digest of its environment, reserved concurrency (-1: none). */
export interface FunctionExpectation {
  readonly code: string;
  readonly role: string;
  readonly env: string;
  readonly concurrency: number;
}

/** The heartbeat event's fields besides `digests` (see modules/remediation/self-check.ts heartbeatInput). */
export const HEARTBEAT_FUNCTIONS_FIELD = "functions";
export const HEARTBEAT_ALARM_KEY_FIELD = "alarmKey";

/** `<pattern> <target id>=<digest> ...`: a rule's digests in the variable, one short string. */
export const encodeRuleDigests = (d: RuleDigests): string => [d.pattern, ...Object.entries(d.targets).map(([id, x]) => `${id}=${x}`)].join(" ");

function decodeRuleDigests(s: string): RuleDigests | undefined {
  const [pattern, ...targets] = s.split(" ");
  const pairs = targets.map((t) => t.split("="));
  if (!pattern || pairs.some((p) => p.length !== 2 || !p[0] || !p[1])) return undefined;
  return { pattern, targets: Object.fromEntries(pairs) };
}

/** A rule's pattern digest and its targets' digests, by target ID. */
export interface RuleDigests {
  readonly pattern: string;
  readonly targets: Readonly<Record<string, string>>;
}

export class SelfCheckSettingsError extends Error {
  override readonly name = "SelfCheckSettingsError";
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string" && x !== "");
const isListMap = (v: unknown): v is Record<string, string[]> =>
  v !== null && typeof v === "object" && !Array.isArray(v) && Object.values(v).every(isStringList);

/** Parsed by hand (no schema library) to keep the bundle small; synth validated the values already. */
export function parseSelfCheckSettings(json: string | undefined, event: Record<string, unknown> = {}): SelfCheckSettings | undefined {
  const eventDigests = event[HEARTBEAT_DIGESTS_FIELD];
  if (json === undefined || json === "") return undefined;
  let v: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    v = JSON.parse(json);
  } catch {
    throw new SelfCheckSettingsError(`${SELF_CHECK_ENV}: not valid JSON`);
  }
  const fail = (what: string): never => {
    throw new SelfCheckSettingsError(`${SELF_CHECK_ENV}: ${what}`);
  };
  for (const k of ["hubBus", "connection", "apiDestination", "deadLetterQueue"]) {
    if (typeof v?.[k] !== "string" || v[k] === "") fail(`${k} must be a string`);
  }
  if (!isListMap(v.hubRules)) fail("hubRules must map rule names to target IDs");
  const edges = v.edgeRules;
  const edgesOk = edges !== null && typeof edges === "object" && Object.values(edges).every((r) => r === EVERY_REGION || isStringList(r));
  if (!edgesOk) fail(`edgeRules must map rule names to regions or "${EVERY_REGION}"`);
  if (!isStringList(v.regions)) fail("regions must be a list of regions");
  let digests: Record<string, RuleDigests> | undefined;
  if (eventDigests !== undefined) {
    const where = `the heartbeat event's ${HEARTBEAT_DIGESTS_FIELD}`;
    if (eventDigests === null || typeof eventDigests !== "object" || Array.isArray(eventDigests)) throw new SelfCheckSettingsError(`${where}: must map rule names to digests`);
    digests = {};
    for (const [suffix, encoded] of Object.entries(eventDigests)) {
      const d = typeof encoded === "string" ? decodeRuleDigests(encoded) : undefined;
      if (!d) throw new SelfCheckSettingsError(`${where}: ${suffix} must be "<pattern> <target id>=<digest> ..."`);
      digests[`${v.hubBus}-${suffix}`] = d;
    }
  }
  const e = v.endpoint;
  if (!(typeof e?.equals === "string" || typeof e?.startsWith === "string")) fail("endpoint must have equals or startsWith");
  // The Terraform module picks the endpoint at plan and writes the other field as null.
  const endpoint = typeof e.equals === "string" ? { equals: e.equals } : { startsWith: e.startsWith };
  const functions = parseFunctions(event[HEARTBEAT_FUNCTIONS_FIELD], v.hubBus);
  const alarmKey = event[HEARTBEAT_ALARM_KEY_FIELD];
  if (alarmKey !== undefined && typeof alarmKey !== "string") throw new SelfCheckSettingsError(`the heartbeat event's ${HEARTBEAT_ALARM_KEY_FIELD}: must be a key ARN`);
  if (v.alarmTopic !== undefined && typeof v.alarmTopic !== "string") fail("alarmTopic must be a string");
  if (v.slackProbeSecret !== undefined && (typeof v.slackProbeSecret !== "string" || v.slackProbeSecret === "")) fail("slackProbeSecret must be a secret name");
  return { ...v, endpoint, ...(digests ? { digests } : {}), ...(functions ? { functions } : {}), ...(alarmKey ? { alarmKey } : {}) } as SelfCheckSettings;
}

function parseFunctions(raw: unknown, hubBus: string): Record<string, FunctionExpectation> | undefined {
  if (raw === undefined) return undefined;
  const where = `the heartbeat event's ${HEARTBEAT_FUNCTIONS_FIELD}`;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new SelfCheckSettingsError(`${where}: must map function names to what they must be`);
  const out: Record<string, FunctionExpectation> = {};
  for (const [suffix, f] of Object.entries(raw as Record<string, Record<string, unknown>>)) {
    const ok = typeof f?.code === "string" && typeof f.role === "string" && typeof f.env === "string" && typeof f.concurrency === "number";
    if (!ok) throw new SelfCheckSettingsError(`${where}: ${suffix} must be { code, role, env, concurrency }`);
    out[`${hubBus}-${suffix}`] = { code: f.code as string, role: f.role as string, env: f.env as string, concurrency: f.concurrency as number };
  }
  return out;
}

/** The secret to probe Slack with, when the alerts use a bot token (chat.postMessage); undefined for a webhook. */
export const slackProbeSecretOf = (s: SelfCheckSettings): string | undefined => ("equals" in s.endpoint ? s.slackProbeSecret : undefined);

/** The regions an edge rule is in. */
export const edgeRegions = (s: SelfCheckSettings, rule: string): readonly string[] => {
  const r = s.edgeRules[rule];
  return r === EVERY_REGION ? s.regions : (r ?? []);
};
