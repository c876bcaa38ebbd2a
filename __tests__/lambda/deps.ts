import type { Logger } from "../../lambda-src/lib/log";
import { sdkClients } from "../../lambda-src/lib/aws";
import { unboundedClock } from "../../lambda-src/lib/budget";
import type { Deps } from "../../lambda-src/lib/remediate";
import type { KnownGoodTrail, RemediationSettings } from "../../lambda-src/lib/settings";

/** The trail of the stop-logging.json fixture (a Stratus Red Team detonation). */
export const FIXTURE_TRAIL: KnownGoodTrail = {
  name: "stratus-red-team-ct-stop-trail-buykxbqejv",
  homeRegion: "apiso-centralnorth-2r",
  multiRegion: true,
  includeGlobalEvents: true,
  logFileValidation: true,
  s3Bucket: "stratus-red-team-ct-stop-bucket",
  managementEvents: "All",
};
export const FIXTURE_ACCOUNT = "143434273843";
export const FIXTURE_ARN = `arn:aws:cloudtrail:${FIXTURE_TRAIL.homeRegion}:${FIXTURE_ACCOUNT}:trail/${FIXTURE_TRAIL.name}`;

export interface TestDeps extends Deps {
  readonly lines: Record<string, unknown>[];
}

export function testDeps(settings: Partial<RemediationSettings> = {}, now = new Date("2024-07-31T13:07:24Z")): TestDeps {
  const lines: Record<string, unknown>[] = [];
  const log: Logger = { log: (level, message, fields) => lines.push({ level, message, ...fields }) };
  return {
    settings: { mode: "enforce", unlistedTrails: "restart", recreateDeletedTrails: false, trails: [FIXTURE_TRAIL], slackChannel: "C0123ABCDEF", reportEventBus: "trailguard", ...settings },
    clients: sdkClients("apiso-centralnorth-2r"),
    log,
    now: () => now,
    clock: unboundedClock,
    incidents: new Map(),
    lines,
  };
}

/** DescribeTrails output for the fixture trail, healthy unless overridden. */
export function describedTrail(over: Record<string, unknown> = {}) {
  return {
    trailList: [
      {
        Name: FIXTURE_TRAIL.name,
        TrailARN: FIXTURE_ARN,
        HomeRegion: FIXTURE_TRAIL.homeRegion,
        IsMultiRegionTrail: true,
        IncludeGlobalServiceEvents: true,
        LogFileValidationEnabled: true,
        S3BucketName: FIXTURE_TRAIL.s3Bucket,
        ...over,
      },
    ],
  };
}
