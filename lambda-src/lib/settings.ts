/**
 * What the Lambda knows about the deployment, passed by Terraform as JSON in one environment variable
 * (TRAILGUARD_SETTINGS). Not secret: trail names, the Slack channel ID, the mode. Parsed by hand (no schema
 * library) to keep the bundle small; trailguard's synth validated it already.
 */

export type RemediationMode = "enforce" | "dry-run" | "off";

/** A trail's known-good settings: what trailguard restores. */
export interface KnownGoodTrail {
  readonly name: string;
  readonly homeRegion: string;
  readonly multiRegion: boolean;
  readonly includeGlobalEvents: boolean;
  readonly logFileValidation: boolean;
  readonly s3Bucket: string;
  readonly s3KeyPrefix?: string;
  /** KMS key ARN, or absent for SSE-S3. */
  readonly kmsKeyId?: string;
  /** CloudWatch Logs delivery, restored when both are set. */
  readonly cloudWatchLogGroup?: string;
  readonly cloudWatchLogsRoleArn?: string;
  /** Known-good IsOrganizationTrail, when set. */
  readonly organizationTrail?: boolean;
  readonly managementEvents: "All";
}

/** What happens to a trail the config does not list: logging restarted (nothing else), or reported only. */
export type UnlistedTrails = "restart" | "report";

export interface RemediationSettings {
  readonly mode: RemediationMode;
  readonly unlistedTrails: UnlistedTrails;
  readonly recreateDeletedTrails: boolean;
  readonly trails: readonly KnownGoodTrail[];
  /** chat.postMessage needs the channel in the body; absent for an incoming webhook. */
  readonly slackChannel?: string;
  /**
   * An organization's member role (`<namePrefix>-member-remediation`): a trail of another account is
   * restarted through it. Absent: only this account's trails are touched.
   */
  readonly memberRoleName?: string;
  /** Names shown beside account IDs in reports. */
  readonly accountNames?: Readonly<Record<string, string>>;
  /** The hub bus (in the Lambda's region) that reports are put on: only trailguard's roles may write there. */
  readonly reportEventBus: string;
}

export const SETTINGS_ENV = "TRAILGUARD_SETTINGS";

export class SettingsError extends Error {
  override readonly name = "SettingsError";
}

function req<T>(ok: boolean, value: T, what: string): T {
  if (!ok) throw new SettingsError(`${SETTINGS_ENV}: ${what}`);
  return value;
}

/** The object without its null-valued fields. */
function withoutNulls(o: Record<string, unknown>): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return Object.fromEntries(Object.entries(o).filter(([, value]) => value !== null));
}

export function parseSettings(json: string | undefined): RemediationSettings {
  const raw = req(json !== undefined && json !== "", json as string, "is not set");
  let v: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    v = JSON.parse(raw);
  } catch {
    throw new SettingsError(`${SETTINGS_ENV}: not valid JSON`);
  }
  req(v !== null && typeof v === "object", v, "must be an object");
  const mode = req(["enforce", "dry-run", "off"].includes(v.mode), v.mode as RemediationMode, "mode must be enforce, dry-run or off");
  const trails = req(Array.isArray(v.trails), v.trails as unknown[], "trails must be a list").map((item: any, i: number) => {
    const at = `trails[${i}]`;
    req(item !== null && typeof item === "object", item, `${at} must be an object`);
    // The Terraform module writes an unset optional attribute as null (jsonencode of its `trails` variable).
    const t = withoutNulls(item);
    for (const k of ["name", "homeRegion", "s3Bucket"]) req(typeof t[k] === "string" && t[k] !== "", 0, `${at}.${k} must be a string`);
    for (const k of ["multiRegion", "includeGlobalEvents", "logFileValidation"]) req(typeof t[k] === "boolean", 0, `${at}.${k} must be true or false`);
    for (const k of ["s3KeyPrefix", "kmsKeyId", "cloudWatchLogGroup", "cloudWatchLogsRoleArn"]) req(t[k] === undefined || typeof t[k] === "string", 0, `${at}.${k} must be a string`);
    req(t.organizationTrail === undefined || typeof t.organizationTrail === "boolean", 0, `${at}.organizationTrail must be true or false`);
    req(t.managementEvents === "All", 0, `${at}.managementEvents must be "All"`);
    return t as KnownGoodTrail;
  });
  const unlisted = v.unlistedTrails ?? "restart";
  return {
    mode,
    unlistedTrails: req(unlisted === "restart" || unlisted === "report", unlisted as UnlistedTrails, 'unlistedTrails must be "restart" or "report"'),
    recreateDeletedTrails: req(typeof v.recreateDeletedTrails === "boolean", v.recreateDeletedTrails, "recreateDeletedTrails must be true or false"),
    trails,
    reportEventBus: req(typeof v.reportEventBus === "string" && v.reportEventBus !== "", v.reportEventBus, "reportEventBus must be a bus name"),
    slackChannel: req(v.slackChannel == null || typeof v.slackChannel === "string", v.slackChannel ?? undefined, "slackChannel must be a string"),
    ...(v.memberRoleName != null ? { memberRoleName: req(typeof v.memberRoleName === "string" && /^[\w+=,.@-]{1,64}$/.test(v.memberRoleName), v.memberRoleName, "memberRoleName must be an IAM role name") } : {}),
    ...(v.accountNames != null
      ? { accountNames: req(typeof v.accountNames === "object" && Object.values(v.accountNames).every((n) => typeof n === "string"), v.accountNames, "accountNames must map account IDs to names") }
      : {}),
  };
}
