import {
  CloudTrailClient,
  CreateTrailCommand,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  UpdateTrailCommand,
} from "@aws-sdk/client-cloudtrail";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { callSignal, clientOptions, Clock, isRetryable, unboundedClock } from "./budget";
import type { Selectors, Step, TrailState } from "./reconcile";
import type { Report } from "./report";
import { reportEntry } from "./report";

/**
 * The AWS calls the Lambda makes, one function each, over clients made per region: StopLogging and the
 * other trail calls must be made in the trail's home region (InvalidHomeRegionException elsewhere).
 */

export interface Clients {
  cloudTrail(region: string): CloudTrailClient;
  /** EventBridge in `region`, the Lambda's own by default (where the hub bus is). */
  events(region?: string): EventBridgeClient;
  /**
   * The same clients, CloudTrail's signed as `role` of `account` (sts:AssumeRole; the session's name
   * carries the event ID, so the member's CloudTrail shows why trailguard acted). Reports still go to the
   * hub bus with the Lambda's own role.
   */
  inAccount?(account: string, role: string, sessionName: string): Promise<Clients>;
}

/** Every call of the client gets the invocation's time budget (see budget.ts) unless it brings its own signal. */
export function bounded<C extends { send: (...args: any[]) => Promise<any> }>(client: C, clock: Clock): C { // eslint-disable-line @typescript-eslint/no-explicit-any
  const send = client.send.bind(client);
  client.send = ((command: unknown, options?: { abortSignal?: AbortSignal }) => send(command, { abortSignal: callSignal(clock), ...options })) as C["send"];
  return client;
}

/** A client per key, made on first use and kept across warm invocations. */
export function clientCache(): <T>(key: string, make: () => T) => T {
  const cache = new Map<string, unknown>();
  return <T>(key: string, make: () => T): T => {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key) as T;
  };
}

/**
 * Clients for the Lambda runtime: one per service and region, kept across warm invocations, with request
 * timeouts, adaptive retries, and every call bounded by the invocation's remaining time (`clock`).
 */
export function sdkClients(lambdaRegion: string, clock: Clock = unboundedClock): Clients {
  const once = clientCache();
  return {
    cloudTrail: (region) => once(`cloudtrail:${region}`, () => bounded(new CloudTrailClient(clientOptions(region)), clock)),
    events: (region = lambdaRegion) => once(`events:${region}`, () => bounded(new EventBridgeClient(clientOptions(region)), clock)),
  };
}

/** A session name for sts:AssumeRole (2-64 of [\w+=,.@-], AssumeRole API reference): `trailguard-<event ID>`. */
export const SESSION_PREFIX = "trailguard-";
export const sessionName = (eventId: string) => `${SESSION_PREFIX}${eventId.replace(/[^\w+=,.@-]/g, "-")}`.slice(0, 64);

/** The trail as DescribeTrails sees it from `region` (shadow trails included), or undefined if absent. */
export async function describeTrail(c: Clients, region: string, nameOrArn: string): Promise<TrailState | undefined> {
  const out = await c.cloudTrail(region).send(new DescribeTrailsCommand({ trailNameList: [nameOrArn], includeShadowTrails: true }));
  const t = out.trailList?.[0];
  if (!t?.TrailARN || !t.Name || !t.HomeRegion) return undefined;
  return {
    arn: t.TrailARN,
    name: t.Name,
    homeRegion: t.HomeRegion,
    multiRegion: t.IsMultiRegionTrail ?? false,
    includeGlobalEvents: t.IncludeGlobalServiceEvents ?? false,
    logFileValidation: t.LogFileValidationEnabled ?? false,
    s3Bucket: t.S3BucketName,
    s3KeyPrefix: t.S3KeyPrefix,
    kmsKeyId: t.KmsKeyId,
    cloudWatchLogsLogGroupArn: t.CloudWatchLogsLogGroupArn,
    cloudWatchLogsRoleArn: t.CloudWatchLogsRoleArn,
    organizationTrail: t.IsOrganizationTrail ?? false,
  };
}

export interface TrailStatus {
  readonly isLogging: boolean;
  readonly stopLoggingTime?: Date;
}

export async function trailStatus(c: Clients, trail: TrailState): Promise<TrailStatus> {
  const s = await c.cloudTrail(trail.homeRegion).send(new GetTrailStatusCommand({ Name: trail.arn }));
  return { isLogging: s.IsLogging ?? false, stopLoggingTime: s.StopLoggingTime };
}

export async function eventSelectors(c: Clients, trail: TrailState): Promise<Selectors> {
  const s = await c.cloudTrail(trail.homeRegion).send(new GetEventSelectorsCommand({ TrailName: trail.arn }));
  return { basic: s.EventSelectors, advanced: s.AdvancedEventSelectors };
}

/** Make one planned call in `region` (the trail's home region). */
export async function execute(c: Clients, region: string, trailArn: string, step: Step): Promise<void> {
  const ct = c.cloudTrail(region);
  switch (step.op) {
    case "StartLogging":
      await ct.send(new StartLoggingCommand({ Name: trailArn }));
      return;
    case "UpdateTrail":
      await ct.send(new UpdateTrailCommand(step.input));
      return;
    case "PutEventSelectors":
      await ct.send(new PutEventSelectorsCommand(step.input));
      return;
    case "CreateTrail":
      try {
        await ct.send(new CreateTrailCommand(step.input));
      } catch (e) {
        // A retried invocation finds the trail its first attempt created: carry on (StartLogging is next).
        if (e instanceof Error && e.name === "TrailAlreadyExistsException") return;
        throw e;
      }
      return;
  }
}

/** Put the report on the hub bus (in the Lambda's region), where the report rule sends it to Slack. */
export async function sendReport(c: Clients, report: Report, eventBus: string, channel?: string, abortSignal?: AbortSignal): Promise<void> {
  const out = await c.events().send(new PutEventsCommand({ Entries: [reportEntry(report, eventBus, channel)] }), { abortSignal });
  if (out.FailedEntryCount) {
    // A failed entry (InternalFailure, ThrottlingException) is worth another try, as a failed call is.
    const e = out.Entries?.find((x) => x.ErrorCode);
    throw Object.assign(new Error(e?.ErrorMessage ?? "PutEvents failed"), { name: e?.ErrorCode ?? "PutEventsFailed", $retryable: e?.ErrorCode !== "AccessDeniedException" ? {} : undefined });
  }
}

/** The AWS error code and message of a failed call (SDK errors carry the code in `name`), and whether it may pass. */
export function awsError(e: unknown): { code: string; message: string; retryable: boolean } {
  if (e instanceof Error) return { code: e.name || "Error", message: e.message, retryable: isRetryable(e) };
  return { code: "Error", message: String(e), retryable: false };
}
