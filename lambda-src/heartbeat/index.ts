/** Lambda entry: the scheduled heartbeat in the home region: trails first, then the alert path itself. */
import { safeHandler } from "../lib/handler";
import { runHeartbeat } from "../lib/heartbeat";
import { runSelfCheck, SelfCheckClients, selfCheckClients } from "../lib/self-check";
import { parseSelfCheckSettings, SELF_CHECK_ENV } from "../lib/self-check-settings";

let clients: SelfCheckClients | undefined;

export const handler = safeHandler(async (event, deps) => {
  const e = (event ?? {}) as { account?: unknown; region?: unknown };
  const account = typeof e.account === "string" ? e.account : "unknown";
  const region = typeof e.region === "string" ? e.region : (process.env.AWS_REGION ?? "unknown");
  await runHeartbeat(deps, account, region);
  const selfCheck = parseSelfCheckSettings(process.env[SELF_CHECK_ENV]);
  if (!selfCheck) return;
  clients ??= selfCheckClients(deps.clients);
  await runSelfCheck({ clients, log: deps.log, slackChannel: deps.settings.slackChannel }, selfCheck, account, region);
});
