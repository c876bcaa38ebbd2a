import { sdkClients } from "./aws";
import { jsonLogger, Logger } from "./log";
import type { Deps } from "./remediate";
import { parseSettings, SETTINGS_ENV } from "./settings";

/**
 * Wraps a handler body so that nothing escapes it: bad settings or an unexpected bug are logged and the
 * invocation ends normally. EventBridge invokes asynchronously; a thrown error would be retried with the
 * same input and fail the same way.
 */
export function safeHandler(body: (event: unknown, deps: Deps) => Promise<unknown>, log: Logger = jsonLogger()) {
  let deps: Deps | undefined;
  return async (event: unknown): Promise<void> => {
    try {
      deps ??= {
        settings: parseSettings(process.env[SETTINGS_ENV]),
        clients: sdkClients(process.env.AWS_REGION ?? "us-east-1"),
        log,
        now: () => new Date(),
      };
      await body(event, deps);
    } catch (e) {
      const err = e instanceof Error ? { error: e.name, message: e.message } : { error: String(e) };
      const id = (event as { id?: unknown } | null)?.id;
      log.log("error", "invocation failed; not retried", { ...err, eventId: typeof id === "string" ? id : undefined });
    }
  };
}
