import { buildSync, Metafile } from "esbuild";
import { zipSync } from "fflate";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The Lambda handlers: one bundle each, `lambda-src/<name>/index.ts` -> `dist/lambda/<name>/index.js`. */
export const LAMBDAS = ["remediate", "heartbeat"] as const;
export type LambdaName = (typeof LAMBDAS)[number];

export interface BuiltLambda {
  readonly name: LambdaName;
  /** index.js and its source map. */
  readonly dir: string;
  /** The deployment package: `<dir>.zip`. */
  readonly zip: string;
  readonly zipBytes: number;
  readonly bytes: number;
  readonly metafile: Metafile;
}

const ROOT = join(__dirname, "..");
export const DIST_LAMBDA = join(ROOT, "dist", "lambda");

/** Where each handler's bundle is (or will be) written. */
export function bundleDirs(outRoot = DIST_LAMBDA): Record<LambdaName, string> {
  return Object.fromEntries(LAMBDAS.map((name) => [name, join(outRoot, name)])) as Record<LambdaName, string>;
}

/** Where each handler's deployment package is (or will be) written. */
export function bundleZips(outRoot = DIST_LAMBDA): Record<LambdaName, string> {
  return Object.fromEntries(LAMBDAS.map((name) => [name, join(outRoot, `${name}.zip`)])) as Record<LambdaName, string>;
}

/**
 * Zip a directory byte-for-byte reproducibly: sorted names, one fixed timestamp, fixed level. A zip that
 * changed on every synth would change source_code_hash and make every plan update every Lambda.
 */
export function reproducibleZip(dir: string): Uint8Array {
  const mtime = new Date("1980-01-01T00:00:00Z");
  const files = Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, [readFileSync(join(dir, f)), { mtime, level: 9 }] as [Uint8Array, { mtime: Date; level: 9 }]]),
  );
  return zipSync(files, { mtime });
}

/**
 * Bundle every handler with the AWS SDK inside (so the runtime's SDK version cannot change behaviour).
 * `mainFields: module,main` picks the SDK's ES module builds, which esbuild can tree-shake.
 */
export function buildLambdas(outRoot = DIST_LAMBDA): BuiltLambda[] {
  return LAMBDAS.map((name) => {
    const dir = bundleDirs(outRoot)[name];
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
    const zip = bundleZips(outRoot)[name];
    const packaged = reproducibleZip(dir);
    writeFileSync(zip, packaged);
    return { name, dir, zip, zipBytes: packaged.byteLength, bytes: statSync(join(dir, "index.js")).size, metafile: result.metafile };
  });
}
