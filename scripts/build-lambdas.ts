import { buildSync, version as esbuildVersion } from "esbuild";
import { zipSync } from "fflate";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

import { LAMBDAS, type LambdaName } from "../lambda-src/handlers";
import { bundleZips, DIST_LAMBDA } from "../modules/lambda-bundles";

// Each handler: `lambda-src/<name>/index.ts` -> `dist/lambda/<name>/index.js` and `dist/lambda/<name>.zip`.
export { LAMBDAS, type LambdaName };

export interface BuiltLambda {
  readonly name: LambdaName;
  /** index.js and its source map. */
  readonly dir: string;
  /** The deployment package: `<dir>.zip`. */
  readonly zip: string;
  readonly zipBytes: number;
  /** index.js, minified. */
  readonly bytes: number;
  /** Bytes each input file contributes to index.js (esbuild metafile), paths relative to the project. */
  readonly inputs: Readonly<Record<string, number>>;
  /** True when the bundle was reused: no input changed since it was built. */
  readonly cached: boolean;
}

/** The project root: the nearest folder above this file holding lambda-src (also from a bundled copy). */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "lambda-src")) && existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no trailguard project above ${from}`);
  }
}
const ROOT = projectRoot(__dirname);
export { bundleZips, DIST_LAMBDA };

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
 * esbuild options. The AWS SDK is bundled, so the runtime's SDK version cannot change behaviour;
 * `mainFields: module,main` picks its ES module builds, which esbuild can tree-shake; the SDK's credential
 * chain is swapped for an environment-only provider (Lambda gives credentials in environment variables).
 */
const OPTIONS = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  mainFields: ["module", "main"],
  alias: { "@aws-sdk/credential-provider-node": "./lambda-src/shims/credential-provider-node.ts" },
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  legalComments: "none",
  entryNames: "[name]/index",
} as const;

interface Manifest {
  readonly key: string;
  readonly inputs: readonly string[];
  readonly lambdas: readonly Omit<BuiltLambda, "cached">[];
}

/** Hash of the options, esbuild's version and every input file's bytes. */
function inputsKey(inputs: readonly string[]): string {
  const h = createHash("sha256").update(esbuildVersion).update(JSON.stringify(OPTIONS));
  for (const f of inputs) h.update(f).update(existsSync(join(ROOT, f)) ? readFileSync(join(ROOT, f)) : "(missing)");
  return h.digest("hex");
}

/**
 * Bundle and zip every handler in one esbuild run (shared modules are parsed once). When no input file
 * changed since the last build in `outRoot`, the packages on disk are reused: synth stays fast.
 */
export function buildLambdas(outRoot = DIST_LAMBDA, options: { force?: boolean } = {}): BuiltLambda[] {
  const manifestFile = join(outRoot, "build-manifest.json");
  if (!options.force && existsSync(manifestFile)) {
    const manifest: Manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    const zips = bundleZips(outRoot);
    if (manifest.key === inputsKey(manifest.inputs) && LAMBDAS.every((n) => existsSync(zips[n]))) {
      return manifest.lambdas.map((l) => ({ ...l, dir: join(outRoot, l.name), zip: zips[l.name], cached: true }));
    }
  }
  rmSync(outRoot, { recursive: true, force: true });
  mkdirSync(outRoot, { recursive: true });
  const result = buildSync({
    ...OPTIONS,
    mainFields: [...OPTIONS.mainFields],
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(LAMBDAS.map((n) => [n, `./lambda-src/${n}/index.ts`])),
    outdir: outRoot,
    metafile: true,
    logLevel: "warning",
  });
  const lambdas = LAMBDAS.map((name) => {
    const dir = join(outRoot, name);
    const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint === `lambda-src/${name}/index.ts`);
    if (!output) throw new Error(`esbuild wrote no bundle for ${name}`);
    const packaged = reproducibleZip(dir);
    writeFileSync(bundleZips(outRoot)[name], packaged);
    return {
      name,
      dir,
      zip: bundleZips(outRoot)[name],
      zipBytes: packaged.byteLength,
      bytes: statSync(join(dir, "index.js")).size,
      inputs: Object.fromEntries(Object.entries(output.inputs).map(([f, i]) => [f, i.bytesInOutput])),
    };
  });
  const inputs = Object.keys(result.metafile.inputs).sort();
  const manifest: Manifest = { key: inputsKey(inputs), inputs, lambdas };
  writeFileSync(manifestFile, JSON.stringify(manifest));
  return lambdas.map((l) => ({ ...l, cached: false }));
}

// `npm run build` runs this file: build (or reuse) both bundles and their zips.
if (require.main === module) {
  for (const b of buildLambdas()) console.log(`${b.name}: ${b.zip} (${b.zipBytes} bytes${b.cached ? ", unchanged" : ""})`);
}
