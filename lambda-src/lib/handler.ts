import { type Clients, sdkClients } from "./aws";
import { Clock, RetryableFailure, unboundedClock } from "./budget";
import { jsonLogger, levelFrom, Logger } from "./log";
import type { Deps } from "./remediate";
import { parseSettings, RemediationSettings, SETTINGS_ENV } from "./settings";

/** The part of the Lambda context the handlers use. */
export interface LambdaContext {
  readonly awsRequestId?: string;
  /** arn:aws:lambda:<region>:<account>:function:<name>: the Lambda's own account. */
  readonly invokedFunctionArn?: string;
  getRemainingTimeInMillis?(): number;
}

type Write = (line: string) => void;

/**
 * Wraps a handler body:
 * - every log line carries the request ID and the event's ID, at the level `LOG_LEVEL` sets;
 * - every AWS call is bounded by the invocation's remaining time (see budget.ts);
 * - a failure that may pass (throttling, a timeout, a server fault) is rethrown after the body reported
 *   it, so Lambda retries the event and, at last, hands it to the on-failure destination;
 * - anything else (bad settings, a bug, a malformed event) is logged and the invocation ends normally: a
 *   retry would fail the same way.
 */
export interface HandlerOptions {
  readonly write?: Write;
  /** Add to the SDK clients (the remediate Lambda: member accounts, see member-accounts.ts). */
  readonly extendClients?: (clients: Clients, lambdaRegion: string, clock: Clock) => Clients;
}

export function safeHandler(body: (event: unknown, deps: Deps) => Promise<unknown>, options: HandlerOptions = {}) {
  const { write } = options;
  let settings: RemediationSettings | undefined;
  let current: Clock = unboundedClock;
  const incidents = new Map<string, number>();
  // Clients outlive invocations (warm starts); the clock they consult is the current invocation's.
  const lambdaRegion = process.env.AWS_REGION ?? "us-east-1";
  const clock: Clock = { remainingMs: () => current.remainingMs() };
  const sdk = sdkClients(lambdaRegion, clock);
  const clients = options.extendClients ? options.extendClients(sdk, lambdaRegion, clock) : sdk;
  return async (event: unknown, context?: LambdaContext): Promise<void> => {
    const id = (event as { id?: unknown } | null)?.id;
    const log: Logger = jsonLogger(write, { requestId: context?.awsRequestId, eventId: typeof id === "string" ? id : undefined }, levelFrom(process.env.LOG_LEVEL));
    current = { remainingMs: () => context?.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY };
    try {
      settings ??= parseSettings(process.env[SETTINGS_ENV]);
      const ownAccount = context?.invokedFunctionArn?.split(":")[4];
      await body(event, { settings, clients, log, now: () => new Date(), clock: current, incidents, ownAccount });
    } catch (e) {
      if (e instanceof RetryableFailure) {
        log.log("error", "invocation failed; Lambda will retry it, then hand it to the on-failure destination", { error: e.name, message: e.message });
        throw e;
      }
      const err = e instanceof Error ? { error: e.name, message: e.message } : { error: String(e) };
      log.log("error", "invocation failed; not retried", err);
    }
  };
}
