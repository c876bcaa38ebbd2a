import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const ROOT = join(__dirname, "..");
const START = join(ROOT, "scripts", "start.js");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm start` as a user runs it (scripts/start.js), config and outdir from the environment. */
async function start(configText: string | undefined, outdir: string): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "tg-main-"));
  const config = join(dir, "config.json");
  if (configText !== undefined) writeFileSync(config, configText);
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [START], {
      cwd: ROOT,
      env: { ...process.env, TRAILGUARD_CONFIG: config, CDKTF_OUTDIR: outdir },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const freshOutdir = () => join(mkdtempSync(join(tmpdir(), "tg-out-")), "cdktf.out");

describe("npm start as cdktf's app (cdktf.json: node scripts/start.js)", () => {
  test("writes into CDKTF_OUTDIR with cdktf's manifest, and keeps local state outside it, in the working directory", async () => {
    const outdir = freshOutdir();
    const r = await start(readFileSync(join(ROOT, "trailguard.config.json"), "utf8"), outdir);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
    expect(manifest.stacks.trailguard.synthesizedStackPath).toBe("stacks/trailguard/cdk.tf.json");
    const stack = JSON.parse(readFileSync(join(outdir, "stacks", "trailguard", "cdk.tf.json"), "utf8"));
    // Terraform reads the path from the stack's directory: it lands on <cwd>/trailguard.tfstate.
    expect(resolve(outdir, "stacks", "trailguard", stack.terraform.backend.local.path)).toBe(join(ROOT, "trailguard.tfstate"));
  });
});

describe("npm start", () => {
  test("synthesizes the shipped example and prints the per-region summary", async () => {
    const outdir = freshOutdir();
    const r = await start(readFileSync(join(ROOT, "trailguard.config.json"), "utf8"), outdir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(existsSync(join(outdir, "stacks", "trailguard", "cdk.tf.json"))).toBe(true);
    // An edge region: the edge rule, its target, the dead-letter queue and its policy. us-east-1 adds the
    // global-service edge (IAM, Organizations) and the hub: 9 rules (tamper, tamper_attempt, delivery,
    // delivery_global, self, self_2, self_global, report, heartbeat), 13 targets, 46 resources.
    expect(r.stdout).toMatch(/^eu-west-1 +1 +1 +4$/m);
    expect(r.stdout).toMatch(/^us-east-1 +11 +15 +54$/m);
    expect(r.stdout).toContain("17 regions: 27 rules, 31 targets, 118 regional resources");
    expect(r.stdout).toContain("total: 126 resources");
    expect(existsSync(join(outdir, "stacks", "trailguard", "assets"))).toBe(true);
  });

  const badConfigs: [string, string, string][] = [
    ["unknown region", '{"slack":{"channel":"C0123ABCDEF"},"regions":["us-east-1","eu-west-9"]}', 'regions[1]: unknown region "eu-west-9"'],
    ["duplicate region", '{"slack":{"channel":"C0123ABCDEF"},"regions":["us-east-1","us-east-1"]}', 'regions[1]: duplicate region "us-east-1"'],
    ["homeRegion not in regions", '{"slack":{"channel":"C0123ABCDEF"},"regions":["eu-west-1"]}', 'homeRegion: "us-east-1" is not in regions'],
    ["both channel and webhook", '{"slack":{"channel":"C0123ABCDEF","incomingWebhook":true}}', 'slack: set exactly one of "channel"'],
    ["neither channel nor webhook", '{"slack":{}}', 'slack: set exactly one of "channel"'],
    ["unknown field", '{"slack":{"channel":"C0123ABCDEF"},"slackToken":"xoxb-1"}', "slackToken: unknown field"],
    ["file not valid JSON", '{"slack": {"channel": "C0123ABCDEF"},}', "not valid JSON"],
  ];

  test.each(badConfigs)("a config with %s fails, names the field, prints no stack trace and writes nothing", async (_label, text, message) => {
    const outdir = freshOutdir();
    const r = await start(text, outdir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe("");
    expect(existsSync(outdir)).toBe(false);
  });

  test("a global detection without us-east-1 in regions synthesizes with a warning on stderr", async () => {
    const outdir = freshOutdir();
    const r = await start('{"slack":{"channel":"C0123ABCDEF"},"regions":["eu-west-1"],"homeRegion":"eu-west-1","detections":{"include":["adjacent"]}}', outdir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("trailguard: warning: detections organization-left watch a global service");
    expect(existsSync(join(outdir, "stacks", "trailguard", "cdk.tf.json"))).toBe(true);
  });

  test("a config whose stack would break an AWS quota at apply fails synth, names the resource and the quota, and writes nothing", async () => {
    const outdir = freshOutdir();
    const tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`Tag${i}`, "x"]));
    const r = await start(JSON.stringify({ slack: { channel: "C0123ABCDEF" }, regions: ["us-east-1"], tags }), outdir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("aws_cloudwatch_event_bus.hub: the tags per resource would be 51 tags, over AWS's quota of 50");
    expect(r.stdout).toBe("");
    expect(existsSync(outdir)).toBe(false);
  });

  test("a missing config file fails the same way", async () => {
    const outdir = freshOutdir();
    const r = await start(undefined, outdir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("cannot read the file: ENOENT");
    expect(existsSync(outdir)).toBe(false);
  });
});
