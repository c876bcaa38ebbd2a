import { encodeRuleDigests, HEARTBEAT_DIGESTS_FIELD, type EVERY_REGION, type RuleDigests, type SelfCheckSettings } from "../../lambda-src/lib/self-check-settings";
import { TerraformJson } from "../terraform-json";

/** Hub rules (name -> target IDs) and edge rules (name -> regions), as the stack named them. */
export interface SelfCheckProps {
  readonly hubBus: string;
  readonly hubRules: Readonly<Record<string, readonly string[]>>;
  /** Edge rules and their regions; `"every region"` for the rules in all of `regions`. */
  readonly edgeRules: Readonly<Record<string, readonly string[] | typeof EVERY_REGION | TerraformJson>>;
  readonly slackName: string;
  /**
   * chat.postMessage's URL, or undefined for an incoming webhook (whose URL is a secret); or, in the
   * generated module, the endpoint check Terraform picks at plan (`{ equals, startsWith }`, one of them null).
   */
  readonly postMessageUrl?: string | TerraformJson;
  readonly deadLetterQueue: string;
  /** Every configured region: `jsonencode(local.regions)`, so the settings do not repeat the list. */
  readonly regions: TerraformJson;
}

export interface SelfCheckDigestsProps {
  readonly hubBus: string;
  /** Each rule's pattern and target digests (Terraform expressions), hub and edge rules alike, by rule name. */
  readonly digests: Readonly<Record<string, RuleDigests>>;
}

/** The settings as synth writes them: Terraform fills in the regions (and, in the module, the endpoint). */
export type SelfCheckSettingsAtSynth = Omit<SelfCheckSettings, "regions" | "endpoint" | "edgeRules" | "digests"> & {
  readonly regions: TerraformJson;
  readonly endpoint: SelfCheckSettings["endpoint"] | TerraformJson;
  readonly edgeRules: SelfCheckProps["edgeRules"];
};

/** Slack's incoming webhooks live under this prefix (api.slack.com, "Sending messages using incoming webhooks"). */
export const WEBHOOK_URL_PREFIX = "https://hooks.slack.com/";

/** The heartbeat's TRAILGUARD_SELFCHECK: what to verify, by name. No secret. */
export function selfCheckSettings(p: SelfCheckProps): SelfCheckSettingsAtSynth {
  return {
    hubBus: p.hubBus,
    hubRules: p.hubRules,
    edgeRules: p.edgeRules,
    connection: p.slackName,
    apiDestination: p.slackName,
    endpoint:
      p.postMessageUrl instanceof TerraformJson
        ? p.postMessageUrl
        : p.postMessageUrl
          ? { equals: p.postMessageUrl }
          : { startsWith: WEBHOOK_URL_PREFIX },
    deadLetterQueue: p.deadLetterQueue,
    regions: p.regions,
  };
}

/**
 * What the heartbeat's schedule sends it: the scheduled event's account and region (unquoted placeholders,
 * which EventBridge writes as JSON strings; a scheduled event always has both) and the digests, as
 * written by {@link selfCheckDigests} (JSON text with Terraform expressions in it).
 */
export function heartbeatInput(digestsJson: string): { readonly inputPaths: Record<string, string>; readonly inputTemplate: string } {
  return { inputPaths: { account: "$.account", region: "$.region" }, inputTemplate: `{"account":<account>,"region":<region>,"${HEARTBEAT_DIGESTS_FIELD}":${digestsJson}}` };
}

/** The heartbeat event's digests (see selfCheckDigests): by the rule name after `<hubBus>-`, encoded (encodeRuleDigests). */
export function selfCheckDigests(p: SelfCheckDigestsProps): Record<string, string> {
  return Object.fromEntries(
    Object.entries(p.digests).map(([name, d]) => {
      if (!name.startsWith(`${p.hubBus}-`)) throw new Error(`rule ${name} is not named <hubBus>-...: the self-check could not find it`);
      return [name.slice(p.hubBus.length + 1), encodeRuleDigests(d)];
    }),
  );
}
