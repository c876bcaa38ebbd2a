/**
 * `npm run plan-summary -- <plan.json> [--base <old cdk.tf.json>]`: Markdown for a pull-request comment,
 * on stdout. plan.json is `terraform show -json tfplan`, a secret (it holds the Slack token in clear);
 * the summary holds none of its values. Bad input: one line on stderr, exit code 2.
 */
import { readFileSync } from "node:fs";
import { planSummary, type PlanJson } from "../modules/review/plan-summary";

function readJson(file: string, what: string): any {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what} ${file} is not JSON (give \`terraform show -json tfplan\`, not the binary plan)`);
  }
}

function main(args: string[]): number {
  const at = args.indexOf("--base");
  const base = at >= 0 ? args[at + 1] : undefined;
  const files = args.filter((a, i) => a !== "--base" && (at < 0 || i !== at + 1));
  if (files.length !== 1 || (at >= 0 && !base)) {
    console.error("usage: npm run plan-summary -- <plan.json> [--base <old cdk.tf.json>]");
    return 2;
  }
  try {
    const plan = readJson(files[0], "plan") as PlanJson;
    if (!Array.isArray(plan.resource_changes) && plan.format_version === undefined) throw new Error(`${files[0]} is not a terraform plan (no format_version, no resource_changes)`);
    process.stdout.write(planSummary(plan, { base: base ? readJson(base, "base stack") : undefined }));
    return 0;
  } catch (e) {
    console.error(`plan-summary: ${(e as Error).message}`);
    return 2;
  }
}

process.exitCode = main(process.argv.slice(2));
