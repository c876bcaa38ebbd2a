/**
 * Evaluates an EventBridge input transformer the way the AWS documentation describes it, so tests can see
 * the exact payload Slack would receive. Source: Amazon EventBridge User Guide, "Transforming Amazon
 * EventBridge target input" (eb-transform-target-input), examples table and "Common Issues":
 *
 * - "Simple string": `"instance <instance> is in <state>"` -> `"instance i-0123456789 is in RUNNING"`:
 *   inside a quoted string the value is pasted as its raw text.
 * - "Simple JSON": `{"instance" : <instance>}` -> `{"instance" : "i-0123456789"}`: a placeholder at a
 *   value position is written as a JSON value.
 * - "If you specify a variable to match a JSON path that doesn't exist in the event, that variable isn't
 *   created and won't appear in the output."
 * - "EventBridge doesn't escape values extracted by Input Path, when populating the Input Template for a
 *   target."
 *
 * "Won't appear in the output" can be read two ways for a placeholder of a variable that was not created:
 * the placeholder vanishes, or it stays as literal text because no such variable exists. `missing` picks
 * one; safety tests run both.
 */

export type MissingVariable = "vanishes" | "stays-literal";

export interface EvaluateOptions {
  readonly missing?: MissingVariable;
}

/** `$.detail.userIdentity.arn`, `$.resources[0]`: the JSONPath subset EventBridge documents. */
export function resolvePath(event: unknown, path: string): unknown {
  if (path === "$") return event;
  if (!path.startsWith("$.")) throw new Error(`unsupported path ${path}`);
  let cur: unknown = event;
  for (const segment of path.slice(2).split(".")) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(segment);
    if (!m) throw new Error(`unsupported path segment ${segment} in ${path}`);
    const keys: (string | number)[] = [m[1], ...[...m[2].matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]))];
    for (const k of keys) {
      if (cur === null || typeof cur !== "object") return undefined;
      cur = (cur as Record<string | number, unknown>)[k];
    }
  }
  return cur;
}

/** The text EventBridge would send to the target. */
export function evaluateInputTransformer(
  transformer: { readonly inputPaths: Readonly<Record<string, string>>; readonly inputTemplate: string },
  event: unknown,
  options: EvaluateOptions = {},
): string {
  const values = new Map<string, unknown>();
  for (const [name, path] of Object.entries(transformer.inputPaths)) {
    const v = resolvePath(event, path);
    if (v !== undefined) values.set(name, v);
  }
  return fillPlaceholders(transformer, (name, inString) => {
    if (!values.has(name)) return options.missing === "stays-literal" ? `<${name}>` : "";
    const v = values.get(name);
    // Raw text inside quotes (no escaping), a JSON value outside.
    return inString && typeof v === "string" ? v : JSON.stringify(v);
  });
}

/**
 * The template with each placeholder of a declared input path replaced by `fill(name, inString)`: whether
 * it sits inside a quoted JSON string decides how EventBridge writes it. Other text is kept as it is.
 */
export function fillPlaceholders(
  transformer: { readonly inputPaths: Readonly<Record<string, string>>; readonly inputTemplate: string },
  fill: (name: string, inString: boolean) => string,
): string {
  const template = transformer.inputTemplate;
  let out = "";
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (inString && c === "\\") {
      out += c + template[i + 1];
      i++;
      continue;
    }
    if (c === '"') {
      inString = !inString;
      out += c;
      continue;
    }
    if (c === "<") {
      const m = /^<([A-Za-z0-9_.-]+)>/.exec(template.slice(i));
      if (m && m[1] in transformer.inputPaths) {
        i += m[0].length - 1;
        out += fill(m[1], inString);
        continue;
      }
    }
    out += c;
  }
  return out;
}
