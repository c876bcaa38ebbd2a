import type { EVERY_REGION, SelfCheckSettings } from "../../lambda-src/lib/self-check-settings";

/** Hub rules (name -> target IDs) and edge rules (name -> regions), as the stack named them. */
export interface SelfCheckProps {
  readonly hubBus: string;
  readonly hubRules: Readonly<Record<string, readonly string[]>>;
  /** Edge rules and their regions; `"every region"` for the rules in all of `regions`. */
  readonly edgeRules: Readonly<Record<string, readonly string[] | typeof EVERY_REGION>>;
  readonly slackName: string;
  /** chat.postMessage's URL, or undefined for an incoming webhook (whose URL is a secret). */
  readonly postMessageUrl?: string;
  readonly deadLetterQueue: string;
  /** Every configured region: `local.regions`, so the settings do not repeat the list. */
  readonly regions: readonly string[];
}

/** Slack's incoming webhooks live under this prefix (api.slack.com, "Sending messages using incoming webhooks"). */
export const WEBHOOK_URL_PREFIX = "https://hooks.slack.com/";

/** The heartbeat's TRAILGUARD_SELFCHECK: what to verify, by name. No secret. */
export function selfCheckSettings(p: SelfCheckProps): SelfCheckSettings {
  return {
    hubBus: p.hubBus,
    hubRules: p.hubRules,
    edgeRules: p.edgeRules,
    connection: p.slackName,
    apiDestination: p.slackName,
    endpoint: p.postMessageUrl ? { equals: p.postMessageUrl } : { startsWith: WEBHOOK_URL_PREFIX },
    deadLetterQueue: p.deadLetterQueue,
    regions: p.regions,
  };
}
