import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { awsError } from "./aws";
import { callSignal, type Clock } from "./budget";
import { truncate } from "./report";

/**
 * The Slack bot token, tested the way Slack would take it. chat.postMessage answers HTTP 200 with
 * `{"ok": false, "error": ...}` when it refuses a message, and EventBridge's API destination counts any 2xx
 * as delivered: it never reads the body. A revoked or invalid token is therefore total silence, with every
 * EventBridge metric green. The heartbeat reads the token from its own Secrets Manager secret
 * (`<prefix>-slack-probe`, written by Terraform from the same sensitive variable as the connection) and calls
 * Slack's `auth.test` with it; an answer other than `ok: true` is a self-check problem, counted in the
 * metric whose alarm goes to SNS, the independent path.
 *
 * Why not the connection's own secret: EventBridge stores a connection's credentials in a secret named
 * `events!connection/<name>/...` (Amazon EventBridge User Guide, "Connections for API targets",
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-target-connection.html; "How Amazon EventBridge
 * uses AWS Secrets Manager", https://docs.aws.amazon.com/secretsmanager/latest/userguide/integrating_how-services-use-secrets_events.html),
 * but AWS documents neither the JSON layout of its value nor that it stays stable, and says the secret is
 * EventBridge's to update. A probe that parsed an undocumented layout could break silently on a service
 * change, which is the failure it is meant to catch.
 *
 * `auth.test` (https://api.slack.com/methods/auth.test): POST https://slack.com/api/auth.test with the token
 * in an `Authorization: Bearer` header; "No scope required" for bot tokens; it posts nothing ("checks
 * authentication and tells you who you are"). Its errors (invalid_auth, not_authed, account_inactive,
 * token_revoked, ...) come as `{"ok": false, "error": "<short machine-readable code>"}`, like every Web API
 * method's ("Web API basics", https://api.slack.com/web).
 *
 * Not detected: the channel. Checking the bot is a member of `slack_channel` (conversations.info,
 * conversations.members) needs channels:read or groups:read, scopes the bot does not have (it needs only
 * chat:write), so not_in_channel, channel_not_found and is_archived stay silent failures.
 */

export const SLACK_AUTH_TEST_URL = "https://slack.com/api/auth.test";
/** Slack usually answers in well under a second; the heartbeat has 30 s for everything it checks. */
export const SLACK_PROBE_TIMEOUT_MS = 5_000;
/** Slack's error codes are short snake_case words; anything longer is cut. */
const MAX_ERROR_CODE = 64;

/** The probe's clients: Secrets Manager in the home region, and an HTTP client (global fetch in Lambda). */
export interface SlackProbeClients {
  secretsManager(): SecretsManagerClient;
  fetch?: typeof fetch;
}

/** What the probe saw. Never the token, never Slack's whole answer: codes only. */
export type SlackTokenObservation =
  | { readonly result: "ok" }
  /** auth.test answered `ok: false` with this error code (sanitized by {@link slackErrorCode}). */
  | { readonly result: "rejected"; readonly error: string }
  /** The secret could not be read (the AWS error code), or held no token. */
  | { readonly result: "no-secret"; readonly error: string }
  /** Slack did not answer usably: an HTTP status other than 200, a timeout, a network error, a body that is not JSON. */
  | { readonly result: "unreachable"; readonly error: string };

/**
 * Slack's `error` field, made safe for a log line, a Slack message and an event: printable word
 * characters, dots and dashes only (so no mrkdwn, no `<!channel>`, no newline), at most 64 characters.
 * Slack writes it, not the person being reported, but a proxy in between, or a bug, could write anything.
 */
export function slackErrorCode(raw: unknown, token?: string): string {
  if (typeof raw !== "string" || raw === "") return "no error code";
  // Defence in depth: whatever answered must not make us repeat the token.
  const scrubbed = token && token.length >= 8 ? raw.split(token).join("(token)") : raw;
  return truncate(scrubbed.replace(/[^\w.-]/g, "?"), MAX_ERROR_CODE);
}

/** An error's name (TimeoutError, AbortError, TypeError, SyntaxError): fetch's errors may come from another realm than `Error`. */
const errorName = (e: unknown): string =>
  e !== null && typeof e === "object" && typeof (e as { name?: unknown }).name === "string" ? (e as { name: string }).name : "Error";

/** Read the token from `secretId` and call auth.test with it. Never throws. */
export async function observeSlackToken(c: SlackProbeClients, secretId: string, clock: Clock): Promise<SlackTokenObservation> {
  let token: string;
  try {
    const out = await c.secretsManager().send(new GetSecretValueCommand({ SecretId: secretId }));
    token = (out.SecretString ?? "").trim();
  } catch (e) {
    return { result: "no-secret", error: awsError(e).code };
  }
  if (token === "") return { result: "no-secret", error: "the secret holds no token" };

  // The probe's own timeout, and never past the invocation's budget (budget.ts).
  const budget = callSignal(clock);
  const signal = budget ? AbortSignal.any([AbortSignal.timeout(SLACK_PROBE_TIMEOUT_MS), budget]) : AbortSignal.timeout(SLACK_PROBE_TIMEOUT_MS);
  const post = c.fetch ?? fetch;
  let status: number;
  let body: unknown;
  try {
    const res = await post(SLACK_AUTH_TEST_URL, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: "",
      signal,
      redirect: "error",
    });
    status = res.status;
    if (status !== 200) return { result: "unreachable", error: `HTTP ${status}` };
    try {
      body = await res.json();
    } catch (e) {
      // A timeout while reading the body lands here too.
      const name = errorName(e);
      return { result: "unreachable", error: name === "SyntaxError" ? "the answer is not JSON" : slackErrorCode(name) };
    }
  } catch (e) {
    // The error's name only (TimeoutError, AbortError, TypeError for a network failure): messages may quote the request.
    const name = errorName(e);
    return { result: "unreachable", error: name === "TimeoutError" ? `no answer within ${SLACK_PROBE_TIMEOUT_MS / 1000} s` : slackErrorCode(name) };
  }
  const answer = (body !== null && typeof body === "object" ? body : {}) as { ok?: unknown; error?: unknown };
  if (answer.ok === true) return { result: "ok" };
  return { result: "rejected", error: slackErrorCode(answer.error, token) };
}

/** The self-check's problem line for an observation, or none. Pure. */
export function slackTokenProblems(o: SlackTokenObservation, secretId: string): string[] {
  switch (o.result) {
    case "ok":
      return [];
    case "rejected":
      return [`Slack token rejected: ${o.error} (auth.test answered ok:false; chat.postMessage refuses every alert the same way, and EventBridge counts them delivered)`];
    case "no-secret":
      return [
        o.error === "ResourceNotFoundException"
          ? `Slack token could not be checked: the secret ${secretId} is missing`
          : `Slack token could not be checked: the secret ${secretId} could not be read: ${o.error}`,
      ];
    case "unreachable":
      return [`Slack token could not be checked: auth.test failed: ${o.error}`];
  }
}
