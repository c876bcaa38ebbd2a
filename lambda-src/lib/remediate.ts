import { awsError, Clients, describeTrail, eventSelectors, execute, sendReport, SESSION_PREFIX, sessionName, trailStatus } from "./aws";
import { callSignal, Clock, RetryableFailure } from "./budget";
import type { Logger } from "./log";
import { describeStep, driftNeedingAHuman, planReconcile, planRecreate, type Step, TrailState, uncheckedSettings } from "./reconcile";
import type { RemediationRoleCall, Report } from "./report";
import type { KnownGoodTrail, RemediationSettings } from "./settings";
import { parseTamperEvent, RoleSession, TamperEvent, trailArn } from "./tamper-event";

export interface Deps {
  readonly settings: RemediationSettings;
  readonly clients: Clients;
  readonly log: Logger;
  readonly now: () => Date;
  /** The invocation's remaining time: every AWS call is bounded by it. */
  readonly clock: Clock;
  /** When each trail was last reported (this container's memory, which reserved concurrency makes one). */
  readonly incidents: Map<string, number>;
  /** The Lambda's own account (from its ARN); undefined when unknown, and then every trail counts as its own. */
  readonly ownAccount?: string;
}

type Outcome = Pick<Report, "result" | "actions" | "reason" | "errorCode" | "retryable" | "trailRegion" | "blindWindowSeconds" | "unchecked">;

/** The report of a failed call: its AWS error, and whether trying again later may help. */
const failed = (e: unknown, extra: Partial<Outcome> = {}): Outcome => {
  const { code, message, retryable } = awsError(e);
  return { result: "failed", actions: [], errorCode: code, reason: message, ...(retryable ? { retryable } : {}), ...extra };
};

const seconds = (from: Date, to: Date) => Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));

/**
 * Carry out (enforce) or list (dry run) the steps in the trail's home region. Stops at the first failure,
 * which is reported with AWS's error code, never rethrown: a retry would fail the same way.
 */
export async function runSteps(deps: Deps, region: string, trailArn: string, steps: readonly Step[]): Promise<Outcome> {
  const actions = steps.map(describeStep);
  if (steps.length === 0) return { result: "compliant", actions, trailRegion: region };
  if (deps.settings.mode !== "enforce") return { result: "planned", actions, trailRegion: region };
  for (const [i, step] of steps.entries()) {
    try {
      await execute(deps.clients, region, trailArn, step);
    } catch (e) {
      return failed(e, { actions: actions.slice(0, i + 1), trailRegion: region });
    }
  }
  return { result: "restored", actions, trailRegion: region };
}

/** Inspect an existing, listed trail and bring it back to its known-good settings. */
export async function reconcileTrail(deps: Deps, trail: TrailState, good: KnownGoodTrail): Promise<Outcome> {
  const [status, selectors] = await Promise.all([trailStatus(deps.clients, trail), eventSelectors(deps.clients, trail)]);
  const outcome = await runSteps(deps, trail.homeRegion, trail.arn, planReconcile(trail, status.isLogging, selectors, good));
  const blind = !status.isLogging && status.stopLoggingTime ? seconds(status.stopLoggingTime, deps.now()) : undefined;
  const human = driftNeedingAHuman(trail, good);
  if (human.length > 0 && outcome.result !== "failed") {
    // What could be restored was; what is left is a weakening nobody has undone: a failure to look at.
    return { ...outcome, result: "failed", errorCode: "DriftNeedsAHuman", reason: human.join("; "), blindWindowSeconds: blind };
  }
  // Nothing checked drifted: the report names what was not checked, so it does not vouch for it.
  return { ...outcome, blindWindowSeconds: blind, ...(outcome.result === "compliant" ? { unchecked: uncheckedSettings(good) } : {}) };
}

/**
 * A trail the config does not list: logging is turned back on (a no-regret action that needs no known-good
 * settings), and nothing else is checked or changed.
 */
async function restartOnly(deps: Deps, trail: TrailState): Promise<Outcome> {
  const status = await trailStatus(deps.clients, trail);
  const note = "not in trailguard's config: only logging is restored, its other settings are not checked";
  const blind = !status.isLogging && status.stopLoggingTime ? seconds(status.stopLoggingTime, deps.now()) : undefined;
  const steps: Step[] = status.isLogging ? [] : [{ op: "StartLogging", why: ["logging is off"] }];
  return { ...(await runSteps(deps, trail.homeRegion, trail.arn, steps)), reason: note, blindWindowSeconds: blind };
}

const findListed = (s: RemediationSettings, name: string, homeRegion?: string) =>
  s.trails.find((t) => t.name === name && (homeRegion === undefined || t.homeRegion === homeRegion));

/**
 * The clients for the account that owns the trail: the Lambda's own, or the organization member's role.
 * A refused AssumeRole is an outcome to report, not an exception.
 */
async function clientsFor(deps: Deps, account: string, ev: TamperEvent): Promise<{ deps: Deps; member: boolean } | Outcome> {
  if (deps.ownAccount === undefined || account === deps.ownAccount) return { deps, member: false };
  const role = deps.settings.memberRoleName;
  if (!role || !deps.clients.inAccount) {
    return { result: "skipped", actions: [], reason: `the trail is in account ${account}; trailguard restores only its own account's trails (no organization member role)` };
  }
  try {
    return { deps: { ...deps, clients: await deps.clients.inAccount(account, role, sessionName(ev.id)) }, member: true };
  } catch (e) {
    const f = failed(e);
    return { ...f, reason: `could not assume ${role} in account ${account}: ${f.errorCode}${f.reason ? `: ${f.reason}` : ""}` };
  }
}

/** An outcome, and whether it is a listed trail's reconcile (the only trails whose settings trailguard restores). */
type Decision = Outcome & { readonly listed?: true };

async function decide(parent: Deps, ev: TamperEvent): Promise<Decision> {
  const { settings } = parent;
  if (!ev.trail) return { result: "skipped", actions: [], reason: "trailguard does not restore CloudTrail Lake event data stores" };
  if (settings.mode === "off") return { result: "skipped", actions: [], reason: "remediation mode is off" };
  const ref = ev.trail;
  // The account that owns the trail: the one its ARN names, else the caller's. Only the owner can change
  // it (an organization trail: the management account).
  const chosen = await clientsFor(parent, ref.account ?? ev.account, ev);
  if ("result" in chosen) return chosen;
  const { deps, member } = chosen;
  // A member account's trails are not in the config: the listed known-good settings are the hub's own.
  const findGood = (s: RemediationSettings, name: string, homeRegion?: string) => (member ? undefined : findListed(s, name, homeRegion));

  if (ev.eventName === "DeleteTrail") {
    const good = findGood(settings, ref.name, ref.region ?? ev.region);
    if (!good) return { result: "skipped", actions: [], reason: "trail is not in trailguard's config" };
    if (!settings.recreateDeletedTrails) {
      return { result: "skipped", actions: [], reason: "not re-created: recreateDeletedTrails is off", trailRegion: good.homeRegion };
    }
    return runSteps(deps, good.homeRegion, trailArn(good.homeRegion, ev.account, good.name), planRecreate(good));
  }

  let trail: TrailState | undefined;
  try {
    trail = await describeTrail(deps.clients, ref.region ?? ev.region, ref.arn ?? ref.name);
  } catch (e) {
    return failed(e);
  }
  if (!trail) return { result: "failed", actions: [], errorCode: "TrailNotFoundException", reason: "DescribeTrails does not return the trail" };
  const owner = trail.arn.split(":")[4];
  if (owner !== (ref.account ?? ev.account)) {
    return { result: "skipped", actions: [], trailRegion: trail.homeRegion, reason: `trail belongs to account ${owner} (an organization trail); trailguard touches only this account's trails` };
  }
  const good = findGood(settings, trail.name, trail.homeRegion);
  if (!good) {
    if (settings.unlistedTrails === "report") return { result: "skipped", actions: [], trailRegion: trail.homeRegion, reason: "trail is not in trailguard's config" };
    try {
      return await restartOnly(deps, trail);
    } catch (e) {
      return failed(e, { trailRegion: trail.homeRegion });
    }
  }
  try {
    return { ...(await reconcileTrail(deps, trail, good)), listed: true };
  } catch (e) {
    return failed(e, { trailRegion: trail.homeRegion });
  }
}

/** The session names trailguard gives its own sessions (sessionName in aws.ts), within IAM's charset. */
const OWN_SESSION = new RegExp(`^${SESSION_PREFIX}[\\w+=,.@-]{1,${64 - SESSION_PREFIX.length}}$`);

/**
 * Whether the call was made with one of trailguard's remediation roles, and if so whether it was trailguard's
 * own restore. The roles: the hub's `<namePrefix>-remediation` (the hub bus, reportEventBus, is named
 * namePrefix), in the Lambda's own account when that is known, and the organization's member role
 * (settings.memberRoleName, `<namePrefix>-member-remediation`). The role is never excluded from alerting;
 * this only labels the report.
 *
 * trailguard's own restore (the reassuring label) needs all of: its session name (the hub Lambda's function
 * name, or `trailguard-…` for the member role), enforce
 * mode, a listed trail (trailguard changes no other trail's settings) and nothing left to restore. Anything
 * else the role did warns that someone may be using it, except a compliant trail after a session not named
 * by trailguard, which stays the plain "no checked setting drifted" report.
 */
export function remediationRoleCall(deps: Deps, session: RoleSession | undefined, d: Decision): RemediationRoleCall | undefined {
  if (!session) return undefined;
  const { settings, ownAccount } = deps;
  const hub = session.role === `${settings.reportEventBus}-remediation` && (ownAccount === undefined || session.roleAccount === ownAccount);
  const member = settings.memberRoleName !== undefined && session.role === settings.memberRoleName;
  if (!hub && !member) return undefined;
  // The hub Lambda runs as its execution role in a session named after the function (`<namePrefix>-remediate`,
  // as the `assumed-role/<role>/<function>` ARNs of Lambda's own calls show); the member role's sessions are
  // named by trailguard (`trailguard-<event id>`, clientsFor).
  const ours = hub ? session.name === `${settings.reportEventBus}-remediate` : OWN_SESSION.test(session.name);
  const call = {
    role: session.role,
    session: session.name,
    // Only the member role's sessions are named by trailguard after an event (clientsFor); the hub's is the Lambda's.
    ...(member && ours ? { restoreOf: session.name.slice(SESSION_PREFIX.length) } : {}),
  };
  if (d.result === "compliant") {
    if (ours && d.listed && settings.mode === "enforce") return { kind: "own-restore", ...call };
    if (!ours) return undefined;
  }
  return { kind: "someone-else", ...call };
}

/** How long a report stands for its trail: a second event inside it that finds nothing to do sends none. */
export const INCIDENT_WINDOW_MS = 10 * 60_000;

/** Handle one tamper event end to end. Returns the report sent, or undefined for ignored input. */
export async function handleTamperEvent(input: unknown, deps: Deps): Promise<Report | undefined> {
  const parsed = parseTamperEvent(input);
  const eventId = (input as { id?: unknown } | null)?.id;
  if (!parsed.ok) {
    deps.log.log("warn", "ignored event", { reason: parsed.reason, eventId: typeof eventId === "string" ? eventId : undefined });
    return undefined;
  }
  const ev = parsed.event;
  if (ev.errorCode) {
    deps.log.log("info", "skipped failed call: nothing to undo", { eventId: ev.id, eventName: ev.eventName, errorCode: ev.errorCode });
    return undefined;
  }
  const decision = await decide(deps, ev);
  const { listed: _listed, ...outcome } = decision; // eslint-disable-line @typescript-eslint/no-unused-vars
  const remediationRole = remediationRoleCall(deps, ev.session, decision);
  // One incident per trail: its ARN, or its account, region and name (two accounts may both have "default").
  const key = ev.trail ? (ev.trail.arn ?? `${ev.trail.account ?? ev.account}:${ev.trail.region ?? ev.region}:${ev.trail.name}`) : "";
  const previous = deps.incidents.get(key);
  // A warning that someone may be using trailguard's role is never folded into an earlier report.
  const quiet = outcome.result === "compliant" && remediationRole?.kind !== "someone-else";
  if (quiet && previous !== undefined && deps.now().getTime() - previous < INCIDENT_WINDOW_MS) {
    // One report per trail and incident: a burst of StopLogging calls, or a redelivery, is one incident.
    deps.log.log("info", "trail already reported in this incident; nothing to do, no second report", { trail: key, eventName: ev.eventName });
    return undefined;
  }
  const loggingWasOff = ev.eventName === "StopLogging" || ev.eventName === "DeleteTrail" || outcome.actions.some((a) => a.startsWith("StartLogging"));
  // The blind window runs from the tampering: the event's time, or else the trail's StopLoggingTime. Never
  // an invented time: a record without eventTime gets the trail's time or no window at all.
  const eventWindow = loggingWasOff && ev.eventTime ? seconds(new Date(ev.eventTime), deps.now()) : undefined;
  const report: Report = {
    trigger: "event",
    severity: ev.eventName === "DeleteTrail" ? "critical" : "high",
    trail: ev.trail?.arn ?? ev.trail?.name ?? "(event data store)",
    account: ev.account,
    ...(deps.settings.accountNames?.[ev.account] ? { accountName: deps.settings.accountNames[ev.account] } : {}),
    region: ev.region,
    mode: deps.settings.mode,
    eventName: ev.eventName,
    eventId: ev.eventId,
    eventTime: ev.eventTime,
    principal: ev.principal,
    userAgent: ev.userAgent,
    sourceIp: ev.sourceIp,
    ...outcome,
    blindWindowSeconds: eventWindow ?? outcome.blindWindowSeconds,
    ...(remediationRole ? { remediationRole } : {}),
  };
  await deliver(deps, report);
  if (key) deps.incidents.set(key, deps.now().getTime());
  if (outcome.retryable) throw new RetryableFailure(outcome.errorCode ?? "Error", `${report.trail}: ${outcome.reason ?? "failed"}`);
  return report;
}

/**
 * Log the report and send it, with the time kept in reserve for it. A send that failed for good is logged
 * (the log line keeps the facts); one that may pass is rethrown, so the event is tried again.
 */
export async function deliver(deps: Deps, report: Report): Promise<void> {
  deps.log.log(report.result === "failed" ? "error" : "info", "remediation report", { ...report });
  try {
    await sendReport(deps.clients, report, deps.settings.reportEventBus, deps.settings.slackChannel, callSignal(deps.clock, REPORT_SEND_RESERVE_MS));
  } catch (e) {
    const { code, message, retryable } = awsError(e);
    deps.log.log("error", "could not send the report", { errorCode: code, errorMessage: message, retryable });
    if (retryable) throw new RetryableFailure(code, `the report of ${report.trail} was not sent: ${message}`);
  }
}

/** What the report's own send leaves for the last log line. */
const REPORT_SEND_RESERVE_MS = 500;
