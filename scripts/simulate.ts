/**
 * `npm run simulate -- <file> [--stack path/to/cdk.tf.json] [--explain] [--json] [--alarm-key arn]`: replay an EventBridge
 * event, a CloudTrail record or a CloudTrail log file (.json or .json.gz) through the synthesized stack,
 * offline. Bad input: one line on stderr, exit code 2.
 */
import { readFileSync } from "node:fs";
import { InputError, formatEvent, formatTotals, readEvents, readStack, simulateEvent, totalsOf } from "../modules/review/simulate";

const USAGE = "usage: npm run simulate -- <event, record or log file> [--stack cdktf.out/stacks/trailguard/cdk.tf.json] [--explain] [--json] [--alarm-key <the alarm topic's KMS key ARN>]";

function main(args: string[]): number {
  const at = args.indexOf("--stack");
  const keyAt = args.indexOf("--alarm-key");
  const stackFile = at >= 0 ? args[at + 1] : "cdktf.out/stacks/trailguard/cdk.tf.json";
  const files = args.filter((a, i) => !a.startsWith("--") && (at < 0 || i !== at + 1) && (keyAt < 0 || i !== keyAt + 1));
  if (files.length !== 1 || (at >= 0 && !args[at + 1]) || (keyAt >= 0 && !args[keyAt + 1])) {
    console.error(USAGE);
    return 2;
  }
  const explain = args.includes("--explain");
  try {
    let stackText: string;
    try {
      stackText = readFileSync(stackFile, "utf8");
    } catch {
      throw new InputError(`cannot read the stack ${stackFile} (run npm start, or give --stack)`);
    }
    let stackJson: unknown;
    try {
      stackJson = JSON.parse(stackText);
    } catch {
      throw new InputError(`the stack ${stackFile} is not JSON`);
    }
    const model = readStack(stackJson as Record<string, unknown>, { alarmKeyArn: keyAt >= 0 ? args[keyAt + 1] : undefined });
    let bytes: Buffer;
    try {
      bytes = readFileSync(files[0]);
    } catch (e) {
      throw new InputError(`cannot read ${files[0]}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
    const { kind, events } = readEvents(bytes);
    const started = process.hrtime.bigint();
    const results = events.map((e) => simulateEvent(model, e, explain));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const totals = totalsOf(results, seconds);
    if (args.includes("--json")) {
      process.stdout.write(`${JSON.stringify({ kind, results: kind === "log file" && !explain ? undefined : results, totals }, null, 2)}\n`);
    } else {
      // A log file's events are counted, not printed one by one, unless asked to explain.
      if (kind !== "log file" || explain) process.stdout.write(`${results.map((r, i) => formatEvent(r, i + 1)).join("\n\n")}\n`);
      if (kind === "log file") process.stdout.write(`${formatTotals(totals)}\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof InputError) {
      console.error(`simulate: ${files[0]}: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));
