import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/**
 * Real terraform, offline: these machines have terraform on PATH and a filesystem mirror of hashicorp/aws
 * 5.100.0 at /opt/tf-plugins, and no registry. The stack targets provider v6 (per-resource `region`), so
 * the copy planned here pins 5.100.0 and drops the v6-only `region` arguments; every instance then plans
 * in the provider's region, which is what v5 can check. See ../shared/DESIGN.md, "Verifying without AWS".
 */
export const PLUGIN_MIRROR = "/opt/tf-plugins";
export const MIRROR_AWS_VERSION = "5.100.0";

/** Why offline terraform cannot run here, or undefined when it can. */
export function terraformUnavailable(): string | undefined {
  const probe = spawnSync("terraform", ["version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) return "terraform is not on PATH";
  if (!existsSync(join(PLUGIN_MIRROR, "registry.terraform.io", "hashicorp", "aws"))) {
    return `no hashicorp/aws provider mirror at ${PLUGIN_MIRROR}`;
  }
  return undefined;
}

export interface TfResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The provider settings that let the v5 provider plan without AWS. */
const OFFLINE_PROVIDER = { skip_credentials_validation: true, skip_requesting_account_id: true, skip_metadata_api_check: true };

/** A Terraform JSON configuration as the v5 mirror can plan it: the version pinned, no `region` arguments. */
function forTheMirror(stack: Record<string, any>): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  stack.terraform.required_providers.aws.version = MIRROR_AWS_VERSION;
  for (const [type, byName] of Object.entries<Record<string, Record<string, unknown>>>(stack.resource)) {
    for (const body of Object.values(byName)) {
      delete body.region;
      // v6 renamed a StackSet instance's target region to stack_set_instance_region; v5 calls it region.
      if (type === "aws_cloudformation_stack_set_instance" && body.stack_set_instance_region !== undefined) {
        body.region = body.stack_set_instance_region;
        delete body.stack_set_instance_region;
      }
    }
  }
  return stack;
}

export class OfflineTerraform {
  readonly dir: string;
  private readonly env: NodeJS.ProcessEnv;

  /** Copy the stack of `cdkTfJson` (its assets too) into a temp dir, adapted to the v5 mirror. */
  constructor(cdkTfJson: string);
  /** Terraform runs in `workdir` (already prepared). */
  constructor(workdir: { readonly dir: string });
  constructor(from: string | { readonly dir: string }) {
    if (typeof from === "object") {
      this.dir = from.dir;
    } else {
      this.dir = mkdtempSync(join(tmpdir(), "tg-tf-"));
      cpSync(dirname(from), this.dir, { recursive: true });
      rmSync(join(this.dir, "cdk.tf.json"));
      const stack = forTheMirror(JSON.parse(readFileSync(from, "utf8")));
      delete stack.terraform.backend; // local state in the temp dir
      delete stack.terraform.cloud;
      for (const provider of stack.provider.aws) Object.assign(provider, OFFLINE_PROVIDER);
      writeFileSync(join(this.dir, "main.tf.json"), JSON.stringify(stack, null, 2));
    }
    const cliConfig = join(this.dir, "offline.tfrc");
    writeFileSync(cliConfig, `provider_installation {\n  filesystem_mirror {\n    path = "${PLUGIN_MIRROR}"\n  }\n}\n`);
    this.env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_IN_AUTOMATION: "1",
      CHECKPOINT_DISABLE: "1", // no version check over the network
      AWS_ACCESS_KEY_ID: "offline-plan-only-key-id",
      AWS_SECRET_ACCESS_KEY: "offline-plan-only",
      AWS_EC2_METADATA_DISABLED: "true",
    };
  }

  run(args: readonly string[], vars: Readonly<Record<string, string>> = {}): TfResult {
    const env = { ...this.env };
    for (const [k, v] of Object.entries(vars)) env[`TF_VAR_${k}`] = v;
    const r = spawnSync("terraform", [...args], { cwd: this.dir, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (r.error) throw r.error;
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  /** Run and fail loudly (with terraform's own words) unless it succeeds. */
  ok(args: readonly string[], vars: Readonly<Record<string, string>> = {}): string {
    const r = this.run(args, vars);
    if (r.status !== 0) throw new Error(`terraform ${args.join(" ")} failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
    return r.stdout;
  }
}

/**
 * A root configuration that calls the module, laid out as in the repository (`examples/<name>` beside
 * `terraform/`) in a temp dir, both adapted to the v5 mirror; the root's provider gets the offline
 * settings from an override file, so its own .tf is planned as written. Terraform runs in the root.
 */
export function offlineModuleExample(repo: string, example: string, moduleDir = join(repo, "terraform")): OfflineTerraform {
  const top = mkdtempSync(join(tmpdir(), "tg-module-"));
  cpSync(moduleDir, join(top, "terraform"), { recursive: true });
  const main = join(top, "terraform", "main.tf.json");
  writeFileSync(main, JSON.stringify(forTheMirror(JSON.parse(readFileSync(main, "utf8"))), null, 2));
  const root = join(top, "examples", example);
  cpSync(join(repo, "examples", example), root, { recursive: true });
  for (const f of readdirSync(root).filter((f) => f.endsWith(".tf"))) {
    writeFileSync(join(root, f), readFileSync(join(root, f), "utf8").replace(/version\s*=\s*"~> 6\.0"/g, `version = "${MIRROR_AWS_VERSION}"`));
  }
  const settings = Object.entries(OFFLINE_PROVIDER).map(([k, v]) => `  ${k} = ${v}`).join("\n");
  writeFileSync(join(root, "offline_override.tf"), `provider "aws" {\n${settings}\n}\n`);
  return new OfflineTerraform({ dir: root });
}
