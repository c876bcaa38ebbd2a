import {
  encodeRuleDigests,
  HEARTBEAT_ALARM_KEY_FIELD,
  HEARTBEAT_DIGESTS_FIELD,
  HEARTBEAT_FUNCTIONS_FIELD,
  type EVERY_REGION,
  type RuleDigests,
  type SelfCheckSettings,
} from "../../lambda-src/lib/self-check-settings";
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
  /** The alarm topic's name. */
  readonly alarmTopic: string;
  /** Whether the config subscribes an address (in the module, Terraform decides: `jsonencode(var.alarm_email != null)`). */
  readonly expectSubscriber: boolean | TerraformJson;
  /**
   * The Slack probe's secret name, when a bot token may be in use (the heartbeat probes only when the endpoint
   * is chat.postMessage, so the module names it in both modes).
   */
  readonly slackProbeSecret?: string;
}

export interface SelfCheckDigestsProps {
  readonly hubBus: string;
  /** Each rule's pattern and target digests (Terraform expressions), hub and edge rules alike, by rule name. */
  readonly digests: Readonly<Record<string, RuleDigests>>;
}

/** The settings as synth writes them: Terraform fills in the regions (and, in the module, the endpoint). */
export type SelfCheckSettingsAtSynth = Omit<SelfCheckSettings, "regions" | "endpoint" | "edgeRules" | "digests" | "functions" | "alarmKey" | "expectSubscriber"> & {
  readonly expectSubscriber: boolean | TerraformJson;
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
    alarmTopic: p.alarmTopic,
    expectSubscriber: p.expectSubscriber,
    ...(p.slackProbeSecret ? { slackProbeSecret: p.slackProbeSecret } : {}),
  };
}

/**
 * What the heartbeat's schedule sends it: the scheduled event's account and region (unquoted placeholders,
 * which EventBridge writes as JSON strings; a scheduled event always has both) and the digests, as
 * written by {@link selfCheckDigests} (JSON text with Terraform expressions in it).
 */
export function heartbeatInput(p: { readonly digestsJson: string; readonly functionsJson: string; readonly alarmKeyArn: string }): {
  readonly inputPaths: Record<string, string>;
  readonly inputTemplate: string;
} {
  return {
    inputPaths: { account: "$.account", region: "$.region" },
    inputTemplate:
      `{"account":<account>,"region":<region>,"${HEARTBEAT_DIGESTS_FIELD}":${p.digestsJson},` +
      `"${HEARTBEAT_FUNCTIONS_FIELD}":${p.functionsJson},"${HEARTBEAT_ALARM_KEY_FIELD}":${JSON.stringify(p.alarmKeyArn)}}`,
  };
}

/**
 * What each Lambda must be, as Terraform deployed it (FunctionExpectation): `aws_lambda_function.<name>`'s
 * code_sha256, role, a digest of its environment (`sha256(jsonencode(variables))`, the heartbeat computes
 * the same from GetFunction) and reserved concurrency (-1: unreserved). Terraform expressions in JSON text.
 */
export function functionExpectationsHcl(logicalNames: readonly string[]): Record<string, { code: string; role: string; env: string; concurrency: string }> {
  return Object.fromEntries(
    logicalNames.map((n) => [
      n,
      {
        code: `aws_lambda_function.${n}.code_sha256`,
        role: `aws_lambda_function.${n}.role`,
        env: `substr(sha256(jsonencode(aws_lambda_function.${n}.environment[0].variables)), 0, 16)`,
        concurrency: `aws_lambda_function.${n}.reserved_concurrent_executions`,
      },
    ]),
  );
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
