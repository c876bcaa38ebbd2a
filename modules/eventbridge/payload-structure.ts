import { fillPlaceholders } from "./input-transformer";

/**
 * Whether a rendered target payload kept the structure its input template was written with.
 *
 * A value EventBridge pastes into a quoted string is not escaped (see input-transformer.ts), so a caller
 * who controls it can close the string and add keys. `JSON.parse` hides the worst of it: of two equal keys
 * it keeps the last, so `...","channel":"C0ATTACKER","x":"` parses and re-points the alert. This module
 * reads the text itself: every key path, duplicates included, compared with the template rendered with
 * harmless values.
 */

export interface JsonStructure {
  /** `$.blocks[0].text.type:string`, in document order, one per value (a duplicate key appears twice). */
  readonly paths: readonly string[];
  /** Paths of keys that occur twice in the same object. */
  readonly duplicates: readonly string[];
}

/** The structure of a JSON text; throws a SyntaxError when it is not JSON. */
export function jsonStructure(text: string): JsonStructure {
  JSON.parse(text); // Valid JSON first: the walk below trusts the syntax.
  let i = 0;
  const paths: string[] = [];
  const duplicates: string[] = [];
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const str = (): string => {
    const start = i++;
    while (text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    space();
    const c = text[i];
    if (c === "{") {
      i++;
      paths.push(`${path}:object`);
      const seen = new Set<string>();
      space();
      if (text[i] === "}") return void i++;
      for (;;) {
        space();
        const key = str();
        const at = `${path}.${key}`;
        if (seen.has(key)) duplicates.push(at);
        seen.add(key);
        space();
        i++; // ':'
        value(at);
        space();
        if (text[i++] === "}") return;
      }
    }
    if (c === "[") {
      i++;
      paths.push(`${path}:array`);
      space();
      if (text[i] === "]") return void i++;
      for (let n = 0; ; n++) {
        value(`${path}[${n}]`);
        space();
        if (text[i++] === "]") return;
      }
    }
    if (c === '"') {
      str();
      paths.push(`${path}:string`);
      return;
    }
    const start = i;
    while (i < text.length && !",]} \t\n\r".includes(text[i])) i++;
    const literal = text.slice(start, i);
    paths.push(`${path}:${literal === "true" || literal === "false" ? "boolean" : literal === "null" ? "null" : "number"}`);
  };
  value("$");
  return { paths, duplicates };
}

export interface Transformer {
  readonly inputPaths: Readonly<Record<string, string>>;
  readonly inputTemplate: string;
}

/**
 * The template with every placeholder replaced by harmless text, or undefined when a placeholder stands as
 * a whole JSON value (EventBridge writes those as JSON, of whatever type the event holds: no fixed shape).
 */
export function benignRender(t: Transformer): string | undefined {
  let wholeValue = false;
  const out = fillPlaceholders(t, (_name, inString) => {
    if (!inString) wholeValue = true;
    return "x";
  });
  return wholeValue ? undefined : out;
}

/** The top-level `channel` of a JSON text (chat.postMessage posts there), if it has one. */
const channelOf = (text: string): unknown => {
  const v = JSON.parse(text) as unknown;
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as { channel?: unknown }).channel : undefined;
};

/**
 * What is wrong with a rendered payload, compared with the template's benign render: not JSON, a key that
 * occurs twice, a key path or value type the template does not have (or lacks one it has), another channel.
 * Empty when the payload kept its structure.
 */
export function structureProblems(t: Transformer, payload: string): string[] {
  let got: JsonStructure;
  try {
    got = jsonStructure(payload);
  } catch {
    return ["not JSON"];
  }
  const problems = got.duplicates.map((d) => `duplicate key ${d} (JSON.parse keeps the last one)`);
  const benign = benignRender(t);
  if (benign === undefined) return problems;
  const want = jsonStructure(benign).paths;
  const added = got.paths.filter((p) => !want.includes(p));
  const lost = want.filter((p) => !got.paths.includes(p));
  if (added.length > 0) problems.push(`keys the template does not have: ${added.slice(0, 5).join(", ")}`);
  if (lost.length > 0) problems.push(`keys of the template missing: ${lost.slice(0, 5).join(", ")}`);
  const [wantChannel, gotChannel] = [channelOf(benign), channelOf(payload)];
  if (wantChannel !== gotChannel) problems.push(`channel ${JSON.stringify(gotChannel)} is not the template's ${JSON.stringify(wantChannel)}`);
  return problems;
}
