import { App, Testing } from "cdktf";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfig, TrailguardConfigInput } from "../../modules/config";
import { TrailguardStack } from "../../modules/constructs";
import { bundleZips } from "../../scripts/build-lambdas";

export const CHANNEL_CONFIG: TrailguardConfigInput = {
  slack: { channel: "C0123ABCDEF" },
  tags: { Owner: "security" },
};
export const WEBHOOK_CONFIG: TrailguardConfigInput = { slack: { incomingWebhook: true } };

/**
 * The stack's cdk.tf.json as an object (in memory, through cdktf's Testing API). The Lambda bundles come
 * from dist/lambda, built once by __tests__/global-setup.ts.
 */
export function synthStack(input: TrailguardConfigInput): any {
  const app = Testing.app();
  const stack = new TrailguardStack(app, "trailguard", { config: parseConfig(input), bundles: bundleZips() });
  return JSON.parse(Testing.synth(stack));
}

/** Synthesize to `outdir` exactly as main.ts does; returns the path of cdk.tf.json. */
export function synthToDisk(input: TrailguardConfigInput, outdir: string): string {
  const app = new App({ outdir });
  new TrailguardStack(app, "trailguard", { config: parseConfig(input), bundles: bundleZips() });
  app.synth();
  const file = join(outdir, "stacks", "trailguard", "cdk.tf.json");
  readFileSync(file); // fail here, clearly, if synth wrote nothing
  return file;
}
