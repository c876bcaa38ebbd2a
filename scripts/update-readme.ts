/** `npm run docs`: rewrite the generated sections of README.md, and the config props interface, from the code. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderGenerated } from "../modules/docs/readme-tables";
import { buildLambdas } from "./build-lambdas";
import { readmeSections } from "./readme-sections";
import { CONFIG_PROPS_FILE, configPropsNow } from "./config-props";

buildLambdas(); // the stack zips the bundles

const file = join(__dirname, "..", "README.md");
writeFileSync(file, renderGenerated(readFileSync(file, "utf8"), readmeSections()));
console.log(`updated ${file}`);
writeFileSync(CONFIG_PROPS_FILE, configPropsNow());
console.log(`updated ${CONFIG_PROPS_FILE}`);
