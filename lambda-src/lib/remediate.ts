import { awsError, Clients, describeTrail, eventSelectors, execute, sendReport, trailStatus } from "./aws";
import type { Logger } from "./log";
import { describeStep, planReconcile, planRecreate, Step, TrailState } from "./reconcile";
import type { Report } from "./report";
import type { KnownGoodTrail, RemediationSettings } from "./settings";
import { parseTamperEvent, TamperEvent, trailArn } from "./tamper-event";

export interface Deps {
  readonly settings: RemediationSettings;
  readonly clients: Clients;
  readonly log: Logger;
  readonly now: () => Date;
}

type Outcome = Pick<Report, "result" | "actions" | "reason" | "errorCode" | "trailRegion" | "blindWindowSeconds">;

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
      const { code, message } = awsError(e);
      return { result: "failed", actions: actions.slice(0, i + 1), errorCode: code, reason: message, trailRegion: region };
    }
  }
  return { result: "restored", actions, trailRegion: region };
}

/** Inspect an existing, listed trail and bring it back to its known-good settings. */
export async function reconcileTrail(deps: Deps, trail: TrailState, good: KnownGoodTrail): Promise<Outcome> {
  const [status, selectors] = await Promise.all([trailStatus(deps.clients, trail), eventSelectors(deps.clients, trail)]);
  const outcome = await runSteps(deps, trail.homeRegion, trail.arn, planReconcile(trail, status.isLogging, selectors, good));
  const blind = !status.isLogging && status.stopLoggingTime ? seconds(status.stopLoggingTime, deps.now()) : undefined;
  return { ...outcome, blindWindowSeconds: blind };
}

const findGood = (s: RemediationSettings, name: string, homeRegion?: string) =>
  s.trails.find((t) => t.name === name && (homeRegion === undefined || t.homeRegion === homeRegion));

async function decide(deps: Deps, ev: TamperEvent): Promise<Outcome> {
  const { settings } = deps;
  if (!ev.trail) return { result: "skipped", actions: [], reason: "trailguard does not restore CloudTrail Lake event data stores" };
  if (settings.mode === "off") return { result: "skipped", actions: [], reason: "remediation mode is off" };
  const ref = ev.trail;

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
    const { code, message } = awsError(e);
    return { result: "failed", actions: [], errorCode: code, reason: message };
  }
  if (!trail) return { result: "failed", actions: [], errorCode: "TrailNotFoundException", reason: "DescribeTrails does not return the trail" };
  const owner = trail.arn.split(":")[4];
  if (owner !== ev.account) {
    return { result: "skipped", actions: [], trailRegion: trail.homeRegion, reason: `trail belongs to account ${owner} (an organization trail); trailguard touches only this account's trails` };
  }
  const good = findGood(settings, trail.name, trail.homeRegion);
  if (!good) return { result: "skipped", actions: [], trailRegion: trail.homeRegion, reason: "trail is not in trailguard's config" };
  try {
    return await reconcileTrail(deps, trail, good);
  } catch (e) {
    const { code, message } = awsError(e);
    return { result: "failed", actions: [], errorCode: code, reason: message, trailRegion: trail.homeRegion };
  }
}

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
  const outcome = await decide(deps, ev);
  const loggingWasOff = ev.eventName === "StopLogging" || ev.eventName === "DeleteTrail" || outcome.actions.some((a) => a.startsWith("StartLogging"));
  const report: Report = {
    trigger: "event",
    severity: ev.eventName === "DeleteTrail" ? "critical" : "high",
    trail: ev.trail?.arn ?? ev.trail?.name ?? "(event data store)",
    account: ev.account,
    region: ev.region,
    mode: deps.settings.mode,
    eventName: ev.eventName,
    eventId: ev.eventId,
    eventTime: ev.eventTime,
    principal: ev.principal,
    userAgent: ev.userAgent,
    sourceIp: ev.sourceIp,
    ...outcome,
    blindWindowSeconds: loggingWasOff ? seconds(new Date(ev.eventTime), deps.now()) : outcome.blindWindowSeconds,
  };
  await deliver(deps, report);
  return report;
}

/** Log the report and send it; a failed send is logged, not thrown (the log line keeps the facts). */
export async function deliver(deps: Deps, report: Report): Promise<void> {
  deps.log.log(report.result === "failed" ? "error" : "info", "remediation report", { ...report });
  try {
    await sendReport(deps.clients, report, deps.settings.reportEventBus, deps.settings.slackChannel);
  } catch (e) {
    const { code, message } = awsError(e);
    deps.log.log("error", "could not send the report", { errorCode: code, errorMessage: message, eventId: report.eventId });
  }
}
