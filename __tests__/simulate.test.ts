import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { readEvents, readStack, simulateEvent, totalsOf, type StackModel } from "../modules/review/simulate";
import { hostileVariants, loadFixture } from "./helpers/fixtures";
import { CHANNEL_CONFIG, synthStack, synthToDisk } from "./helpers/synth";

const ROOT = join(__dirname, "..");
const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const CONFIG = {
  ...CHANNEL_CONFIG,
  regions: REGIONS,
  trails: [{ name: "example-trail", homeRegion: "us-west-2", s3Bucket: "example-cloudtrail-logs" }],
  remediation: { recreateDeletedTrails: true },
};

jest.setTimeout(120_000);

let model: StackModel;
beforeAll(() => {
  model = readStack(synthStack({ ...CONFIG, regions: [...REGIONS, "us-west-2"] }));
});

/** The hub rules an event matches, by name. */
const hubMatches = (event: object) => simulateEvent(model, event).hub.filter((r) => r.matched).map((r) => r.rule);

describe("simulate on real CloudTrail records", () => {
  test("a StopLogging by an assumed role: its region's edge forwards it, the tamper rule alerts and remediation would restore the listed trail", () => {
    const r = simulateEvent(model, loadFixture("stop-logging-assumed-role"));
    expect([r.region, r.forwarded]).toEqual(["us-west-2", true]);
    expect(r.edges.map((e) => [e.rule, e.matched])).toEqual([["trailguard-edge", true]]);
    const tamper = r.hub.find((h) => h.matched)!;
    expect(tamper.rule).toBe("trailguard-cloudtrail-tamper");
    expect(tamper.targets.map((t) => [t.id, t.remediation ?? t.validJson, t.slackProblems ?? []])).toEqual([
      ["remediate", "read example-trail in us-west-2, restore what differs from its known-good settings, StartLogging if it is off", []],
      ["slack", true, []],
    ]);
    expect(JSON.parse(tamper.targets[1].payload!).channel).toBe("C0123ABCDEF");
  });

  test("a refused StopLogging alerts as an attempt, and remediation is not called", () => {
    expect(hubMatches(loadFixture("stop-logging-root-failed"))).toEqual(["trailguard-cloudtrail-tamper-attempt"]);
  });

  test("a DeleteTrail of the listed trail would be re-created (recreateDeletedTrails on); of another, skipped", () => {
    // The real record's region and trail are anonymized; here they are the listed trail's.
    const real = loadFixture("delete-trail");
    const listed = { ...real, region: "us-west-2", detail: { ...real.detail, awsRegion: "us-west-2", requestParameters: { name: "example-trail" } } };
    const other = { ...listed, detail: { ...listed.detail, requestParameters: { name: "someone-elses-trail" } } };
    const remediation = (e: object) => simulateEvent(model, e).hub.flatMap((h) => h.targets).find((t) => t.kind === "remediate")?.remediation;
    expect(remediation(listed)).toBe("re-create example-trail in us-west-2 from its known-good settings, then StartLogging");
    expect(remediation(other)).toBe("skip: the deleted trail is not in trailguard's config");
  });

  test("an ordinary RunInstances reaches no hub rule: no edge forwards it, and --explain says which field failed", () => {
    const r = simulateEvent(model, loadFixture("run-instances"), true);
    expect(r.forwarded).toBe(false);
    expect(r.hub).toEqual([]);
    expect(r.edges[0].why).toMatch(/^no alternative of the pattern's \$or matches; the first: source is "aws.ec2", not \["aws\./);
  });

  test("a read-only call reaches no rule: EventBridge does not deliver it to rules in state ENABLED", () => {
    const event = loadFixture("stop-logging-assumed-role");
    const read = { ...event, detail: { ...event.detail, eventName: "GetTrailStatus", readOnly: true } };
    expect(simulateEvent(model, read)).toMatchObject({ forwarded: false, edges: [], hub: [], note: "a read-only call: EventBridge does not deliver it to rules in state ENABLED" });
  });

  test("hostile variants of a real StopLogging give valid Slack payloads with the benign render's keys", () => {
    const base = loadFixture("stop-logging-assumed-role");
    const slack = (e: object) => simulateEvent(model, e).hub.flatMap((h) => h.targets).find((t) => t.kind === "slack")!;
    const keys = (payload: string) => JSON.stringify(Object.keys(JSON.parse(payload))) + JSON.stringify(JSON.parse(payload).blocks.map((b: object) => Object.keys(b)));
    const benign = keys(slack(base).payload!);
    for (const [label, hostile] of hostileVariants(base)) {
      const t = slack(hostile);
      expect([label, t.validJson, t.slackProblems, keys(t.payload!)]).toEqual([label, true, [], benign]);
    }
  });
});

describe("simulate on a CloudTrail log file", () => {
  // 10,000 records: every 10th a StopLogging, the one after it a refused StopLogging, the rest ordinary
  // calls, spread over the regions in turn. Expected counts follow from this construction.
  const stop = loadFixture("stop-logging-assumed-role").detail;
  const refused = loadFixture("stop-logging-root-failed").detail;
  const ordinary = loadFixture("run-instances").detail;
  const ALL = [...REGIONS, "us-west-2"];
  const records = Array.from({ length: 10_000 }, (_, i) => {
    const base = i % 10 === 0 ? stop : i % 10 === 1 ? refused : ordinary;
    return { ...base, awsRegion: ALL[Math.floor(i / 10) % ALL.length], eventID: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}` };
  });

  test("counts are exact: 1,000 alerts and 1,000 attempts, split evenly over 4 regions, none Slack would reject", () => {
    const { kind, events } = readEvents(gzipSync(Buffer.from(JSON.stringify({ Records: records }))));
    expect([kind, events.length]).toEqual(["log file", 10_000]);
    const totals = totalsOf(events.map((e) => simulateEvent(model, e)), 1);
    expect(totals.events).toBe(10_000);
    expect(totals.rejected).toBe(0);
    expect(totals.alerts).toEqual(
      Object.fromEntries(ALL.flatMap((r) => [[`trailguard-cloudtrail-tamper ${r}`, 250], [`trailguard-cloudtrail-tamper-attempt ${r}`, 250]])),
    );
  });
});

describe("npm run simulate", () => {
  const dir = mkdtempSync(join(tmpdir(), "tg-simulate-"));
  let stackFile: string;
  const cli = (args: string[]) => spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), [join(ROOT, "scripts", "simulate.ts"), ...args, "--stack", stackFile], { cwd: dir, encoding: "utf8" });

  beforeAll(() => {
    stackFile = synthToDisk(CONFIG, mkdtempSync(join(tmpdir(), "tg-synth-")));
  });

  test("a bare record prints each hop; --json prints the same results as JSON", () => {
    writeFileSync(join(dir, "record.json"), JSON.stringify(loadFixture("stop-logging-root-failed").detail));
    const text = cli(["record.json"]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain("  hub trailguard-cloudtrail-tamper-attempt: matches\n    -> slack: valid JSON, within Block Kit limits");
    const json = JSON.parse(cli(["record.json", "--json"]).stdout);
    expect(json.kind).toBe("record");
    expect(json.results[0].hub.filter((h: { matched: boolean }) => h.matched).map((h: { rule: string }) => h.rule)).toEqual(["trailguard-cloudtrail-tamper-attempt"]);
  });

  test("the Terraform module, or a stack that is not JSON, is refused in one line", () => {
    writeFileSync(join(dir, "record.json"), JSON.stringify(loadFixture("stop-logging-root-failed").detail));
    writeFileSync(join(dir, "broken-stack.json"), "{");
    const run = (stack: string) => spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), [join(ROOT, "scripts", "simulate.ts"), "record.json", "--stack", stack], { cwd: dir, encoding: "utf8" });
    const module = run(join(ROOT, "terraform", "main.tf.json"));
    expect([module.status, module.stderr]).toEqual([2, "simulate: record.json: the stack's patterns are computed by Terraform (the module in terraform/?): give a stack synthesized from a config with npm start\n"]);
    const broken = run("broken-stack.json");
    expect([broken.status, broken.stderr]).toEqual([2, "simulate: record.json: the stack broken-stack.json is not JSON\n"]);
  });

  test("bad input gets one line and exit code 2, no stack trace", () => {
    writeFileSync(join(dir, "not-json.json"), "StopLogging?");
    writeFileSync(join(dir, "not-an-event.json"), JSON.stringify({ hello: "world" }));
    writeFileSync(join(dir, "corrupt.json.gz"), Buffer.concat([gzipSync(Buffer.from("{}")).subarray(0, 12), Buffer.from("garbage")]));
    for (const [file, message] of [
      ["not-json.json", "simulate: not-json.json: the file is not JSON\n"],
      ["not-an-event.json", 'simulate: not-an-event.json: not an EventBridge event, a CloudTrail record or a CloudTrail log file ({"Records": [...]})\n'],
      ["corrupt.json.gz", "simulate: corrupt.json.gz: the file starts like gzip but does not decompress\n"],
      ["missing.json", "simulate: missing.json: cannot read missing.json: ENOENT\n"],
    ]) {
      const r = cli([file]);
      expect([file, r.status, r.stderr]).toEqual([file, 2, message]);
    }
  });
});
