/**
 * Reads the "AWS API Call via CloudTrail" event that the tamper rule delivers, and refuses anything else
 * with a reason (the handler logs it and returns: a malformed event must never crash-loop the Lambda).
 */

import { EVENT_DATA_STORE_EVENTS, TRAIL_ARN, TRAIL_EVENTS, TRAIL_NAME } from "./contract";

export { EVENT_DATA_STORE_EVENTS, TRAIL_EVENTS, trailArn } from "./contract";

/** A trail as a call named it: `name` always, the ARN's parts when the caller gave an ARN. */
export interface TrailRef {
  readonly name: string;
  readonly arn?: string;
  readonly region?: string;
  readonly account?: string;
}

/**
 * The session of an AssumedRole caller: the role that issued it (`sessionContext.sessionIssuer`) and the
 * session's name (`principalId` is `<role ID>:<session name>`). Both are the caller's to choose within
 * IAM's [\w+=,.@-]: compared, never trusted, and shown as data.
 */
export interface RoleSession {
  readonly role: string;
  /** The issuing role's account, when the record names it. */
  readonly roleAccount?: string;
  readonly name: string;
}

export interface TamperEvent {
  readonly id: string;
  readonly account: string;
  /** Region of the API call (and of this event bus). */
  readonly region: string;
  readonly eventName: string;
  /** When the call was made; absent when neither the record nor the envelope says. */
  readonly eventTime?: string;
  readonly eventId?: string;
  /** Absent for the CloudTrail Lake calls, which name an event data store instead. */
  readonly trail?: TrailRef;
  readonly errorCode?: string;
  readonly principal: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  /** Present when `userIdentity.type` is AssumedRole and the record names the issuing role and the session. */
  readonly session?: RoleSession;
}

export type Parsed = { readonly ok: true; readonly event: TamperEvent } | { readonly ok: false; readonly reason: string };


export function parseTrailRef(value: unknown): TrailRef | undefined {
  if (typeof value !== "string") return undefined;
  const arn = TRAIL_ARN.exec(value);
  if (arn) return { name: arn[3], arn: value, region: arn[1], account: arn[2] };
  return TRAIL_NAME.test(value) ? { name: value } : undefined;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The caller's role session, when it is one (userIdentity.type AssumedRole, sessionIssuer.userName, principalId `<id>:<name>`). */
export function roleSession(identity: Record<string, unknown>): RoleSession | undefined {
  if (identity.type !== "AssumedRole") return undefined;
  const context = isObject(identity.sessionContext) ? identity.sessionContext : {};
  const issuer = isObject(context.sessionIssuer) ? context.sessionIssuer : {};
  const role = str(issuer.userName);
  const principalId = str(identity.principalId);
  const colon = principalId?.indexOf(":") ?? -1;
  if (!role || !principalId || colon < 0) return undefined;
  const name = principalId.slice(colon + 1);
  if (name === "") return undefined;
  const roleAccount = str(issuer.accountId);
  return { role, ...(roleAccount ? { roleAccount } : {}), name };
}

export function parseTamperEvent(input: unknown): Parsed {
  if (!isObject(input)) return { ok: false, reason: "event is not an object" };
  const detail = input.detail;
  if (!isObject(detail)) return { ok: false, reason: "event has no detail" };
  const id = str(input.id) ?? "(no id)";
  const account = str(input.account);
  const region = str(input.region);
  if (!account || !region) return { ok: false, reason: "event has no account or region" };
  const eventName = str(detail.eventName);
  const all: readonly string[] = [...TRAIL_EVENTS, ...EVENT_DATA_STORE_EVENTS];
  if (!eventName || !all.includes(eventName)) {
    return { ok: false, reason: `unknown eventName ${JSON.stringify(detail.eventName ?? null).slice(0, 80)}` };
  }
  const params = isObject(detail.requestParameters) ? detail.requestParameters : {};
  let trail: TrailRef | undefined;
  if ((TRAIL_EVENTS as readonly string[]).includes(eventName)) {
    const named = params.name ?? params.trailName;
    trail = parseTrailRef(named);
    if (!trail) return { ok: false, reason: `malformed trail name in requestParameters` };
  }
  const identity = isObject(detail.userIdentity) ? detail.userIdentity : {};
  const session = roleSession(identity);
  return {
    ok: true,
    event: {
      id,
      account,
      region,
      eventName,
      eventTime: str(detail.eventTime) ?? str(input.time),
      eventId: str(detail.eventID),
      trail,
      errorCode: str(detail.errorCode),
      principal: str(identity.arn) ?? str(identity.invokedBy) ?? str(identity.principalId) ?? str(identity.type) ?? "unknown",
      sourceIp: str(detail.sourceIPAddress),
      userAgent: str(detail.userAgent),
      ...(session ? { session } : {}),
    },
  };
}
