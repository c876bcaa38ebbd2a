import { readFileSync } from "node:fs";
import { join } from "node:path";

export const README = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");

/** The code block that follows `<!-- snippet: <name> ... -->` in the README: what the tests run is what users read. */
export function readmeSnippet(name: string): string {
  const at = README.indexOf(`<!-- snippet: ${name} `);
  if (at < 0) throw new Error(`README has no snippet ${name}`);
  const block = /```[a-z]*\n([\s\S]*?)```/.exec(README.slice(at));
  if (!block) throw new Error(`README snippet ${name} has no code block`);
  return block[1];
}
