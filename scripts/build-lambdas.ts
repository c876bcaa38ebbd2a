import { buildSync, Metafile } from "esbuild";
import { mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

/** The Lambda handlers: one bundle each, `lambda-src/<name>/index.ts` -> `dist/lambda/<name>/index.js`. */
export const LAMBDAS = ["remediate", "heartbeat"] as const;
export type LambdaName = (typeof LAMBDAS)[number];

export interface BuiltLambda {
  readonly name: LambdaName;
  /** Directory to zip: index.js and its source map. */
  readonly dir: string;
  readonly bytes: number;
  readonly metafile: Metafile;
}

const ROOT = join(__dirname, "..");

/**
 * Bundle every handler with the AWS SDK inside (so the runtime's SDK version cannot change behaviour).
 * `mainFields: module,main` picks the SDK's ES module builds, which esbuild can tree-shake.
 */
export function buildLambdas(outRoot = join(ROOT, "dist", "lambda")): BuiltLambda[] {
  return LAMBDAS.map((name) => {
    const dir = join(outRoot, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const result = buildSync({
      entryPoints: [join(ROOT, "lambda-src", name, "index.ts")],
      outfile: join(dir, "index.js"),
      bundle: true,
      platform: "node",
      target: "node22",
      format: "cjs",
      mainFields: ["module", "main"],
      // Lambda gives credentials in environment variables; the SDK's full chain is dead weight there.
      alias: { "@aws-sdk/credential-provider-node": join(ROOT, "lambda-src", "shims", "credential-provider-node.ts") },
      minify: true,
      sourcemap: true,
      sourcesContent: false,
      legalComments: "none",
      metafile: true,
      logLevel: "warning",
    });
    return { name, dir, bytes: statSync(join(dir, "index.js")).size, metafile: result.metafile };
  });
}
