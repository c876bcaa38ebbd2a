/** Lambda entry: the scheduled heartbeat in the home region: trails first, then the alert path itself. */
import { safeHandler } from "../lib/handler";
import { runHeartbeat } from "../lib/heartbeat";
import { runSelfCheck, SelfCheckClients, selfCheckClients } from "../lib/self-check";
import { parseSelfCheckSettings, SELF_CHECK_ENV } from "../lib/self-check-settings";

export const handler = safeHandler(async (event, deps) => {
  // The schedule sends the scheduled event's account and region, and what the alert path must look like.
  const e = (event !== null && typeof event === "object" ? event : {}) as { account?: unknown; region?: unknown } & Record<string, unknown>;
  const account = typeof e.account === "string" ? e.account : "unknown";
  const region = typeof e.region === "string" ? e.region : (process.env.AWS_REGION ?? "unknown");
  try {
    await runHeartbeat(deps, account, region);
  } finally {
    // The path is checked even when a trail check failed (that failure is rethrown after).
    const selfCheck = parseSelfCheckSettings(process.env[SELF_CHECK_ENV], e);
    if (selfCheck) {
      const clients: SelfCheckClients = selfCheckClients(deps.clients, deps.clock, region);
      await runSelfCheck({ clients, log: deps.log, slackChannel: deps.settings.slackChannel, clock: deps.clock }, selfCheck, account, region);
    }
  }
});
