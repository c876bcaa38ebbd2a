#!/usr/bin/env node
// `npm start`: compile main.ts (and the modules it imports) with esbuild into dist/synth/main.js, then run
// it with plain node. Type-checking is `npm test`'s job (tsc --noEmit); a TypeScript runner here would add
// about half a second and 40 MB to every synth. Dependencies stay external: node loads them as installed.
// The compiled file is reused while none of its sources changed (size and modification time of each, as
// esbuild listed them), which saves esbuild's start and build on every synth.
"use strict";
const { readFileSync, statSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");
const outfile = join(root, "dist", "synth", "main.js");
const sourcesFile = `${outfile}.sources.json`;

const stamp = (file) => {
  const s = statSync(join(root, file));
  return [file, s.size, s.mtimeMs];
};

function upToDate() {
  try {
    const sources = JSON.parse(readFileSync(sourcesFile, "utf8"));
    statSync(outfile);
    return sources.length > 0 && sources.every(([file, size, mtime]) => {
      const [, nowSize, nowMtime] = stamp(file);
      return nowSize === size && nowMtime === mtime;
    });
  } catch {
    return false;
  }
}

if (!upToDate()) {
  const { buildSync } = require("esbuild");
  const result = buildSync({
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
    metafile: true,
  });
  writeFileSync(sourcesFile, JSON.stringify(Object.keys(result.metafile.inputs).map(stamp)));
}
require(outfile);
