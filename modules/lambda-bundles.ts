import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { LAMBDAS, type LambdaName } from "../lambda-src/handlers";

/**
 * Where the Lambdas' deployment packages are: `dist/lambda/<name>.zip` under the trailguard package's root
 * (this repository, or `node_modules/trailguard`, where they ship prebuilt). No esbuild here: using the
 * package never builds anything.
 */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === "trailguard") return dir;
    if (dirname(dir) === dir) throw new Error(`no trailguard package above ${from}`);
  }
}

export const DIST_LAMBDA = join(packageRoot(__dirname), "dist", "lambda");

/** Where each handler's deployment package is (or will be) written. */
export function bundleZips(outRoot = DIST_LAMBDA): Record<LambdaName, string> {
  return Object.fromEntries(LAMBDAS.map((name) => [name, join(outRoot, `${name}.zip`)])) as Record<LambdaName, string>;
}

/** The shipped packages, or a clear error naming the command that builds them. */
export function shippedBundles(): Record<LambdaName, string> {
  const zips = bundleZips();
  for (const [name, zip] of Object.entries(zips)) {
    if (!existsSync(zip)) throw new Error(`the ${name} Lambda package is missing (${zip}); run \`npm run build\` in the trailguard package`);
  }
  return zips;
}
