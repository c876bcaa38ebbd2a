/**
 * Time: every AWS call of an invocation shares the Lambda's remaining time, less a reserve to report what
 * happened. The SDK retries (adaptive mode) until a call succeeds, fails for good, or the budget's abort
 * signal fires; it never runs past the point where the report could no longer be sent.
 */

/** Each HTTP attempt: a hung endpoint is abandoned after this, and the SDK tries again. */
export const REQUEST_TIMEOUT_MS = 3_000;
export const CONNECTION_TIMEOUT_MS = 1_000;
/** Attempts per call when time allows (adaptive retry mode also slows down under throttling). */
export const MAX_ATTEMPTS = 10;
/** Kept back from every call for logging and the report. */
export const REPORT_RESERVE_MS = 2_500;

/** SDK client options that apply the timeouts and retry mode above. */
export const clientOptions = (region: string) => ({
  region,
  maxAttempts: MAX_ATTEMPTS,
  retryMode: "adaptive" as const,
  // throwOnRequestTimeout: without it, @smithy/node-http-handler only warns and keeps waiting.
  requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: CONNECTION_TIMEOUT_MS, throwOnRequestTimeout: true },
});

/** The invocation's remaining time; set per invocation from the Lambda context. */
export interface Clock {
  remainingMs(): number;
}

export const unboundedClock: Clock = { remainingMs: () => Number.POSITIVE_INFINITY };

/** An abort signal for a call: fires when only the reserve is left (at once if that is already so). */
export function callSignal(clock: Clock, reserveMs = REPORT_RESERVE_MS): AbortSignal | undefined {
  const left = clock.remainingMs() - reserveMs;
  if (!Number.isFinite(left)) return undefined;
  return AbortSignal.timeout(Math.max(1, Math.floor(left)));
}

/**
 * Whether a failure may pass if tried again later: throttling, server faults, timeouts, dropped
 * connections, and the budget running out. Access denied, a missing trail, bad input: not.
 */
export function isRetryable(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const err = e as Error & { $retryable?: unknown; $fault?: string; $metadata?: { httpStatusCode?: number }; code?: string };
  if (err.$retryable || err.$fault === "server") return true;
  if ((err.$metadata?.httpStatusCode ?? 0) >= 500 || err.$metadata?.httpStatusCode === 429) return true;
  const names = ["ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "ServiceUnavailable", "InternalFailure", "TimeoutError", "AbortError", "RequestTimeout"];
  if (names.includes(err.name)) return true;
  return ["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN"].includes(err.code ?? "");
}

/**
 * Thrown after the report when the failure may pass: Lambda then retries the event (twice), and finally
 * hands it to the on-failure destination, which an alarm watches. Nothing is lost silently.
 */
export class RetryableFailure extends Error {
  override readonly name = "RetryableFailure";
  constructor(
    readonly cause: string,
    message: string,
  ) {
    super(`${cause}: ${message}`);
  }
}
