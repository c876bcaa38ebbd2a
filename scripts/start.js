#!/usr/bin/env node
// `npm start`: compile main.ts (and the modules it imports) with esbuild into dist/synth/main.js, then run
// it with plain node. Type-checking is `npm test`'s job (tsc --noEmit); a TypeScript runner here would add
// about half a second and 40 MB to every synth. Dependencies stay external: node loads them as installed.
"use strict";
const { buildSync } = require("esbuild");
const { join } = require("node:path");

const root = join(__dirname, "..");
const outfile = join(root, "dist", "synth", "main.js");
buildSync({
  absWorkingDir: root,
  entryPoints: ["./main.ts"],
  outfile,
  bundle: true,
  packages: "external",
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: "inline",
  logLevel: "warning",
});
require(outfile);
