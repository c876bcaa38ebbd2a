import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** An EventBridge "AWS API Call via CloudTrail" event (envelope + CloudTrail record). */
export interface CloudTrailEvent {
  account: string;
  region: string;
  time: string;
  source: string;
  "detail-type": string;
  detail: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  [key: string]: unknown;
}

export const FIXTURES_DIR = join(__dirname, "..", "fixtures");

export function loadFixture(name: string): CloudTrailEvent {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, name.endsWith(".json") ? name : `${name}.json`), "utf8"));
}

/** Every real record (see fixtures/README.md for sources), by file name. */
export function allFixtures(): [string, CloudTrailEvent][] {
  return readdirSync(FIXTURES_DIR)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => [f, loadFixture(f)]);
}

/** The tamper-family records: every fixture of a cloudtrail.amazonaws.com call. */
export function tamperFixtures(): [string, CloudTrailEvent][] {
  return allFixtures().filter(([, e]) => e.detail.eventSource === "cloudtrail.amazonaws.com");
}

function catalogFolderFixtures(): [string, CloudTrailEvent][] {
  const dir = join(FIXTURES_DIR, "catalog");
  return readdirSync(dir).flatMap((family) =>
    readdirSync(join(dir, family))
      .filter((f) => f.endsWith(".json"))
      .map((f): [string, CloudTrailEvent] => [`catalog/${family}/${f}`, loadFixture(join("catalog", family, f))]),
  );
}

const CLOUDTRAIL_CALL = "AWS API Call via CloudTrail";

/**
 * Real records per family (sources in each folder's README.md), plus the fixtures one level up: CloudTrail
 * calls only (catalog/alarms/ holds CloudWatch's own alarm events: alarmFixtures).
 */
export function catalogFixtures(): [string, CloudTrailEvent][] {
  return [...allFixtures(), ...catalogFolderFixtures().filter(([, e]) => e["detail-type"] === CLOUDTRAIL_CALL)];
}

/** The fixtures that are not CloudTrail calls: CloudWatch "CloudWatch Alarm State Change" events (catalog/alarms/). */
export function alarmFixtures(): [string, CloudTrailEvent][] {
  return catalogFolderFixtures().filter(([, e]) => e["detail-type"] !== CLOUDTRAIL_CALL);
}

/** A failed call: CloudTrail wrote an error code (some successful records carry `errorCode: ""`). */
export const isFailed = (e: CloudTrailEvent) => typeof e.detail.errorCode === "string" && e.detail.errorCode !== "";

/** Strings a caller can put in the fields they control, each aimed at a way to break JSON or Slack. */
export const HOSTILE_STRINGS: Record<string, string> = {
  quotes: 'aws-cli/2 "}], "text": "all clear", "x": "',
  backslashes: "C:\\Users\\evil\\ \\u0022 \\",
  newlines: "line one\nline two\r\n\ttabbed",
  slackMarkup: "<!channel> <@U012345> <https://evil.example|click> & <b>bold</b> &amp;",
  emojiAndSeparators: "🚨🔥 naïve \u2028 line separator \u2029 paragraph \u0000 nul",
  huge: `Boto3/1.34 ${"A".repeat(4096)}`,
};

/** Every printable ASCII character an IAM path may hold (`!` to `~`), in order. */
const PATH_CHARS = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join("");

/**
 * IAM paths a user or role can give itself (`iam:UpdateUser --new-path`, `CreateRole --path`): any ASCII
 * from `!` to `~` between slashes, up to 512 characters (IAM API reference, `Path`). They end up in
 * `userIdentity.arn` and `sessionContext.sessionIssuer.arn`.
 */
export const HOSTILE_IAM_PATHS: Record<string, string> = {
  pathQuote: '/"/',
  pathRepointsChannel: '/","channel":"C0ATTACKER","x":"/',
  pathEveryCharacter: `/${PATH_CHARS}/`,
  path512: `/${PATH_CHARS.repeat(6).slice(0, 510)}/`,
};

/**
 * The attack an adversarial review found: CloudFormation's DeleteStack answers 200 for a stack that does not
 * exist and StackName has no pattern, so a "successful" DeleteStack can carry this stack name. Quoted in a
 * template, it adds a second `channel` key (the last one wins), a mention and a phishing link.
 */
export const REPOINTING_STACK_NAME =
  'arn:aws:cloudformation:us-east-1:012345678910:stack/StackSet-trailguard-member-x/ <!channel> <https://evil.example/restore|Click to restore logging>","channel":"C0ATTACKER","x":"';

/**
 * Request parameters that AWS refuses, in a call it records as successful, for every character that could
 * break out of a JSON string or carry Slack markup: either the API model gives the member a pattern
 * (ValidationException otherwise), or the call fails unless the value names an existing resource whose own
 * name is constrained. Written out here from the API references, independently of
 * modules/messages/event-fields.ts, so that a field marked safe there without the evidence fails the
 * template tests. Every other request parameter of a successful call is the caller's free text.
 */
export const CONSTRAINED_WHEN_SUCCEEDED: Readonly<Record<string, readonly string[]>> = {
  // StopLogging, DeleteTrail, UpdateTrail, Put*Selectors: TrailNotFoundException / InvalidTrailNameException
  // otherwise; CreateTrail names are [A-Za-z0-9._-]. EventDataStore: pattern ^[a-zA-Z0-9._/\-:]+$.
  "cloudtrail.amazonaws.com": ["name", "trailName", "eventDataStore"],
  // Rule, bus, connection and API destination names: pattern [\.\-_A-Za-z0-9]+ (bus: also / and ARNs).
  "events.amazonaws.com": ["name", "rule"],
  // NoSuchBucket otherwise; bucket names are lowercase letters, digits, dots and hyphens.
  "s3.amazonaws.com": ["bucketName"],
  // NotFoundException otherwise; key IDs, key ARNs and alias names are constrained.
  "kms.amazonaws.com": ["keyId"],
  // LogGroupName pattern [\.\-_/#A-Za-z0-9]+.
  "logs.amazonaws.com": ["logGroupName"],
  // FunctionName pattern: (arn:...:lambda:)?(region:)?(\d{12}:)?(function:)?[a-zA-Z0-9-_\.]+(:qualifier)?.
  "lambda.amazonaws.com": ["functionName"],
  // RoleName pattern [\w+=,.@-]+.
  "iam.amazonaws.com": ["roleName"],
};

/** The request parameters of a successful record that the caller may fill with anything. */
function freeParameters(e: CloudTrailEvent): string[] {
  const params = (e.detail.requestParameters ?? {}) as Record<string, unknown>;
  const constrained = CONSTRAINED_WHEN_SUCCEEDED[String(e.detail.eventSource)] ?? [];
  return Object.keys(params).filter((k) => typeof params[k] === "string" && !constrained.includes(k));
}

/**
 * Derived variants of a real record with hostile strings in every field the caller controls: the user
 * agent always; for a failed call also the error message and every request parameter (the call failed,
 * so AWS did not have to accept them); for a successful call every string request parameter that AWS does
 * not constrain (see CONSTRAINED_WHEN_SUCCEEDED), with the hostile string appended so that the rule's
 * prefix and wildcard filters still match.
 */
export function hostileVariants(base: CloudTrailEvent): [string, CloudTrailEvent][] {
  const strings = Object.entries({ ...HOSTILE_STRINGS, repointingStackName: REPOINTING_STACK_NAME }).map(([label, s]): [string, CloudTrailEvent] => {
    const e: CloudTrailEvent = structuredClone(base);
    e.detail.userAgent = s;
    const params = (e.detail.requestParameters ?? {}) as Record<string, unknown>;
    if (isFailed(e)) {
      e.detail.errorMessage = s;
      for (const k of ["name", "trailName", "eventDataStore", ...Object.keys(params)]) params[k] = s;
      e.detail.requestParameters = params;
    } else {
      for (const k of freeParameters(e)) params[k] = `${params[k]}${s}`;
    }
    return [label, e];
  });
  return [...strings, ...Object.entries(HOSTILE_IAM_PATHS).map(([label, path]): [string, CloudTrailEvent] => [label, withIamPath(base, path)])];
}

/** The record as if its caller's user (or its session's role) had this IAM path. */
export function withIamPath(base: CloudTrailEvent, path: string): CloudTrailEvent {
  const e: CloudTrailEvent = structuredClone(base);
  const id = (e.detail.userIdentity ??= {}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const account = id.accountId ?? e.account;
  id.arn = `arn:aws:iam::${account}:user${path}${id.userName ?? "alice"}`;
  const issuer = id.sessionContext?.sessionIssuer;
  if (issuer) {
    issuer.arn = `arn:aws:iam::${account}:role${path}${issuer.userName ?? "Admin"}`;
    id.arn = `arn:aws:sts::${account}:assumed-role/${issuer.userName ?? "Admin"}/session`;
  }
  return e;
}

/** The same call made by an AWS service: no userName, no arn, no principalId; invokedBy names the service. */
export function byAwsService(base: CloudTrailEvent): CloudTrailEvent {
  const e: CloudTrailEvent = structuredClone(base);
  e.detail.userIdentity = { type: "AWSService", invokedBy: "cloudformation.amazonaws.com" };
  e.detail.sourceIPAddress = "cloudformation.amazonaws.com";
  e.detail.userAgent = "cloudformation.amazonaws.com";
  return e;
}

/** The alarm topic's key in tests (simulate's stand-in too), in the hub's account and home region. */
export const ALARM_KEY = { arn: "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000000", id: "00000000-0000-4000-8000-000000000000" } as const;

/** A self-family record with its resource renamed into trailguard's namespace (trailguard-<name>, the alarm key). */
export function asTrailguardOwn(e: CloudTrailEvent): CloudTrailEvent {
  const copy: CloudTrailEvent = structuredClone(e);
  if (copy.detail.eventSource === "kms.amazonaws.com") {
    const params = copy.detail.requestParameters as Record<string, string>;
    params.keyId = params.keyId.startsWith("arn:") ? ALARM_KEY.arn : ALARM_KEY.id;
    for (const r of copy.detail.resources ?? []) r.ARN = ALARM_KEY.arn;
    return copy;
  }
  const p = (copy.detail.requestParameters ?? {}) as Record<string, unknown>; // LeaveOrganization has none
  for (const k of ["name", "rule", "roleName", "alarmName"]) if (typeof p[k] === "string") p[k] = `trailguard-${p[k]}`;
  if (Array.isArray(p.alarmNames)) p.alarmNames = p.alarmNames.map((n) => `trailguard-${n}`);
  if (typeof p.functionName === "string") p.functionName = (p.functionName as string).replace(/^(arn:.*:function:)?(.*)$/, "$1trailguard-$2");
  // The last segment of a queue URL or topic ARN is the resource's name.
  for (const k of ["queueUrl", "topicArn"]) if (typeof p[k] === "string") p[k] = (p[k] as string).replace(/([/:])([^/:]+)$/, "$1trailguard-$2");
  if (typeof p.logGroupName === "string") p.logGroupName = `/aws/lambda/trailguard-${p.logGroupName}`;
  // A StackSet's stack in a member account is named StackSet-<StackSet name>-<UUID>.
  if (typeof p.stackName === "string") p.stackName = `StackSet-trailguard-member-edges-${p.stackName}`;
  if (typeof p.stackSetName === "string") p.stackSetName = `trailguard-member-${p.stackSetName}`;
  return copy;
}
export const readOnly = (e: CloudTrailEvent): CloudTrailEvent => {
  const copy: CloudTrailEvent = structuredClone(e);
  copy.detail.eventName = `Get${String(e.detail.eventName).replace(/^(Delete|Put|Update|Disable|Stop|Schedule|Remove|Leave|Deauthorize)/, "")}`;
  return copy;
};

