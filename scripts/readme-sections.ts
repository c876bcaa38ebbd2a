import { Testing } from "cdktf";
import { z } from "zod";
import { configSchema, parseConfig } from "../modules/config";
import { TrailguardStack } from "../modules/constructs";
import { bundleZips } from "./build-lambdas";
import { buildCatalog } from "../modules/detections";
import { moduleVariablesTable } from "../modules/terraform-module/readme";
import { catalogTable, configTable, outputsTable, resourcesTable, stratusTable, variablesTable } from "../modules/docs/readme-tables";

/** The seven AWS defense-evasion techniques of Stratus Red Team (aws.defense-evasion.<name>). */
export const STRATUS_DEFENSE_EVASION = [
  "cloudtrail-delete",
  "cloudtrail-event-selectors",
  "cloudtrail-lifecycle-rule",
  "cloudtrail-stop",
  "dns-delete-logs",
  "organizations-leave",
  "vpc-remove-flow-logs",
] as const;

function synth(slack: object): any {
  const stack = new TrailguardStack(Testing.app(), "trailguard", { config: parseConfig({ slack }), bundles: bundleZips() });
  return JSON.parse(Testing.synth(stack));
}

/** Every generated README section, from the code as it is now. */
export function readmeSections(): Record<string, string> {
  const channel = synth({ channel: "C0123ABCDEF" });
  const webhook = synth({ incomingWebhook: true });
  const catalog = buildCatalog({ namePrefix: "trailguard", trailBuckets: [], trailKeys: [], trailLogGroups: [] });
  return {
    catalog: catalogTable(catalog),
    stratus: stratusTable(catalog, STRATUS_DEFENSE_EVASION),
    config: configTable(z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as never),
    variables: variablesTable({ "`slack.channel` is set": channel, "`slack.incomingWebhook` is true": webhook }),
    outputs: outputsTable(channel),
    resources: resourcesTable(channel),
    "module-variables": moduleVariablesTable(),
  };
}
