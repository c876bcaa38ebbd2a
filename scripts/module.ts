/**
 * `npm run module`: regenerate the Terraform module at terraform/ (committed; a test fails when it is
 * stale). `TRAILGUARD_CONFIG=my.json npm run module -- --out path` writes a module whose fixed parts
 * (detections, custom rules, remediation defaults) come from your config; the variables still decide the rest.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { loadConfig } from "../modules/config";
import { generateModule } from "../modules/terraform-module/generate";
import { buildLambdas, bundleZips } from "./build-lambdas";

const at = process.argv.indexOf("--out");
const out = at > 0 ? process.argv[at + 1] : join(__dirname, "..", "terraform");
const config = process.env.TRAILGUARD_CONFIG ? loadConfig(process.env.TRAILGUARD_CONFIG) : undefined;
buildLambdas();
const files = generateModule(bundleZips(), config);
rmSync(out, { recursive: true, force: true });
for (const [path, content] of Object.entries(files)) {
  mkdirSync(dirname(join(out, path)), { recursive: true });
  writeFileSync(join(out, path), content);
}
const bytes = Object.values(files).reduce((n, b) => n + b.length, 0);
console.log(`trailguard: wrote ${Object.keys(files).length} files, ${bytes} bytes, to ${out}`);
