import { readFileSync } from "node:fs";
import { z } from "zod";
import { configSchema, TrailguardConfig } from "./schema";

/** A config that cannot be used. `message` names the file, each bad field and why; no stack trace needed. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid trailguard config ${source}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** `regions[2]`, `slack.channel`, `tags["Owner"]`; the root is `(config)`. */
function fieldName(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(String(key))) out += out ? `.${String(key)}` : String(key);
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || "(config)";
}

function describe(issue: z.core.$ZodIssue): string[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((k) => `${fieldName([...issue.path, k])}: unknown field`);
  }
  if (issue.code === "invalid_key") {
    // A record key failed its own schema: report that schema's reason, not zod's generic one.
    return issue.issues.map((i) => `${fieldName(issue.path)}: key ${i.message}`);
  }
  if (issue.code === "invalid_type") {
    // zod does not keep the input in issues; its message ends "received undefined" for a missing field.
    return /received undefined$/.test(issue.message)
      ? [`${fieldName(issue.path)}: required field is missing`]
      : [`${fieldName(issue.path)}: expected ${issue.expected}`];
  }
  return [`${fieldName(issue.path)}: ${issue.message}`];
}

/** Validate an already-parsed config value and apply defaults. Pure: throws ConfigError on bad input. */
export function parseConfig(value: unknown, source = "(inline)"): TrailguardConfig {
  const result = configSchema.safeParse(value);
  if (!result.success) throw new ConfigError(source, result.error.issues.flatMap(describe));
  return result.data;
}

/** Read, parse and validate a config file. */
export function loadConfig(file: string): TrailguardConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ConfigError(file, [`cannot read the file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(file, [`not valid JSON: ${(e as Error).message}`]);
  }
  return parseConfig(value, file);
}
