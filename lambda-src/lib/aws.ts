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
}

/** A client per key, made on first use and kept across warm invocations. */
export function clientCache(): <T>(key: string, make: () => T) => T {
  const cache = new Map<string, unknown>();
  return <T>(key: string, make: () => T): T => {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key) as T;
  };
}

/** Clients for the Lambda runtime: one per service and region, kept across warm invocations. */
export function sdkClients(lambdaRegion: string): Clients {
  const once = clientCache();
  return {
    cloudTrail: (region) => once(`cloudtrail:${region}`, () => new CloudTrailClient({ region })),
    events: (region = lambdaRegion) => once(`events:${region}`, () => new EventBridgeClient({ region })),
  };
}

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
      await ct.send(new CreateTrailCommand(step.input));
      return;
  }
}

/** Put the report on the hub bus (in the Lambda's region), where the report rule sends it to Slack. */
export async function sendReport(c: Clients, report: Report, eventBus: string, channel?: string): Promise<void> {
  const out = await c.events().send(new PutEventsCommand({ Entries: [reportEntry(report, eventBus, channel)] }));
  if (out.FailedEntryCount) {
    const e = out.Entries?.find((x) => x.ErrorCode);
    throw Object.assign(new Error(e?.ErrorMessage ?? "PutEvents failed"), { name: e?.ErrorCode ?? "PutEventsFailed" });
  }
}

/** The AWS error code and message of a failed call (SDK errors carry the code in `name`). */
export function awsError(e: unknown): { code: string; message: string } {
  if (e instanceof Error) return { code: e.name || "Error", message: e.message };
  return { code: "Error", message: String(e) };
}
