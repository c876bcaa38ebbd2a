import type { RemediationSettings } from "../../lambda-src/lib/settings";
import type { TrailguardConfig } from "../config";

/** The role remediation assumes in a member account of the organization (created by the roles StackSet). */
export const memberRemediationRoleName = (namePrefix: string) => `${namePrefix}-member-remediation`;

/** Lambda environment variables are limited to 4 KB in all; leave room for the others. */
export const MAX_SETTINGS_BYTES = 3500;

/** The JSON the Lambda reads from TRAILGUARD_SETTINGS: known-good trails, mode, Slack channel, report bus. No secret. */
export function remediationSettings(config: TrailguardConfig, reportEventBus: string): RemediationSettings {
  const settings: RemediationSettings = {
    mode: config.remediation.mode,
    unlistedTrails: config.remediation.unlistedTrails,
    recreateDeletedTrails: config.remediation.recreateDeletedTrails,
    slackChannel: config.slack?.channel,
    reportEventBus,
    ...(config.organization ? { memberRoleName: memberRemediationRoleName(config.namePrefix) } : {}),
    ...(config.organization && Object.keys(config.organization.accountNames).length > 0 ? { accountNames: config.organization.accountNames } : {}),
    trails: config.trails.map((t) => ({
      name: t.name,
      homeRegion: t.homeRegion,
      multiRegion: t.multiRegion,
      includeGlobalEvents: t.includeGlobalEvents,
      logFileValidation: t.logFileValidation,
      s3Bucket: t.s3Bucket,
      ...(t.s3KeyPrefix !== undefined ? { s3KeyPrefix: t.s3KeyPrefix } : {}),
      ...(t.kmsKeyId !== undefined ? { kmsKeyId: t.kmsKeyId } : {}),
      ...(t.cloudWatchLogGroup !== undefined ? { cloudWatchLogGroup: t.cloudWatchLogGroup } : {}),
      ...(t.cloudWatchLogsRoleArn !== undefined ? { cloudWatchLogsRoleArn: t.cloudWatchLogsRoleArn } : {}),
      ...(t.organizationTrail !== undefined ? { organizationTrail: t.organizationTrail } : {}),
      managementEvents: t.managementEvents,
    })),
  };
  const bytes = Buffer.byteLength(JSON.stringify(settings));
  if (bytes > MAX_SETTINGS_BYTES) {
    throw new Error(`trails: the Lambda settings take ${bytes} bytes; Lambda environment variables allow about ${MAX_SETTINGS_BYTES}`);
  }
  return settings;
}
