/**
 * Checks a user-written filter against EventBridge's content-filter syntax before it reaches AWS (which
 * would refuse it at apply, far from the config line that caused it). Pure: returns one message per
 * problem, each naming the path.
 */

const OPERATORS: Record<string, (arg: unknown) => string | undefined> = {
  prefix: (a) => (typeof a === "string" && a !== "" ? undefined : "prefix takes a non-empty string"),
  suffix: (a) => (typeof a === "string" && a !== "" ? undefined : "suffix takes a non-empty string"),
  "equals-ignore-case": (a) => (typeof a === "string" ? undefined : "equals-ignore-case takes a string"),
  wildcard: (a) => (typeof a === "string" && a !== "" ? undefined : "wildcard takes a non-empty string"),
  exists: (a) => (typeof a === "boolean" ? undefined : "exists takes true or false"),
  "anything-but": (a) => {
    if (typeof a === "string" || typeof a === "number") return undefined;
    if (Array.isArray(a)) {
      if (a.length === 0) return "anything-but takes a non-empty list";
      return a.every((x) => typeof x === "string" || typeof x === "number") ? undefined : "anything-but lists only strings or numbers";
    }
    if (a && typeof a === "object" && Object.keys(a).length === 1 && ["prefix", "suffix", "equals-ignore-case", "wildcard"].includes(Object.keys(a)[0])) {
      return OPERATORS[Object.keys(a)[0]]((a as Record<string, unknown>)[Object.keys(a)[0]]);
    }
    return "anything-but takes a value, a list, or {prefix|suffix|equals-ignore-case|wildcard}";
  },
  numeric: (a) => {
    if (!Array.isArray(a) || a.length === 0 || a.length % 2 !== 0 || a.length > 4) return "numeric takes 1 or 2 [operator, number] pairs";
    for (let i = 0; i < a.length; i += 2) {
      if (!["<", "<=", "=", ">", ">="].includes(a[i])) return `numeric: unknown comparison ${JSON.stringify(a[i])}`;
      if (typeof a[i + 1] !== "number") return `numeric: ${JSON.stringify(a[i + 1])} is not a number`;
    }
    return undefined;
  },
};

function matcherProblem(m: unknown): string | undefined {
  if (m === null || ["string", "number", "boolean"].includes(typeof m)) return undefined;
  if (typeof m !== "object" || Array.isArray(m)) return "a matcher is a value or an {operator: argument} object";
  const keys = Object.keys(m);
  if (keys.length !== 1) return `a matcher has exactly one operator, got ${keys.length}`;
  const check = OPERATORS[keys[0]];
  if (!check) return `unknown operator "${keys[0]}" (expected one of ${Object.keys(OPERATORS).join(", ")})`;
  return check((m as Record<string, unknown>)[keys[0]]);
}

export interface PatternProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Problems of a pattern object (the `detail` part of a rule), each with the path it is at. */
export function patternProblems(value: unknown, path: readonly (string | number)[] = []): PatternProblem[] {
  const problem = (at: readonly (string | number)[], message: string) => [{ path: at, message }];
  if (value === null || typeof value !== "object" || Array.isArray(value)) return problem(path, "must be an object of fields");
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return problem(path, "must not be empty");
  return entries.flatMap(([key, v]) => {
    const at = [...path, key];
    if (key === "$or") {
      if (!Array.isArray(v) || v.length < 2) return problem(at, "takes a list of at least two alternatives");
      return v.flatMap((alt, i) => patternProblems(alt, [...at, i]));
    }
    if (Array.isArray(v)) {
      if (v.length === 0) return problem(at, "empty list matches nothing");
      return v.flatMap((m, i) => {
        const p = matcherProblem(m);
        return p ? problem([...at, i], p) : [];
      });
    }
    if (v !== null && typeof v === "object") return patternProblems(v, at);
    return problem(at, 'must be a list of matchers or a nested object (write ["value"], not "value")');
  });
}
