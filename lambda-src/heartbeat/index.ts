/** Lambda entry: the scheduled heartbeat in the home region. */
import { safeHandler } from "../lib/handler";
import { runHeartbeat } from "../lib/heartbeat";

export const handler = safeHandler((event, deps) => {
  const e = (event ?? {}) as { account?: unknown; region?: unknown };
  const account = typeof e.account === "string" ? e.account : "unknown";
  const region = typeof e.region === "string" ? e.region : (process.env.AWS_REGION ?? "unknown");
  return runHeartbeat(deps, account, region);
});
