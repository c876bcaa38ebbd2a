import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { TrailguardConfigInput } from "../../../modules/config";
import { PLUGIN_MIRROR } from "../offline-terraform";
import { synthToDisk } from "../synth";
import { forMoto, type ForMotoOptions } from "./for-moto";

/**
 * The stack, synthesized from `config` as `npm start` does, converted for moto (for-moto.ts) and applied
 * with the real terraform and the mirrored AWS provider. Every terraform run has a deadline.
 */
export class MotoStack {
  readonly dir: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(config: TrailguardConfigInput, o: ForMotoOptions & { readonly secrets: Readonly<Record<string, string>> }) {
    const out = mkdtempSync(join(tmpdir(), "tg-e2e-"));
    const file = synthToDisk(config, join(out, "cdktf.out"));
    this.dir = join(out, "tf");
    cpSync(join(dirname(file), "assets"), join(this.dir, "assets"), { recursive: true });
    const stack = forMoto(JSON.parse(readFileSync(file, "utf8")), o);
    writeFileSync(join(this.dir, "main.tf.json"), JSON.stringify(stack, null, 2));
    writeFileSync(join(this.dir, "offline.tfrc"), `provider_installation {\n  filesystem_mirror {\n    path = "${PLUGIN_MIRROR}"\n  }\n}\n`);
    this.env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TF_CLI_CONFIG_FILE: join(this.dir, "offline.tfrc"),
      TF_IN_AUTOMATION: "1",
      CHECKPOINT_DISABLE: "1",
      AWS_EC2_METADATA_DISABLED: "true",
      ...Object.fromEntries(Object.entries(o.secrets).map(([k, v]) => [`TF_VAR_${k}`, v])),
    };
  }

  /** terraform <args>, within `deadlineMs`; throws terraform's own last words when it fails. */
  run(args: readonly string[], deadlineMs: number): { status: number; stdout: string; stderr: string; seconds: number } {
    const started = Date.now();
    const r = spawnSync("terraform", [...args, "-no-color"], { cwd: this.dir, env: this.env, encoding: "utf8", timeout: deadlineMs, killSignal: "SIGKILL", maxBuffer: 256 * 1024 * 1024 });
    const seconds = (Date.now() - started) / 1000;
    if (r.error && (r.error as NodeJS.ErrnoException).code === "ETIMEDOUT") throw new Error(`terraform ${args[0]} did not finish within ${deadlineMs / 1000} s (killed)`);
    if (r.error) throw r.error;
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, seconds };
  }

  ok(args: readonly string[], deadlineMs: number): { stdout: string; seconds: number } {
    const r = this.run(args, deadlineMs);
    if (r.status !== 0) throw new Error(`terraform ${args.join(" ")} failed (${r.status}): ${(r.stderr || r.stdout).trim().split("\n").slice(-15).join("\n")}`);
    return r;
  }
}
