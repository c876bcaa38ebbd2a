import { z } from "zod";
import { DEFAULT_REGIONS, KNOWN_REGIONS } from "./regions";

/**
 * The one schema of trailguard's configuration: every field, its default and its constraint.
 * Secrets are not here on purpose: the Slack token and webhook URL are sensitive Terraform variables.
 */

const region = z.string().refine((r) => KNOWN_REGIONS.includes(r), {
  error: (issue) =>
    `unknown region ${JSON.stringify(issue.input)}; expected one of ${KNOWN_REGIONS.join(", ")}`,
});

/**
 * Slack channel as chat.postMessage accepts it: a conversation ID (C…, G…) or "#name".
 * The value is pasted into the EventBridge input template, so only these characters are allowed.
 */
const SLACK_CHANNEL = /^(?:[CG][A-Z0-9]{2,}|#[a-z0-9][a-z0-9._-]{0,79})$/;

const slack = z
  .strictObject({
    channel: z
      .string()
      .regex(SLACK_CHANNEL, 'must be a Slack channel ID such as "C0123ABCD" or a name such as "#security-alerts"')
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

// AWS tag rules: keys 1-128 chars, values 0-256, letters, digits, spaces and _ . : / = + - @
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const tags = z.record(
  z.string().min(1).max(128).regex(TAG_CHARS, "tag keys may use letters, digits, spaces and _ . : / = + - @"),
  z.string().max(256).regex(TAG_CHARS, "tag values may use letters, digits, spaces and _ . : / = + - @"),
);

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
    slack,
    namePrefix: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,22}$/, "must be 1-23 lowercase letters, digits or '-', starting with a letter")
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
        defaultText: "local state: terraform.tfstate beside cdk.tf.json",
      }),
    tags: tags
      .default({})
      .meta({ description: "Tags for every taggable resource, added to `ManagedBy = trailguard`." }),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.regions.forEach((r, i) => {
      if (seen.has(r)) ctx.addIssue({ code: "custom", path: ["regions", i], message: `duplicate region "${r}"` });
      seen.add(r);
    });
    if (!c.regions.includes(c.homeRegion)) {
      ctx.addIssue({
        code: "custom",
        path: ["homeRegion"],
        message: `"${c.homeRegion}" is not in regions; the trail's home region needs a rule too`,
      });
    }
  });

/** What a config file may contain (defaults not applied). */
export type TrailguardConfigInput = z.input<typeof configSchema>;
/** A validated config with every default applied. */
export type TrailguardConfig = z.output<typeof configSchema>;
