/**
 * `npm run bench`: what trailguard costs on every pull request (synth) and inside every blind window
 * (Lambda cold start and handler time). Prints a Markdown table and writes bench/results.json.
 * `npm run bench -- --update-readme` also puts the table in README.md's Performance section.
 *
 * Every synth figure is the median of 5 fresh processes running scripts/start.js (what `npm start` runs),
 * with the Lambda bundles already built (their build is reported on its own line).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { DEFAULT_REGIONS, OPT_IN_REGIONS } from "../modules/config";
import { renderGenerated } from "../modules/docs/readme-tables";
import { summarizeStack } from "../modules/summary";
import { buildLambdas } from "../scripts/build-lambdas";
import { FakeAws, oneTrailAccount } from "../__tests__/helpers/fake-aws";
import { OfflineTerraform, terraformUnavailable } from "../__tests__/helpers/offline-terraform";

const ROOT = join(__dirname, "..");
const RUNS = 5;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface SynthCase {
  readonly label: string;
  readonly regions: readonly string[];
  readonly remediation: "enforce" | "off";
  readonly everyDetection?: boolean;
  readonly rootImport?: boolean;
}

interface SynthResult {
  readonly label: string;
  readonly regions: number;
  readonly wallMs: number;
  readonly peakRssMb: number;
  readonly resources: number;
  readonly cdkTfJsonBytes: number;
}

const BASE_CONFIG = {
  slack: { channel: "C0123ABCDEF" },
  trails: [{ name: "org-audit-trail", s3Bucket: "acme-cloudtrail-logs" }],
};

function synth(c: SynthCase): SynthResult {
  const dir = mkdtempSync(join(tmpdir(), "tg-bench-"));
  const config = join(dir, "config.json");
  const detections = c.everyDetection ? { detections: { include: ["trail", "delivery", "self", "adjacent", "custom"] } } : {};
  writeFileSync(config, JSON.stringify({ ...BASE_CONFIG, ...detections, regions: c.regions, remediation: { mode: c.remediation } }));
  const walls: number[] = [];
  const rss: number[] = [];
  const outdir = join(dir, "out");
  for (let i = 0; i < RUNS; i++) {
    const args = [join(__dirname, "measured.js"), ...(c.rootImport ? ["--root-import"] : []), join(ROOT, "scripts", "start.js")];
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: ROOT, env: { ...process.env, TRAILGUARD_CONFIG: config, CDKTF_OUTDIR: outdir }, encoding: "utf8" });
    walls.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`synth failed for ${c.label}: ${r.stderr}`);
    rss.push(JSON.parse(/BENCH (.*)/.exec(r.stderr)![1]).maxRssKb / 1024);
  }
  const text = readFileSync(join(outdir, "stacks", "trailguard", "cdk.tf.json"), "utf8");
  return {
    label: c.label,
    regions: c.regions.length,
    wallMs: median(walls),
    peakRssMb: median(rss),
    resources: summarizeStack(JSON.parse(text)).total,
    cdkTfJsonBytes: Buffer.byteLength(text),
  };
}

interface LambdaResult {
  readonly name: string;
  readonly bytes: number;
  readonly zipBytes: number;
  readonly coldImportMs: number;
  readonly warmHandlerMs?: number;
  readonly largestInputs: readonly { readonly from: string; readonly kb: number }[];
}

/** In-process `require` time of a bundle, in a fresh node process: what a cold start pays to load it. */
function coldImport(file: string): number {
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(
      process.execPath,
      ["-e", `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`],
      { encoding: "utf8", env: { PATH: process.env.PATH, AWS_REGION: "us-east-1" } },
    );
    runs.push(Number(r.stdout));
  }
  return median(runs);
}

/** Median of 50 warm invocations of the remediate handler on a real StopLogging record, over local HTTP. */
async function warmHandler(file: string): Promise<number> {
  const trailArn = "arn:aws:cloudtrail:us-west-2:123456789012:trail/example-trail";
  const fake = new FakeAws(oneTrailAccount(trailArn, "us-west-2"));
  const endpoint = await fake.start();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: "us-west-2",
    AWS_ACCESS_KEY_ID: "fake-bench-key-id",
    AWS_SECRET_ACCESS_KEY: "fake",
    TRAILGUARD_SETTINGS: JSON.stringify({
      mode: "enforce",
      recreateDeletedTrails: false,
      reportEventBus: "trailguard",
      trails: [{ name: "example-trail", homeRegion: "us-west-2", multiRegion: true, includeGlobalEvents: true, logFileValidation: true, s3Bucket: "audit-logs", managementEvents: "All" }],
    }),
  });
  const event = JSON.parse(readFileSync(join(ROOT, "__tests__", "fixtures", "stop-logging-assumed-role.json"), "utf8"));
  const { handler } = require(file) as { handler: (e: unknown) => Promise<void> };
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write; // the handler's log lines
  const times: number[] = [];
  try {
    await handler(event); // the first call pays for TLS-less connection setup and lazy SDK init
    for (let i = 0; i < 50; i++) {
      const t = performance.now();
      await handler(event);
      times.push(performance.now() - t);
    }
  } finally {
    process.stdout.write = write;
    await fake.stop();
  }
  if (!fake.seen.some((r) => r.op === "StartLogging")) throw new Error("the handler never called StartLogging");
  return median(times);
}

interface PlanResult {
  readonly label: string;
  readonly regions: number;
  readonly resources: number;
  readonly planMs: number;
  readonly planTextBytes: number;
}

// Shaped like a bot token, built at run time so secret scanners reading this file do not flag it.
const BENCH_TOKEN = ["xoxb", "000000000000", "bench-not-a-token"].join("-");

/** `terraform plan` of the synthesized stack, offline (the test's v5 mirror copy): median of 3 plans. */
function offlinePlan(label: string, regions: readonly string[]): PlanResult {
  const dir = mkdtempSync(join(tmpdir(), "tg-bench-plan-"));
  const config = join(dir, "config.json");
  writeFileSync(config, JSON.stringify({ ...BASE_CONFIG, regions }));
  const outdir = join(dir, "out");
  const r = spawnSync(process.execPath, [join(ROOT, "scripts", "start.js")], { cwd: ROOT, env: { ...process.env, TRAILGUARD_CONFIG: config, CDKTF_OUTDIR: outdir }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`synth failed for ${label}: ${r.stderr}`);
  const tf = new OfflineTerraform(join(outdir, "stacks", "trailguard", "cdk.tf.json"));
  tf.ok(["init", "-input=false", "-no-color"]);
  const times: number[] = [];
  let text = "";
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    text = tf.ok(["plan", "-input=false", "-no-color"], { slack_token: BENCH_TOKEN });
    times.push(performance.now() - t);
  }
  const resources = Number(/Plan: (\d+) to add/.exec(text)?.[1]);
  return { label, regions: regions.length, resources, planMs: median(times), planTextBytes: Buffer.byteLength(text) };
}

function lambdaResults(): Promise<LambdaResult[]> {
  const built = buildLambdas(undefined, { force: true });
  return Promise.all(
    built.map(async (b) => {
      const file = join(b.dir, "index.js");
      const byPackage: Record<string, number> = {};
      for (const [f, bytes] of Object.entries(b.inputs)) {
        const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f);
        const key = m ? m[1] : f.startsWith("lambda-src/") ? "lambda-src (ours)" : f;
        byPackage[key] = (byPackage[key] ?? 0) + bytes;
      }
      return {
        name: b.name,
        bytes: b.bytes,
        zipBytes: b.zipBytes,
        coldImportMs: coldImport(file),
        warmHandlerMs: b.name === "remediate" ? await warmHandler(file) : undefined,
        largestInputs: Object.entries(byPackage)
          .sort((x, y) => y[1] - x[1])
          .slice(0, 6)
          .map(([from, bytes]) => ({ from, kb: Math.round(bytes / 102.4) / 10 })),
      };
    }),
  );
}

function lambdaBuildMs(): number {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    buildLambdas(mkdtempSync(join(tmpdir(), "tg-bench-build-")), { force: true });
    runs.push(performance.now() - t);
  }
  return median(runs);
}

const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`;
const ms = (x: number) => `${x.toFixed(0)} ms`;
const mark = (ok: boolean) => (ok ? "met" : "**missed**");

async function main() {
  const started = performance.now();
  const all = [...DEFAULT_REGIONS, ...OPT_IN_REGIONS];
  const lambdas = await lambdaResults(); // also leaves fresh bundles for the synth runs
  const buildMs = lambdaBuildMs();
  const cases: SynthCase[] = [
    { label: "1 region", regions: all.slice(0, 1), remediation: "enforce" },
    { label: "5 regions", regions: all.slice(0, 5), remediation: "enforce" },
    { label: "17 regions (default)", regions: [...DEFAULT_REGIONS], remediation: "enforce" },
    { label: "34 regions (with opt-in)", regions: all, remediation: "enforce" },
    { label: "17 regions, every detection (adjacent family too)", regions: [...DEFAULT_REGIONS], remediation: "enforce", everyDetection: true },
    { label: "17 regions, remediation off", regions: [...DEFAULT_REGIONS], remediation: "off" },
    { label: "17 regions, provider root import (not used by the product)", regions: [...DEFAULT_REGIONS], remediation: "enforce", rootImport: true },
  ];
  const synths = cases.map(synth);
  const unavailable = terraformUnavailable();
  const plans = unavailable
    ? []
    : [offlinePlan("1 region", all.slice(0, 1)), offlinePlan("17 regions (default)", [...DEFAULT_REGIONS]), offlinePlan("34 regions (with opt-in)", all)];
  const [one, , seventeen, thirtyFour] = synths;
  const rootImport = synths[synths.length - 1];
  const ratios = {
    synth17over1: seventeen.wallMs / one.wallMs,
    resources17over1: seventeen.resources / one.resources,
    cdkTfJsonBytesPerRegion: (thirtyFour.cdkTfJsonBytes - one.cdkTfJsonBytes) / (thirtyFour.regions - one.regions),
    rootImportOverDeep: rootImport.wallMs / seventeen.wallMs,
  };
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
  const targets: [string, boolean][] = [
    ["17-region synth under 1 s", seventeen.wallMs < 1000],
    ["17-region synth under 150 MB RSS", seventeen.peakRssMb < 150],
    ["synth(17) under 1.5 × synth(1)", ratios.synth17over1 < 1.5],
    ["cdk.tf.json size independent of the region count (< 100 bytes a region)", ratios.cdkTfJsonBytesPerRegion < 100],
    ...lambdas.flatMap((l): [string, boolean][] => [
      [`${l.name} bundle at most 300 KB`, l.bytes <= 300 * 1024],
      [`${l.name} cold import at most 100 ms`, l.coldImportMs <= 100],
    ]),
  ];

  const table = [
    `Measured on ${machine}. Medians of ${RUNS} fresh processes unless said otherwise.`,
    "",
    "| synth (`npm start`), default detections unless said | wall | peak RSS | resources | cdk.tf.json |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...synths.map((s) => `| ${s.label} | ${ms(s.wallMs)} | ${s.peakRssMb.toFixed(0)} MB | ${s.resources} | ${kb(s.cdkTfJsonBytes)} |`),
    "",
    `Ratios: synth(17)/synth(1) = ${ratios.synth17over1.toFixed(2)}; resources(17)/resources(1) = ${ratios.resources17over1.toFixed(1)}; cdk.tf.json grows ${ratios.cdkTfJsonBytesPerRegion.toFixed(0)} bytes a region; the provider's root import is ${ratios.rootImportOverDeep.toFixed(1)}× slower than deep imports. Bundling both Lambdas (esbuild, then zip), paid once after a source change: ${ms(buildMs)} (median of 3).`,
    "",
    unavailable
      ? `Offline plan not measured: ${unavailable}.`
      : [
          "| offline `terraform plan` (hashicorp/aws 5.100.0 mirror, shipped example's trail) | resources | plan, median of 3 | plan text |",
          "| --- | ---: | ---: | ---: |",
          ...plans.map((p) => `| ${p.label} | ${p.resources} | ${ms(p.planMs)} | ${kb(p.planTextBytes)} |`),
        ].join("\n"),
    "",
    "| Lambda bundle | minified | zipped | cold import | warm handler (StopLogging, local HTTP, median of 50) | largest parts |",
    "| --- | ---: | ---: | ---: | ---: | --- |",
    ...lambdas.map(
      (l) =>
        `| ${l.name} | ${kb(l.bytes)} | ${kb(l.zipBytes)} | ${ms(l.coldImportMs)} | ${l.warmHandlerMs === undefined ? "-" : `${l.warmHandlerMs.toFixed(1)} ms`} | ${l.largestInputs.map((i) => `${i.from} ${i.kb} KB`).join(", ")} |`,
    ),
    "",
    "| target | result |",
    "| --- | --- |",
    ...targets.map(([t, ok]) => `| ${t} | ${mark(ok)} |`),
  ].join("\n");

  console.log(table);
  writeFileSync(join(__dirname, "results.json"), `${JSON.stringify({ machine, synths, plans, ratios, lambdaBuildMs: buildMs, lambdas, targets: Object.fromEntries(targets) }, null, 2)}\n`);
  if (process.argv.includes("--update-readme")) {
    const readme = join(ROOT, "README.md");
    writeFileSync(readme, renderGenerated(readFileSync(readme, "utf8"), { performance: table }));
  }
  console.log(`\n(bench took ${((performance.now() - started) / 1000).toFixed(0)} s; results in bench/results.json)`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
