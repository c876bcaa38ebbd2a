import { Testing } from "cdktf";
import { z } from "zod";
import { configSchema, parseConfig } from "../modules/config";
import { TrailguardStack } from "../modules/constructs";
import { bundleZips } from "./build-lambdas";
import { configTable, outputsTable, resourcesTable, variablesTable } from "../modules/docs/readme-tables";

function synth(slack: object): any {
  const stack = new TrailguardStack(Testing.app(), "trailguard", { config: parseConfig({ slack }), bundles: bundleZips() });
  return JSON.parse(Testing.synth(stack));
}

/** Every generated README section, from the code as it is now. */
export function readmeSections(): Record<string, string> {
  const channel = synth({ channel: "C0123ABCDEF" });
  const webhook = synth({ incomingWebhook: true });
  return {
    config: configTable(z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as never),
    variables: variablesTable({ "`slack.channel` is set": channel, "`slack.incomingWebhook` is true": webhook }),
    outputs: outputsTable(channel),
    resources: resourcesTable(channel),
  };
}
