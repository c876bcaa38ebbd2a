import { Construct } from "constructs";
import { ref, TerraformLocal, Token } from "../cdk";
import { TerraformJson } from "../terraform-json";
import type { Value } from "../quotas/worst-case";

export interface TrailLocalsProps {
  /** HCL of the module's `trails` variable: a list of objects in snake_case (see terraform-module/variables.ts). */
  readonly trails: string;
  /** HCL of the home region: a trail's `home_region` defaults to it. */
  readonly homeRegion: string;
}

/**
 * Trail names and ARNs that the IAM documents could never match. IAM refuses a statement without a
 * resource, so with no listed trail the listed-trail statements name these. CreateTrail: a trail name
 * "must start with a letter or number" (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html);
 * CreateRole: a role name uses "alphanumeric and '+=,.@-_' characters"
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html). So `!none` names neither.
 */
export const NO_TRAIL_NAME = "!none";

/** An event-pattern value that filters nothing: the field exists (every call of these names has it). */
const ANY_VALUE = "jsonencode([{ exists = true }])";

/**
 * HCL over the module's `trails` variable (`T`, a list of snake_case objects) and home region (`H`): the
 * locals below, and the variable's size checks (terraform-module/variables.ts), use the same text.
 */
export const TRAILS_HCL = {
  /** A delivery-path filter as the event pattern holds it: the values' JSON, or "any value" when there are none. */
  filter: (values: string) => `length(${values}) > 0 ? jsonencode(${values}) : ${ANY_VALUE}`,
  /** The listed trails' ARNs, or the placeholder that matches no trail. */
  trailArnsOrNone: (T: string, H: string, account: string) =>
    `length(${T}) > 0 ? ${TRAILS_HCL.trailArns(T, H, account)} : ["arn:aws:cloudtrail:*:\${${account}}:trail/${NO_TRAIL_NAME}"]`,
  /** The log delivery roles, or the placeholder that matches no role. */
  rolesOrNone: (roles: string, account: string) => `length(${roles}) > 0 ? ${roles} : ["arn:aws:iam::\${${account}}:role/${NO_TRAIL_NAME}"]`,
  buckets: (T: string) => `distinct([for t in ${T} : t.s3_bucket])`,
  keyArns: (T: string) => `distinct(compact([for t in ${T} : t.kms_key_id]))`,
  /** KMS calls name a key by ARN or by ID: both forms of each key ARN. */
  keyForms: (keyArns: string) => `flatten([for k in ${keyArns} : [k, element(split("/", k), 1)]])`,
  logGroups: (T: string) => `distinct(compact([for t in ${T} : t.cloud_watch_log_group]))`,
  trailArns: (T: string, H: string, account: string) => `[for t in ${T} : "arn:aws:cloudtrail:\${coalesce(t.home_region, ${H})}:\${${account}}:trail/\${t.name}"]`,
  logDeliveryRoles: (T: string) => `distinct(compact([for t in ${T} : t.cloud_watch_log_group != null ? t.cloud_watch_logs_role_arn : null]))`,
  /** The Lambdas' `trails` setting: the config file's known-good trail, field for field (remediation/settings.ts). */
  settings: (T: string, H: string) =>
    `[for t in ${T} : { name = t.name, homeRegion = coalesce(t.home_region, ${H}), multiRegion = t.multi_region, ` +
    `includeGlobalEvents = t.include_global_events, logFileValidation = t.log_file_validation, s3Bucket = t.s3_bucket, ` +
    `s3KeyPrefix = t.s3_key_prefix, kmsKeyId = t.kms_key_id, cloudWatchLogGroup = t.cloud_watch_log_group, ` +
    `cloudWatchLogsRoleArn = t.cloud_watch_logs_role_arn, organizationTrail = t.organization_trail, managementEvents = "All" }]`,
};

/**
 * The generated module's trails, computed by Terraform from its `trails` variable at plan, as Terraform
 * locals: the delivery-path filters (JSON lists, never empty: `[{"exists":true}]` filters nothing), the
 * ARNs the remediation roles may act on, and the Lambdas' known-good settings. A config file's trails
 * are known at synth and never come here.
 */
export class TrailLocals extends Construct {
  readonly bucketFilter: TerraformJson;
  readonly keyFilter: TerraformJson;
  readonly logGroupFilter: TerraformJson;
  /** The Lambdas' `trails` setting (lambda-src/lib/settings.ts): camelCase, an unset field is null. */
  readonly settings: TerraformJson;
  /**
   * For the quota preflight, which does not evaluate `for` expressions: each local at the longest value
   * the `trails` variable's validation allows (terraform-module/variables.ts bounds the JSON sizes).
   */
  readonly worstCase: Record<string, Value>;

  constructor(scope: Construct, id: string, private readonly props: TrailLocalsProps) {
    super(scope, id);
    const { trails: T, homeRegion: H } = props;
    this.local("trail_buckets", TRAILS_HCL.buckets(T));
    this.local("trail_key_arns", TRAILS_HCL.keyArns(T));
    this.local("trail_log_groups", TRAILS_HCL.logGroups(T));
    this.bucketFilter = this.json("trail_bucket_filter", TRAILS_HCL.filter("local.trail_buckets"));
    this.keyFilter = this.json("trail_key_filter", TRAILS_HCL.filter(TRAILS_HCL.keyForms("local.trail_key_arns")));
    this.logGroupFilter = this.json("trail_log_group_filter", TRAILS_HCL.filter("local.trail_log_groups"));
    this.local("remediation_trails", TRAILS_HCL.settings(T, H));
    this.settings = new TerraformJson(Token.asString(ref("jsonencode(local.remediation_trails)")));
    this.worstCase = trailsWorstCase();
  }

  /** ARNs of the listed trails, in their home regions; `account` is HCL (`local.account_id`). */
  trailArns(account: string): string[] {
    const T = this.props.trails;
    return this.list("listed_trail_arns", TRAILS_HCL.trailArnsOrNone(T, this.props.homeRegion, account));
  }

  /** Roles CloudTrail delivers to a listed log group with (remediation may pass them). */
  logDeliveryRoleArns(account: string): string[] {
    this.local("log_delivery_roles", TRAILS_HCL.logDeliveryRoles(this.props.trails));
    return this.list("log_delivery_role_arns", TRAILS_HCL.rolesOrNone("local.log_delivery_roles", account));
  }

  private local(name: string, hcl: string): TerraformLocal {
    const local = new TerraformLocal(this, name, ref(hcl));
    local.overrideLogicalId(name);
    return local;
  }

  private json(name: string, hcl: string): TerraformJson {
    return new TerraformJson(this.local(name, hcl).asString);
  }

  private list(name: string, hcl: string): string[] {
    return this.local(name, hcl).asList;
  }
}

/**
 * The most the `trails` variable's validation lets each computed list weigh, as JSON characters. The
 * documents that carry them fit AWS's quotas with these in place (the preflight proves it at generation):
 * the delivery-path filters in the hub rule's 2,048-character pattern, the trail settings in the Lambdas'
 * 4 KB environment, the ARNs in the roles' 10,240-character policies.
 */
export const TRAIL_JSON_BUDGET = {
  /** The three filters as the delivery rule's pattern holds them (`[{"exists":true}]` when empty), together. */
  filters: 550,
  /** `remediation_trails`, the Lambdas' setting. */
  settings: 1500,
  /** `listed_trail_arns` and `log_delivery_role_arns` (placeholders included), together. */
  arns: 2500,
} as const;

/** A JSON list of one string whose JSON is `chars` long. */
const listOf = (chars: number): Value[] => ["x".repeat(Math.max(0, chars - 4))];

/** The locals the documents read (the filters, the settings, the ARN lists), each at its budget. */
function trailsWorstCase(): Record<string, Value> {
  const thirdOfFilters = Math.floor(TRAIL_JSON_BUDGET.filters / 3);
  return {
    trail_bucket_filter: JSON.stringify(listOf(thirdOfFilters)),
    trail_key_filter: JSON.stringify(listOf(thirdOfFilters)),
    trail_log_group_filter: JSON.stringify(listOf(thirdOfFilters)),
    remediation_trails: listOf(TRAIL_JSON_BUDGET.settings),
    listed_trail_arns: listOf(TRAIL_JSON_BUDGET.arns / 2),
    log_delivery_role_arns: listOf(TRAIL_JSON_BUDGET.arns / 2),
  };
}
