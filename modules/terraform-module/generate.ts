import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LAMBDAS, type LambdaName } from "../../lambda-src/handlers";
import { App } from "../cdk";
import type { TrailguardConfigInput } from "../config";
import { TrailguardModuleStack, REQUIRED_TERRAFORM } from "./module-stack";
import { moduleReadme } from "./readme";

/** The module's files, by path inside the module folder. */
export type ModuleFiles = Record<string, Buffer>;

/**
 * The Terraform module (terraform/): `main.tf.json`, the Lambda packages under `lambda/`, and a README
 * with its inputs and outputs. Throws, writing nothing, when a document would break an AWS quota.
 */
export function generateModule(zips: Readonly<Record<LambdaName, string>>, config?: TrailguardConfigInput): ModuleFiles {
  const outdir = mkdtempSync(join(tmpdir(), "trailguard-module-"));
  try {
    const stack = new TrailguardModuleStack(new App({ outdir }), "trailguard", config);
    // Not app.synth(): cdktf refuses a stack without a provider block, and a module must not have one.
    const problems = stack.trailguard.node.validate();
    if (problems.length > 0) throw new Error(`the module would break AWS quotas:\n  ${problems.join("\n  ")}`);
    const json = withoutComments(stack.toTerraform()) as Record<string, unknown>;
    return {
      "main.tf.json": Buffer.from(`${JSON.stringify(json, null, 2)}\n`),
      "README.md": Buffer.from(moduleReadme(json, REQUIRED_TERRAFORM)),
      ...Object.fromEntries(LAMBDAS.map((n) => [`lambda/${n}.zip`, readFileSync(zips[n])])),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** cdktf's `//` metadata (construct paths of this generator) says nothing to a module's reader. */
function withoutComments(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutComments);
  if (v === null || typeof v !== "object") return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => k !== "//").map(([k, x]) => [k, withoutComments(x)]));
}
