import { z } from "zod";
import { catalogNames, TRAIL_DETECTIONS } from "../detections/catalog";
import { DEFAULT_INCLUDE } from "../detections/groups";
import { patternProblems } from "../detections/pattern-validation";
import { DEFAULT_REGIONS, KNOWN_REGIONS } from "./regions";
import { TRAIL_NAME } from "../../lambda-src/lib/contract";

/**
 * The one schema of trailguard's configuration: every field, its default and its constraint.
 * Secrets are not here on purpose: the Slack token and webhook URL are sensitive Terraform variables.
 */

const region = z.string().refine((r) => KNOWN_REGIONS.includes(r), {
  error: (issue) =>
    `unknown region ${JSON.stringify(issue.input)}; expected one of ${KNOWN_REGIONS.join(", ")}`,
});

/**
 * Every string format of the config, with its message: the zod schema below and the generated module's
 * validation blocks (terraform-module/variables.ts) check the same patterns, so the two doors cannot drift.
 * Terraform's regex() is RE2: these use no lookaround and no backreference.
 */
export const FORMATS = {
  /** Slack channel as chat.postMessage accepts it: a conversation ID (C…, G…) or "#name". Pasted into the input template, so only these characters. */
  slackChannel: { pattern: /^(?:[CG][A-Z0-9]{2,20}|#[a-z0-9][a-z0-9._-]{0,79})$/, message: 'must be a Slack channel ID such as "C0123ABCD" or a name such as "#security-alerts"' },
  // AWS tag rules: keys 1-128 chars, values 0-256, letters, digits, spaces and _ . : / = + - @
  tagKey: { pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u, message: "tag keys are 1-128 letters, digits, spaces and _ . : / = + - @" },
  tagValue: { pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u, message: "tag values are 0-256 letters, digits, spaces and _ . : / = + - @" },
  trailName: { pattern: TRAIL_NAME, message: "must be a CloudTrail trail name (3-128 letters, digits, '.', '_', '-')" },
  // S3 bucket names: 3-63 lowercase letters, digits, '.', '-'.
  bucket: { pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, message: "must be an S3 bucket name" },
  s3KeyPrefix: { pattern: /^[A-Za-z0-9!_.*'()/-]{0,200}$/, message: "must be an S3 key prefix (at most 200 characters)" },
  kmsKeyArn: { pattern: /^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, message: "must be a KMS key ARN (arn:aws:kms:region:account:key/id)" },
  logGroup: { pattern: /^[A-Za-z0-9._\/#-]{1,512}$/, message: "must be a CloudWatch Logs group name" },
  roleArn: { pattern: /^arn:aws:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/, message: "must be an IAM role ARN" },
  namePrefix: { pattern: /^[a-z][a-z0-9-]{0,22}$/, message: "must be 1-23 lowercase letters, digits or '-', starting with a letter" },
  email: { pattern: /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$/, message: "must be an email address" },
  // AWS Organizations API reference, Organization.Id, Root.Id and OrganizationalUnit.Id patterns
  // (https://docs.aws.amazon.com/organizations/latest/APIReference/API_OrganizationalUnit.html).
  organizationId: { pattern: /^o-[a-z0-9]{10,32}$/, message: 'must be an organization ID: "o-" and 10-32 lowercase letters or digits' },
  organizationTarget: { pattern: /^(?:r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/, message: 'must be a root ID ("r-" and 4-32 characters) or an OU ID ("ou-xxxx-xxxxxxxx")' },
  accountId: { pattern: /^\d{12}$/, message: "must be a 12-digit account ID" },
  accountName: { pattern: /^[A-Za-z0-9 ._-]{1,50}$/, message: "must be 1-50 letters, digits, spaces or ._-" },
  // An event bus ARN: names are 1-256 of [/\.\-_A-Za-z0-9] (EventBridge API reference, CreateEventBus `Name`).
  eventBusArn: { pattern: /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9._-]{1,256}$/, message: "must be an event bus ARN (arn:aws:events:<region>:<account>:event-bus/<name>)" },
} as const;


const slack = z
  .strictObject({
    channel: z
      .string()
      .regex(FORMATS.slackChannel.pattern, FORMATS.slackChannel.message)
      .optional()
      .meta({
        description:
          "Post with chat.postMessage to this channel ID (or #name), authenticated by the bot token variable `slack_token`.",
      }),
    incomingWebhook: z
      .literal(true, { error: "must be true (or leave it out and set channel)" })
      .optional()
      .meta({ description: "Post to an incoming webhook whose URL is the sensitive variable `slack_webhook_url`." }),
  })
  .refine((s) => (s.channel === undefined) !== (s.incomingWebhook === undefined), {
    error: 'set exactly one of "channel" (chat.postMessage with a bot token) or "incomingWebhook": true',
  })
  .meta({ description: "Where alerts go: exactly one of `channel` or `incomingWebhook`." });

const tags = z.record(z.string().regex(FORMATS.tagKey.pattern, FORMATS.tagKey.message), z.string().regex(FORMATS.tagValue.pattern, FORMATS.tagValue.message));
// CloudWatch Logs PutRetentionPolicy accepts only these values.
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const knownGoodTrail = z
  .strictObject({
    name: z.string().regex(FORMATS.trailName.pattern, FORMATS.trailName.message).meta({
      description: "Trail name (not ARN).",
    }),
    homeRegion: region.optional().meta({ description: "The trail's home region.", defaultText: "the config's homeRegion" }),
    multiRegion: z.boolean().default(true).meta({ description: "Known-good IsMultiRegionTrail." }),
    includeGlobalEvents: z.boolean().default(true).meta({ description: "Known-good IncludeGlobalServiceEvents." }),
    logFileValidation: z.boolean().default(true).meta({ description: "Known-good LogFileValidationEnabled." }),
    s3Bucket: z.string().regex(FORMATS.bucket.pattern, FORMATS.bucket.message).meta({ description: "Bucket the trail delivers to." }),
    s3KeyPrefix: z.string().regex(FORMATS.s3KeyPrefix.pattern, FORMATS.s3KeyPrefix.message).optional().meta({
      description: "Key prefix; restored when set.",
      defaultText: "not checked",
    }),
    kmsKeyId: z.string().regex(FORMATS.kmsKeyArn.pattern, FORMATS.kmsKeyArn.message).optional().meta({
      description: "KMS key ARN the trail encrypts with; a removed or swapped key is put back.",
      defaultText: "not checked",
    }),
    managementEvents: z.literal("All").default("All").meta({ description: "Event selectors must record all management events." }),
    cloudWatchLogGroup: z.string().regex(FORMATS.logGroup.pattern, FORMATS.logGroup.message).optional().meta({
      description: "Log group the trail delivers to; the delivery-path detection watches it, and remediation restores delivery to it when `cloudWatchLogsRoleArn` is set too.",
      defaultText: "none",
    }),
    cloudWatchLogsRoleArn: z
      .string()
      .regex(FORMATS.roleArn.pattern, FORMATS.roleArn.message)
      .optional()
      .meta({ description: "The role CloudTrail delivers to the log group with; remediation may pass it (iam:PassRole) to restore delivery.", defaultText: "not restored" }),
    organizationTrail: z.boolean().optional().meta({ description: "Known-good IsOrganizationTrail; restored when set.", defaultText: "not checked" }),
  })
  .meta({ description: "A trail's known-good settings." });

const remediation = z
  .strictObject({
    mode: z.enum(["enforce", "dry-run", "off"]).default("enforce").meta({
      description:
        "`enforce` restores trails; `dry-run` reports what it would do and holds no write permission; `off` deploys no Lambda.",
    }),
    unlistedTrails: z.enum(["restart", "report"]).default("restart").meta({
      description:
        "A trail not in `trails`: `restart` turns its logging back on (nothing else: its settings are unknown); `report` only reports.",
    }),
    recreateDeletedTrails: z.boolean().default(false).meta({
      description: "Re-create a deleted listed trail from its known-good settings (and allow cloudtrail:CreateTrail).",
    }),
    heartbeatMinutes: z.number().int().min(1).max(1440).default(5).meta({
      description: "How often the heartbeat checks every listed trail (the backstop when tamper events stop arriving).",
    }),
    reservedConcurrency: z
      .number()
      .int()
      .min(1)
      .max(100)
      .nullable()
      .default(1)
      .meta({
        description:
          "Reserved concurrency of the remediate Lambda. 1 handles a burst of tamper events one at a time, so one incident gets one report; `null` reserves none (accounts whose concurrency quota is 10 cannot reserve any).",
      }),
    logLevel: z.enum(["debug", "info", "warn", "error"]).default("info").meta({ description: "The Lambdas' LOG_LEVEL." }),
    logRetentionDays: z
      .number()
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
        error: `must be one of ${LOG_RETENTION_DAYS.join(", ")} (CloudWatch Logs retention values)`,
      })
      .default(90)
      .meta({ description: "Retention of the Lambdas' log groups, in days." }),
  })
  .default({ mode: "enforce", unlistedTrails: "restart", recreateDeletedTrails: false, heartbeatMinutes: 5, reservedConcurrency: 1, logLevel: "info", logRetentionDays: 90 })
  .meta({ description: "The remediation Lambda." });

const SEVERITY = z.enum(["critical", "high", "medium"]);

const customRule = z
  .strictObject({
    // Rule names are <namePrefix>-custom-<id>-attempt: 64 characters at most.
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,23}$/, "must be 1-24 lowercase letters, digits or '-'").meta({
      description: "Stable id; the rule is named `<namePrefix>-custom-<id>`.",
    }),
    // Pasted into the Slack template and into cdk.tf.json: no markup, no quotes, no ${ }.
    title: z.string().regex(/^[A-Za-z0-9 .,:;()'!?/_+=@-]{1,80}$/, "must be 1-80 letters, digits, spaces or .,:;()'!?/_+=@-").meta({
      description: "Shown in the alert.",
    }),
    severity: SEVERITY.meta({ description: "critical, high or medium." }),
    eventSource: z.string().regex(/^[a-z0-9-]+\.amazonaws\.com$/, 'must be a service host such as "ec2.amazonaws.com"').meta({
      description: "CloudTrail eventSource; IAM, Organizations, STS, CloudFront, Route 53 and sign-in rules live in us-east-1 only.",
    }),
    eventNames: z
      .array(
        z.union([
          z.string().regex(/^[A-Za-z0-9]{1,128}$/, "must be an API action name"),
          z.strictObject({ prefix: z.string().regex(/^[A-Za-z0-9]{1,128}$/, "must be the start of an API action name") }),
        ]),
      )
      .min(1, "list at least one event name")
      .meta({ description: 'Names, or `{ "prefix": "UpdateFunctionConfiguration" }` for versioned names.' }),
    match: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: "EventBridge content filters on `detail` (exact, prefix, suffix, anything-but, exists, numeric, wildcard, $or)." }),
  })
  .meta({ description: "A custom detection." });

export const configSchema = z
  .strictObject({
    regions: z
      .array(region)
      .min(1, "list at least one region")
      .default([...DEFAULT_REGIONS])
      .meta({
        description:
          "Regions that get the rules. CloudTrail events reach EventBridge only in the region of the call, so list every region an attacker can use. Opt-in regions are accepted once enabled in the account.",
        defaultText: "the 17 regions enabled by default in every account",
      }),
    homeRegion: region
      .default("us-east-1")
      .meta({ description: "Home region of the trail; must be in `regions`. Global resources (IAM) are managed from here." }),
    slack: slack.optional(),
    edgeOnly: z
      .strictObject({
        hubEventBusArn: z.string().regex(FORMATS.eventBusArn.pattern, FORMATS.eventBusArn.message).meta({ description: "The hub bus this account's edges forward to." }),
        hubRemediationRoleArn: z.string().regex(FORMATS.roleArn.pattern, FORMATS.roleArn.message).optional().meta({
          description: "The hub's remediate role: with `organizationId`, this account gets `<namePrefix>-member-remediation`, so the hub can restart its trails (the management account's organization trail).",
          defaultText: "no member role",
        }),
        organizationId: z.string().regex(FORMATS.organizationId.pattern, FORMATS.organizationId.message).optional().meta({
          description: "The organization the hub's role must belong to (aws:PrincipalOrgID), with `hubRemediationRoleArn`.",
          defaultText: "no member role",
        }),
      })
      .refine((e) => (e.hubRemediationRoleArn === undefined) === (e.organizationId === undefined), {
        error: "set hubRemediationRoleArn and organizationId together (the member role trusts that role, from that organization)",
      })
      .optional()
      .meta({
        description:
          "Deploy only edges (rules, their role and dead-letter queues) that forward to another deployment's hub bus: the organization's management account when the hub is in a delegated administrator account. No Slack, Lambda or alarm here.",
        defaultText: "a full deployment: edges and the hub",
      }),
    namePrefix: z
      .string()
      .regex(FORMATS.namePrefix.pattern, FORMATS.namePrefix.message)
      .default("trailguard")
      .meta({ description: "Prefix of every resource name, so two stacks can share an account." }),
    terraformCloud: z
      .strictObject({
        organization: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be a Terraform Cloud organization name")
          .meta({ description: "Terraform Cloud / HCP Terraform organization." }),
        workspace: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,90}$/, "must be a Terraform Cloud workspace name")
          .meta({ description: "Workspace that holds the state." }),
        hostname: z
          .string()
          .regex(/^[a-z0-9.-]+$/, "must be a host name")
          .optional()
          .meta({ description: "Terraform Enterprise host name.", defaultText: "app.terraform.io" }),
      })
      .optional()
      .meta({
        description: "Keep state in Terraform Cloud (writes a `cloud` block).",
        defaultText: "local state: trailguard.tfstate where npm start runs (outside cdktf.out)",
      }),
    trails: z.array(knownGoodTrail).default([]).meta({
      description:
        "Trails trailguard restores to their known-good settings. Any other trail of the account only gets its logging restarted (see `remediation.unlistedTrails`).",
    }),
    remediation,
    detections: z
      .strictObject({
        include: z.array(z.string()).default([...DEFAULT_INCLUDE]).meta({ description: "Detection ids or families to turn on." }),
        exclude: z.array(z.string()).default([]).meta({ description: "Detection ids or families to turn off (not the trail family)." }),
      })
      .default({ include: [...DEFAULT_INCLUDE], exclude: [] })
      .meta({ description: "Which catalog detections get rules. Default: trail, delivery, self and custom rules; add `adjacent` for the opt-in family." }),
    delivery: z
      .strictObject({
        minRetentionDays: z.number().int().min(1).max(36_500).default(365).meta({
          description: "A lifecycle rule on a trail bucket that expires logs (or their old versions) sooner than this alerts.",
        }),
      })
      .default({ minRetentionDays: 365 })
      .meta({ description: "The delivery-path detections." }),
    alarms: z
      .strictObject({
        email: z
          .string()
          .regex(FORMATS.email.pattern, FORMATS.email.message)
          .optional()
          .meta({ description: "Subscribe this address to the alarm topic (SNS sends a confirmation link first).", defaultText: "no subscription" }),
      })
      .default({})
      .meta({
        description:
          "The independent path: an encrypted SNS topic gets the alarms (dead letters, failed deliveries, Lambda errors, a silent heartbeat) and every self-protection alert.",
      }),
    notifications: z
      .strictObject({
        sns: z.boolean().default(false).meta({ description: "Also publish every detection alert, as plain text, to the alarm topic." }),
      })
      .default({ sns: false })
      .meta({ description: "Where alerts go besides Slack." }),
    organization: z
      .strictObject({
        id: z.string().regex(FORMATS.organizationId.pattern, FORMATS.organizationId.message).meta({ description: "The organization: only its accounts' edges may write to the hub bus." }),
        organizationalUnits: z
          .array(z.string().regex(FORMATS.organizationTarget.pattern, FORMATS.organizationTarget.message))
          .min(1, "list at least one OU or root ID")
          .meta({ description: "OU or root IDs whose accounts get edges, now and when they join (StackSets automatic deployment)." }),
        callAs: z.enum(["SELF", "DELEGATED_ADMIN"]).default("SELF").meta({
          description: "`SELF`: the hub is in the management account; `DELEGATED_ADMIN`: in a StackSets delegated administrator account.",
        }),
        accountNames: z
          .record(z.string().regex(FORMATS.accountId.pattern, FORMATS.accountId.message), z.string().regex(FORMATS.accountName.pattern, FORMATS.accountName.message))
          .default({})
          .meta({ description: "Names shown beside account IDs in remediation reports." }),
      })
      .optional()
      .meta({
        description: "Cover every account of these OUs: edges rolled out by CloudFormation StackSets (see Organization).",
        defaultText: "this account only",
      }),
    rules: z.array(customRule).default([]).meta({ description: "Custom detections (see Custom rules)." }),
    tags: tags
      .default({})
      .meta({ description: "Tags for every taggable resource, added to `ManagedBy = trailguard`." }),
  })
  .superRefine((c, ctx) => {
    if (c.edgeOnly) {
      for (const field of ["slack", "organization"] as const) {
        if (c[field] !== undefined) ctx.addIssue({ code: "custom", path: [field], message: `an edge-only deployment has no ${field}: the hub's config holds it` });
      }
    } else if (c.slack === undefined) {
      ctx.addIssue({ code: "custom", path: ["slack"], message: 'required: set "channel" (chat.postMessage with a bot token) or "incomingWebhook": true' });
    }
    const seen = new Set<string>();
    c.regions.forEach((r, i) => {
      if (seen.has(r)) ctx.addIssue({ code: "custom", path: ["regions", i], message: `duplicate region "${r}"` });
      seen.add(r);
    });
    const trails = new Set<string>();
    c.trails.forEach((t, i) => {
      const key = `${t.name}@${t.homeRegion ?? c.homeRegion}`;
      if (trails.has(key)) ctx.addIssue({ code: "custom", path: ["trails", i, "name"], message: `duplicate trail "${t.name}"` });
      trails.add(key);
    });
    const { ids, families } = catalogNames();
    const ruleIds = new Set<string>();
    c.rules.forEach((r, i) => {
      if (ids.includes(r.id) || ruleIds.has(r.id)) {
        ctx.addIssue({ code: "custom", path: ["rules", i, "id"], message: `rule "${r.id}": id already used` });
      }
      ruleIds.add(r.id);
      if (r.match !== undefined) {
        for (const p of patternProblems(r.match, ["match"])) {
          ctx.addIssue({ code: "custom", path: ["rules", i, ...p.path], message: `rule "${r.id}": ${p.message}` });
        }
      }
    });
    (["include", "exclude"] as const).forEach((list) => {
      c.detections[list].forEach((name, i) => {
        if (!ids.includes(name) && !families.includes(name) && !ruleIds.has(name)) {
          ctx.addIssue({ code: "custom", path: ["detections", list, i], message: `unknown detection or family "${name}"` });
        }
      });
    });
    // The trail family is what trailguard exists for: its ids come from the catalog, not a name pattern
    // (trail-bucket and trail-key are delivery-path detections and may be excluded).
    const trailNames = ["trail", ...TRAIL_DETECTIONS.map((d) => d.id)];
    c.detections.exclude.forEach((name, i) => {
      if (trailNames.includes(name)) {
        ctx.addIssue({ code: "custom", path: ["detections", "exclude", i], message: `"${name}" is the trail family, which trailguard always watches` });
      }
    });
    if (!c.regions.includes(c.homeRegion)) {
      ctx.addIssue({
        code: "custom",
        path: ["homeRegion"],
        message: `"${c.homeRegion}" is not in regions; the trail's home region needs a rule too`,
      });
    }
  })
  // Each trail's home region defaults to the config's.
  .transform((c) => ({ ...c, trails: c.trails.map((t) => ({ ...t, homeRegion: t.homeRegion ?? c.homeRegion })) }));

/** What a config file may contain (defaults not applied). */
export type TrailguardConfigInput = z.input<typeof configSchema>;
/** A validated config with every default applied. */
export type TrailguardConfig = z.output<typeof configSchema>;
