/**
 * trailguard: synthesize the Terraform stack (cdktf.out/stacks/trailguard/cdk.tf.json) from a config file
 * and print a per-region summary.
 *
 *   npm start                                  # uses ./trailguard.config.json
 *   TRAILGUARD_CONFIG=path/to/config.json npm start
 *
 * A bad config prints what is wrong, field by field, and writes nothing.
 */
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { App } from "./modules/cdk";
import { ConfigError, loadConfig } from "./modules/config";
import { TrailguardStack } from "./modules/constructs";
import { formatSummary, summarizeStack } from "./modules/summary";
import { buildLambdas, bundleZips } from "./scripts/build-lambdas";

export const STACK_NAME = "trailguard";
/**
 * Local state, in the directory `npm start` runs in: outside cdktf.out, so a re-synth, `rm -rf cdktf.out`
 * or `cdktf synth` keeps it. Gitignored: it holds the Slack token in clear.
 */
export const LOCAL_STATE_FILE = "trailguard.tfstate";

function main(): number {
  const configFile = process.env.TRAILGUARD_CONFIG ?? "trailguard.config.json";
  let config;
  try {
    config = loadConfig(configFile);
  } catch (e) {
    if (e instanceof ConfigError) {
      // Validation runs before the App exists, so nothing under cdktf.out is touched.
      console.error(`trailguard: ${e.message}`);
      return 1;
    }
    throw e;
  }

  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  const outdirExisted = existsSync(outdir);
  let stack: TrailguardStack;
  try {
    // esbuild bundles the handlers; the stack zips them into itself (Terraform Cloud needs nothing else).
    if (config.remediation.mode !== "off") buildLambdas();
    const app = new App({ outdir });
    // The backend's path is read from the stack's directory: relative, so the checkout can move.
    const localStatePath = relative(join(outdir, "stacks", STACK_NAME), resolve(LOCAL_STATE_FILE));
    stack = new TrailguardStack(app, STACK_NAME, { config, bundles: bundleZips(), localStatePath });
    app.synth();
  } catch (e) {
    // The App creates its outdir up front; leave no empty or half-written one behind.
    if (!outdirExisted) rmSync(outdir, { recursive: true, force: true });
    console.error(`trailguard: synth failed: ${(e as Error).message}`);
    return 1;
  }

  const file = join(outdir, "stacks", STACK_NAME, "cdk.tf.json");
  const summary = summarizeStack(JSON.parse(readFileSync(file, "utf8")));
  const ms = process.uptime() * 1000; // since the process started, imports included
  const slack = config.edgeOnly
    ? `none here: edges forward to ${config.edgeOnly.hubEventBusArn}`
    : config.slack?.channel
      ? `chat.postMessage to ${config.slack.channel} (variable slack_token)`
      : "incoming webhook (variable slack_webhook_url)";
  console.log(`trailguard: ${configFile} -> ${file} (${statSync(file).size} bytes, ${ms.toFixed(0)} ms)`);
  console.log(`home region ${config.homeRegion}; Slack: ${slack}\n`);
  console.log(formatSummary(summary));
  for (const w of stack.warnings) console.error(`trailguard: warning: ${w}`);
  return 0;
}

process.exitCode = main();
