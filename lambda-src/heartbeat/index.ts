/** Lambda entry: the scheduled heartbeat in the home region: trails first, then the alert path itself. */
import { safeHandler } from "../lib/handler";
import { runHeartbeat } from "../lib/heartbeat";
import { runSelfCheck } from "../lib/self-check";
import { parseSelfCheckSettings, SELF_CHECK_ENV } from "../lib/self-check-settings";

export const handler = safeHandler(async (event, deps) => {
  const e = (event ?? {}) as { account?: unknown; region?: unknown };
  const account = typeof e.account === "string" ? e.account : "unknown";
  const region = typeof e.region === "string" ? e.region : (process.env.AWS_REGION ?? "unknown");
  await runHeartbeat(deps, account, region);
  const selfCheck = parseSelfCheckSettings(process.env[SELF_CHECK_ENV]);
  if (selfCheck) await runSelfCheck({ clients: deps.clients, log: deps.log, slackChannel: deps.settings.slackChannel }, selfCheck, account, region);
});
