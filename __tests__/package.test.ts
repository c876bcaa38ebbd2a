import { spawnSync } from "node:child_process";
import { join } from "node:path";

/**
 * The package as users install it: `npm run build` compiles to lib/ (JS and .d.ts); `npm pack` ships lib/,
 * the prebuilt Lambda zips and the license, and nothing else; plain node can require it and synthesize a
 * stack of its own with the construct, its defaults taking the shipped zips.
 */
const ROOT = join(__dirname, "..");
const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, npm_config_loglevel: "error" } });

jest.setTimeout(120_000);

beforeAll(() => {
  const built = run("npx", ["tsc", "-p", "tsconfig.build.json"]);
  if (built.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed:\n${built.stdout}${built.stderr}`);
});

test("npm pack ships lib/, the two prebuilt Lambda zips, README, CHANGELOG and LICENSE, and no source or test", () => {
  const packed = run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"]);
  expect(packed.status).toBe(0);
  const files: string[] = JSON.parse(packed.stdout)[0].files.map((f: { path: string }) => f.path);
  expect(files).toEqual(expect.arrayContaining(["lib/index.js", "lib/index.d.ts", "lib/modules/constructs/trailguard.d.ts", "dist/lambda/remediate.zip", "dist/lambda/heartbeat.zip", "LICENSE", "README.md", "CHANGELOG.md", "package.json"]));
  expect(files.filter((f) => !/^(lib\/.*\.(js|d\.ts)|lib\/modules\/review\/sample-stop-logging\.json|dist\/lambda\/(remediate|heartbeat)\.zip|LICENSE|README\.md|CHANGELOG\.md|package\.json)$/.test(f))).toEqual([]);
});

test("plain node requires the package and synthesizes a user's stack with the construct and the shipped zips", () => {
  const script = `
    const { App, TerraformStack, Testing } = require("cdktf");
    const { AwsProvider } = require("@cdktf/provider-aws/lib/provider");
    const { Trailguard, parseConfig } = require(${JSON.stringify(ROOT)});
    const stack = new TerraformStack(Testing.app(), "mine");
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    new Trailguard(stack, "trailguard", { config: parseConfig({ slack: { channel: "C0123ABCDEF" }, regions: ["us-east-1"] }) });
    const json = JSON.parse(Testing.synth(stack, true));
    process.stdout.write(JSON.stringify({ bus: Object.keys(json.resource.aws_cloudwatch_event_bus), lambda: json.resource.aws_lambda_function.remediate.filename }));`;
  const out = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
  expect(out.stderr).not.toMatch(/Error/);
  const result = JSON.parse(out.stdout);
  expect(result.bus).toEqual(["hub"]);
  expect(result.lambda).toMatch(/remediate\.zip$/);
});
