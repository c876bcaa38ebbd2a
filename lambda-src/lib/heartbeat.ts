import { awsError, describeTrail } from "./aws";
import { RetryableFailure } from "./budget";
import { Deps, deliver, reconcileTrail, runSteps } from "./remediate";
import { planRecreate } from "./reconcile";
import type { Report } from "./report";
import type { KnownGoodTrail } from "./settings";
import { trailArn } from "./tamper-event";

/**
 * The backstop: once logging is off, later tamper events may never reach EventBridge. On a schedule,
 * check every listed trail in its home region and restore what drifted. Healthy trails send nothing.
 */
async function checkTrail(deps: Deps, good: KnownGoodTrail, account: string, region: string): Promise<Report | undefined> {
  const base = { trigger: "heartbeat", severity: "high", trail: good.name, account, region, mode: deps.settings.mode } as const;
  try {
    const trail = await describeTrail(deps.clients, good.homeRegion, good.name);
    if (!trail) {
      const outcome = deps.settings.recreateDeletedTrails
        ? await runSteps(deps, good.homeRegion, trailArn(good.homeRegion, account, good.name), planRecreate(good))
        : { result: "skipped" as const, actions: [], reason: "trail is missing; not re-created: recreateDeletedTrails is off", trailRegion: good.homeRegion };
      return { ...base, severity: "critical", ...outcome };
    }
    const outcome = await reconcileTrail(deps, trail, good);
    return outcome.result === "compliant" ? undefined : { ...base, trail: trail.arn, ...outcome };
  } catch (e) {
    const { code, message, retryable } = awsError(e);
    return { ...base, result: "failed", actions: [], errorCode: code, reason: message, trailRegion: good.homeRegion, ...(retryable ? { retryable } : {}) };
  }
}

/** Check every listed trail; send a report for each one that needed (or failed) attention. */
export async function runHeartbeat(deps: Deps, account: string, region: string): Promise<Report[]> {
  if (deps.settings.mode === "off") return [];
  const reports: Report[] = [];
  for (const good of deps.settings.trails) {
    const report = await checkTrail(deps, good, account, region);
    if (report) {
      await deliver(deps, report);
      reports.push(report);
    }
  }
  deps.log.log("info", "heartbeat done", { trails: deps.settings.trails.length, reports: reports.length });
  const passing = reports.find((r) => r.retryable);
  // Reported already; rethrown so the run is retried and, at last, lands in the dead-letter queue.
  if (passing) throw new RetryableFailure(passing.errorCode ?? "Error", `${passing.trail}: ${passing.reason ?? "failed"}`);
  return reports;
}
