import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleZips } from "../modules/lambda-bundles";
import { OfflineTerraform, terraformUnavailable } from "./helpers/offline-terraform";
import { readmeSnippet } from "./helpers/readme";

/**
 * trailguard as a user's cdktf app gets it: `npm pack`'s tarball unpacked into the app's node_modules (its
 * dependencies linked from this repository's, so no network), imported by name, under ts-node (cdktf's
 * TypeScript template) and under plain node. The app has its own provider (default_tags) and S3 backend.
 */
const ROOT = join(__dirname, "..");
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const run = (cmd: string, args: string[], cwd: string) => spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_loglevel: "error" } });

jest.setTimeout(300_000);

let app: string;
let tarball: string;

beforeAll(() => {
  const packDir = mkdtempSync(join(tmpdir(), "tg-pack-"));
  const packed = run("npm", ["pack", "--json", "--pack-destination", packDir], ROOT); // runs prepack: npm run build
  if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  tarball = join(packDir, JSON.parse(packed.stdout.slice(packed.stdout.indexOf("[")))[0].filename);
  app = mkdtempSync(join(tmpdir(), "tg-app-"));
  const modules = join(app, "node_modules");
  mkdirSync(join(modules, "trailguard"), { recursive: true });
  const untar = run("tar", ["-xzf", tarball, "-C", join(modules, "trailguard"), "--strip-components=1"], app);
  if (untar.status !== 0) throw new Error(untar.stderr);
  for (const dep of readdirSync(join(ROOT, "node_modules"))) {
    if (dep !== "trailguard" && !dep.startsWith(".")) symlinkSync(join(ROOT, "node_modules", dep), join(modules, dep));
  }
  writeFileSync(join(app, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2020", module: "commonjs", strict: true, esModuleInterop: true, skipLibCheck: true } }));
  writeFileSync(join(app, "main.ts"), APP.ts);
  writeFileSync(join(app, "main.js"), APP.js);
});

const APP = {
  // The README's snippet, as written: the app users copy is the app that runs here.
  ts: readmeSnippet("cdktf-app"),
  js: `const { App, S3Backend, TerraformStack } = require("cdktf");
const { AwsProvider } = require("@cdktf/provider-aws/lib/provider");
const { Trailguard } = require("trailguard");
const app = new App({ outdir: process.env.OUT });
const stack = new TerraformStack(app, "security");
new AwsProvider(stack, "aws", { region: "us-east-1", defaultTags: [{ tags: { CostCenter: "security" } }] });
new S3Backend(stack, { bucket: "acme-terraform-state", key: "security/trailguard.tfstate", region: "us-east-1" });
new Trailguard(stack, "trailguard", { config: { slack: { channel: "C0123ABCDEF" }, regions: ["us-east-1", "eu-west-1"] } });
app.synth();
`,
};

test("the tarball's Lambda zips are byte for byte the repository's build (and the module's)", () => {
  const list = run("tar", ["-tzf", tarball], app).stdout.split("\n").filter((f) => f.endsWith(".zip")).sort();
  expect(list).toEqual(["package/dist/lambda/heartbeat.zip", "package/dist/lambda/remediate.zip"]);
  for (const [name, zip] of Object.entries(bundleZips())) {
    const shipped = readFileSync(join(app, "node_modules", "trailguard", "dist", "lambda", `${name}.zip`));
    expect(sha(shipped)).toBe(sha(readFileSync(zip)));
    expect(sha(shipped)).toBe(sha(readFileSync(join(ROOT, "terraform", "lambda", `${name}.zip`))));
  }
});

describe.each([
  ["ts-node", (out: string) => spawnSync(join(ROOT, "node_modules", ".bin", "ts-node"), ["main.ts"], { cwd: app, encoding: "utf8", env: { ...process.env, OUT: out } })],
  ["plain node", (out: string) => spawnSync(process.execPath, ["main.js"], { cwd: app, encoding: "utf8", env: { ...process.env, OUT: out } })],
])("a user's cdktf app under %s", (_runner, synth) => {
  let out: string;
  let stack: any;

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), "tg-app-out-"));
    const r = synth(out);
    if (r.status !== 0) throw new Error(`synth failed:\n${r.stderr}\n${r.stdout}`);
    stack = JSON.parse(readFileSync(join(out, "stacks", "security", "cdk.tf.json"), "utf8"));
  });

  test("synthesizes one stack, the user's, holding trailguard's resources", () => {
    expect(readdirSync(join(out, "stacks"))).toEqual(["security"]);
    expect(Object.keys(stack.resource.aws_cloudwatch_event_bus)).toEqual(["hub"]);
    expect(stack.resource.aws_lambda_function.remediate.filename).toMatch(/^assets\/.+\/remediate\.zip$/);
  });

  test("keeps the user's S3 backend and the provider's default_tags; trailguard adds no provider", () => {
    expect(stack.terraform.backend).toEqual({ s3: { bucket: "acme-terraform-state", key: "security/trailguard.tfstate", region: "us-east-1" } });
    expect(stack.provider.aws).toEqual([{ region: "us-east-1", default_tags: [{ tags: { CostCenter: "security" } }] }]);
  });

  (terraformUnavailable() ? test.skip : test)("plans offline (mirror 5.100.0, v6 region arguments stripped)", () => {
    const tf = new OfflineTerraform(join(out, "stacks", "security", "cdk.tf.json"));
    tf.ok(["init", "-input=false", "-no-color"]);
    const plan = tf.ok(["plan", "-input=false", "-no-color"], { slack_token: ["xoxb", "0", "foreign-app-test"].join("-") });
    expect(plan).toContain("Plan: 66 to add, 0 to change, 0 to destroy.");
  });
});
