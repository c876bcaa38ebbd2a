import { DEFAULT_REGIONS, KNOWN_REGIONS } from "../config/regions";
import { FORMATS } from "../config/schema";
import { TRAIL_JSON_BUDGET, TRAILS_HCL } from "../constructs/trail-locals";
import type { Value } from "../quotas/worst-case";

/**
 * The generated module's variables: what Terraform decides at plan. Formats come from the config schema
 * (FORMATS), so the config file and the module refuse the same values with the same words.
 */
export interface ModuleVariable {
  readonly name: string;
  /** Terraform type constraint. */
  readonly type: string;
  readonly description: string;
  /** Absent: required. `null`: optional, and null means "not set". Other defaults make null an error. */
  readonly default?: unknown;
  readonly sensitive?: boolean;
  /** Each condition is HCL; it may read other variables (Terraform 1.9+). */
  readonly validation?: readonly { readonly condition: string; readonly errorMessage: string }[];
  /** The longest value the validation allows, for the quota preflight (worst-case.ts). */
  readonly worstCase: Value;
}

/** An HCL string literal (HCL's escapes are JSON's for what these hold). */
const str = (s: string) => JSON.stringify(s);
/** `regex()` of a FORMATS pattern, whole-string. */
const matches = (format: { pattern: RegExp }, value: string) => `can(regex(${str(format.pattern.source)}, ${value}))`;
/** Every item of `list` whose `field` is set matches `format`. */
const everyTrail = (field: string, format: { pattern: RegExp; message: string }, optional = false) => ({
  condition: `alltrue([for t in var.trails : ${optional ? `t.${field} == null ? true : ` : ""}${matches(format, `t.${field}`)}])`,
  errorMessage: `trails[*].${field} ${format.message}.`,
});

/** A 12-digit account in the size checks: the account is known only at apply, its length always. */
const ANY_ACCOUNT = '"123456789012"';
const longest = (xs: readonly string[]) => [...xs].sort((a, b) => b.length - a.length)[0];

export const MODULE_VARIABLES: readonly ModuleVariable[] = [
  {
    name: "regions",
    type: "list(string)",
    default: [...DEFAULT_REGIONS],
    description:
      "Regions that get edge rules. CloudTrail events reach EventBridge only in the region of the call, so list every region an attacker can use. Default: the 17 regions enabled by default in every account.",
    validation: [
      { condition: "length(var.regions) > 0", errorMessage: "regions: list at least one region." },
      { condition: "length(distinct(var.regions)) == length(var.regions)", errorMessage: "regions: a region is listed twice." },
      { condition: `alltrue([for r in var.regions : contains(${JSON.stringify(KNOWN_REGIONS)}, r)])`, errorMessage: `regions: unknown region; expected some of ${KNOWN_REGIONS.join(", ")}.` },
    ],
    worstCase: [...KNOWN_REGIONS],
  },
  {
    name: "home_region",
    type: "string",
    default: "us-east-1",
    description: "Region of the hub (the bus, the detection rules, Slack, the Lambdas, the alarms); must be in regions. The provider's region should be this one: IAM goes through it.",
    validation: [{ condition: "contains(var.regions, var.home_region)", errorMessage: "home_region must be one of regions: the hub's region needs an edge too." }],
    worstCase: longest(KNOWN_REGIONS),
  },
  {
    name: "name_prefix",
    type: "string",
    default: "trailguard",
    description: "Prefix of every resource name, so two deployments can share an account.",
    validation: [{ condition: matches(FORMATS.namePrefix, "var.name_prefix"), errorMessage: `name_prefix ${FORMATS.namePrefix.message}.` }],
    worstCase: "t".repeat(23),
  },
  {
    name: "slack_channel",
    type: "string",
    default: null,
    description: "Post with chat.postMessage to this channel ID (or #name), authenticated by slack_token. Null: post to the incoming webhook slack_webhook_url.",
    validation: [{ condition: `var.slack_channel == null ? true : ${matches(FORMATS.slackChannel, "var.slack_channel")}`, errorMessage: `slack_channel ${FORMATS.slackChannel.message}.` }],
    worstCase: `#${"c".repeat(80)}`,
  },
  {
    name: "slack_token",
    type: "string",
    default: null,
    sensitive: true,
    description: "Slack bot token (xoxb-...) with chat:write, when slack_channel is set. Secret: supply it with TF_VAR_slack_token or a sensitive workspace variable. Checked by preconditions, which never print it.",
    worstCase: null,
  },
  {
    name: "slack_webhook_url",
    type: "string",
    default: null,
    sensitive: true,
    description: "Slack incoming webhook URL (https://hooks.slack.com/services/...), when slack_channel is null. Secret: anyone holding it can post to the channel. Checked by preconditions, which never print it.",
    worstCase: null,
  },
  {
    name: "trails",
    type: `list(object({
    name                      = string
    home_region               = optional(string)
    multi_region              = optional(bool, true)
    include_global_events     = optional(bool, true)
    log_file_validation       = optional(bool, true)
    s3_bucket                 = string
    s3_key_prefix             = optional(string)
    kms_key_id                = optional(string)
    cloud_watch_log_group     = optional(string)
    cloud_watch_logs_role_arn = optional(string)
    organization_trail        = optional(bool)
  }))`,
    default: [],
    description:
      "Trails restored to these known-good settings (the config file's `trails`, in snake_case; home_region defaults to home_region). Their bucket, key and log group narrow the delivery-path detections. Any other trail only gets its logging restarted.",
    validation: [
      everyTrail("name", FORMATS.trailName),
      { condition: `alltrue([for t in var.trails : t.home_region == null ? true : contains(${JSON.stringify(KNOWN_REGIONS)}, t.home_region)])`, errorMessage: "trails[*].home_region: unknown region." },
      everyTrail("s3_bucket", FORMATS.bucket),
      everyTrail("s3_key_prefix", FORMATS.s3KeyPrefix, true),
      everyTrail("kms_key_id", FORMATS.kmsKeyArn, true),
      everyTrail("cloud_watch_log_group", FORMATS.logGroup, true),
      everyTrail("cloud_watch_logs_role_arn", FORMATS.roleArn, true),
      {
        condition: "length(distinct([for t in var.trails : \"${t.name}@${coalesce(t.home_region, var.home_region)}\"])) == length(var.trails)",
        errorMessage: "trails: a trail is listed twice (same name and home region).",
      },
      // What the quota preflight assumed (trail-locals.ts): the lists Terraform builds from this variable fit.
      {
        // The same HCL as the locals (a validation cannot read a local), so the measure is the pattern's own text.
        condition: `length(${TRAILS_HCL.filter(TRAILS_HCL.buckets("var.trails"))}) + length(${TRAILS_HCL.filter(TRAILS_HCL.keyForms(TRAILS_HCL.keyArns("var.trails")))}) + length(${TRAILS_HCL.filter(TRAILS_HCL.logGroups("var.trails"))}) <= ${TRAIL_JSON_BUDGET.filters}`,
        errorMessage: `trails: the buckets, keys and log groups take more than ${TRAIL_JSON_BUDGET.filters} characters in the delivery-path rule's event pattern (2,048 in all); list fewer trails here and use the construct or a config file, where synth measures the real pattern.`,
      },
      {
        condition: `length(jsonencode(${TRAILS_HCL.settings("var.trails", "var.home_region")})) <= ${TRAIL_JSON_BUDGET.settings}`,
        errorMessage: `trails: the known-good settings take more than ${TRAIL_JSON_BUDGET.settings} bytes of the Lambdas' 4 KB environment; list fewer trails or shorter values.`,
      },
      {
        condition: `length(jsonencode(${TRAILS_HCL.trailArnsOrNone("var.trails", "var.home_region", ANY_ACCOUNT)})) + length(jsonencode(${TRAILS_HCL.rolesOrNone(TRAILS_HCL.logDeliveryRoles("var.trails"), ANY_ACCOUNT)})) <= ${TRAIL_JSON_BUDGET.arns}`,
        errorMessage: `trails: the trail and role ARNs take more than ${TRAIL_JSON_BUDGET.arns} characters of the remediation roles' policies (10,240 each); list fewer trails.`,
      },
    ],
    worstCase: [],
  },
  {
    name: "remediation_mode",
    type: "string",
    default: "enforce",
    description:
      "`enforce` restores trails; `dry-run` reports what it would do and holds no write permission. (`off`, no Lambda, needs a module generated from a config: see the README.)",
    validation: [{ condition: 'contains(["enforce", "dry-run"], var.remediation_mode)', errorMessage: 'remediation_mode must be "enforce" or "dry-run".' }],
    worstCase: "dry-run",
  },
  {
    name: "alarm_email",
    type: "string",
    default: null,
    description: "Subscribe this address to the alarm topic (SNS sends a confirmation link first). Null: no subscription.",
    validation: [{ condition: `var.alarm_email == null ? true : ${matches(FORMATS.email, "var.alarm_email")}`, errorMessage: `alarm_email ${FORMATS.email.message}.` }],
    worstCase: `${"e".repeat(64)}@${"d".repeat(253)}.${"c".repeat(63)}`,
  },
  {
    name: "tags",
    type: "map(string)",
    default: {},
    description: "Tags for every taggable resource, added to ManagedBy = trailguard.",
    validation: [
      { condition: "length(var.tags) <= 49", errorMessage: "tags: at most 49 (AWS allows 50 per resource, and trailguard adds ManagedBy)." },
      { condition: `alltrue([for k, v in var.tags : ${matches(FORMATS.tagKey, "k")} && ${matches(FORMATS.tagValue, "v")}])`, errorMessage: `tags: ${FORMATS.tagKey.message}; ${FORMATS.tagValue.message}.` },
    ],
    worstCase: Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`${String(i).padStart(2, "0")}${"k".repeat(126)}`, "v".repeat(256)])),
  },
];
