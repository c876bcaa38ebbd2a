// Run a node script and report this process's peak RSS on stderr at exit, as one marked JSON line:
//   node bench/measured.js scripts/start.js            (the synth as `npm start` runs it)
//   node bench/measured.js --root-import scripts/start.js   (the same, after importing the provider's root)
"use strict";
const { resolve } = require("node:path");
const args = process.argv.slice(2);
if (args[0] === "--root-import") {
  args.shift();
  // What a `import { ... } from "@cdktf/provider-aws"` costs: every AWS resource class is loaded.
  require("@cdktf/provider-aws");
}
process.on("exit", () => {
  process.stderr.write(`\nBENCH ${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })}\n`);
});
require(resolve(args[0]));
