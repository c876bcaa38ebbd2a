/**
 * EventBridge event-pattern matching, as the Amazon EventBridge User Guide documents it ("Event patterns",
 * "Content filtering in Amazon EventBridge event patterns"), so tests can check patterns on real events:
 * - every field in the pattern must match (AND); `$or` takes a list of sub-patterns, any may match;
 * - a field's value is a list of matchers, any may match; when the event's field is an array, the pattern
 *   matches if any element matches;
 * - exact values (strings, numbers, null, booleans), prefix, suffix, equals-ignore-case, wildcard,
 *   anything-but (value, list, prefix, suffix), exists, numeric (<, <=, =, >, >=).
 * An unknown operator throws, so a typo in a pattern fails its test instead of silently never matching.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function wildcardToRegExp(w: string): RegExp {
  const body = w
    .split(/(\\\*|\*)/)
    .map((part) => (part === "*" ? ".*" : part === "\\*" ? "\\*" : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, "s");
}

function numericMatches(conds: readonly (string | number)[], v: unknown): boolean {
  if (typeof v !== "number") return false;
  for (let i = 0; i < conds.length; i += 2) {
    const op = conds[i];
    const n = conds[i + 1] as number;
    const ok =
      op === "<" ? v < n : op === "<=" ? v <= n : op === "=" ? v === n : op === ">" ? v > n : op === ">=" ? v >= n : null;
    if (ok === null) throw new Error(`unknown numeric operator ${String(op)}`);
    if (!ok) return false;
  }
  return true;
}

/** Does one matcher accept one (non-array) event value? `present` is false when the field is missing. */
function matcherAccepts(matcher: Json, v: unknown, present: boolean): boolean {
  if (matcher === null || typeof matcher !== "object") return present && v === matcher;
  if (Array.isArray(matcher)) throw new Error("nested arrays are not matchers");
  const ops = Object.keys(matcher);
  if (ops.length !== 1) throw new Error(`a matcher has exactly one operator, got ${ops.join(", ")}`);
  const op = ops[0];
  const arg = matcher[op];
  if (op === "exists") return arg === (present && (v === null || typeof v !== "object"));
  if (!present) return false;
  switch (op) {
    case "prefix":
      return typeof v === "string" && typeof arg === "string" && v.startsWith(arg);
    case "suffix":
      return typeof v === "string" && typeof arg === "string" && v.endsWith(arg);
    case "equals-ignore-case":
      return typeof v === "string" && typeof arg === "string" && v.toLowerCase() === arg.toLowerCase();
    case "wildcard":
      return typeof v === "string" && typeof arg === "string" && wildcardToRegExp(arg).test(v);
    case "numeric":
      return numericMatches(arg as (string | number)[], v);
    case "anything-but": {
      if (Array.isArray(arg)) return !arg.includes(v as Json);
      if (arg !== null && typeof arg === "object") return !matcherAccepts(arg, v, true);
      return v !== arg;
    }
    default:
      throw new Error(`unknown matcher operator ${op}`);
  }
}

function fieldMatches(matchers: Json[], value: unknown, present: boolean): boolean {
  const candidates = Array.isArray(value) ? value : [value];
  if (Array.isArray(value) && value.length === 0) return matchers.some((m) => matcherAccepts(m, undefined, false));
  return matchers.some((m) => candidates.some((c) => matcherAccepts(m, c, present)));
}

export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (pattern === null || typeof pattern !== "object" || Array.isArray(pattern)) {
    throw new Error("a pattern is a JSON object");
  }
  const obj = (event !== null && typeof event === "object" ? event : {}) as Record<string, unknown>;
  return Object.entries(pattern as Record<string, Json>).every(([key, sub]) => {
    if (key === "$or") {
      if (!Array.isArray(sub) || sub.length < 2) throw new Error("$or takes a list of at least two patterns");
      return sub.some((alt) => matchesPattern(alt, event));
    }
    const present = key in obj;
    const value = obj[key];
    if (Array.isArray(sub)) {
      if (sub.length === 0) throw new Error(`empty matcher list for ${key}`);
      return fieldMatches(sub, value, present);
    }
    if (sub !== null && typeof sub === "object") {
      // An array of objects (a lifecycle configuration's rules): the pattern matches when one element does.
      if (Array.isArray(value)) return value.some((v) => v !== null && typeof v === "object" && !Array.isArray(v) && matchesPattern(sub, v));
      return present && value !== null && typeof value === "object" && matchesPattern(sub, value);
    }
    throw new Error(`pattern field ${key} must be a list of matchers or an object`);
  });
}

/**
 * Why `pattern` does not match `event`: the path of the first field that fails and what the event holds
 * there, or undefined when it matches. For `simulate --explain`.
 */
export function mismatch(pattern: unknown, event: unknown, at = ""): string | undefined {
  if (matchesPattern(pattern, event)) return undefined;
  const obj = (event !== null && typeof event === "object" ? event : {}) as Record<string, unknown>;
  for (const [key, sub] of Object.entries(pattern as Record<string, Json>)) {
    if (key === "$or") {
      const alts = sub as Json[];
      if (alts.some((alt) => matchesPattern(alt, event))) continue;
      return `no alternative of ${at || "the pattern"}'s $or matches; the first: ${mismatch(alts[0], event, at)}`;
    }
    const path = at ? `${at}.${key}` : key;
    const value = obj[key];
    const shown = key in obj ? JSON.stringify(value)?.slice(0, 80) : "absent";
    if (Array.isArray(sub)) {
      if (!fieldMatches(sub, value, key in obj)) return `${path} is ${shown}, not ${JSON.stringify(sub).slice(0, 120)}`;
    } else if (!matchesPattern({ [key]: sub }, event)) {
      if (!(key in obj) || value === null || typeof value !== "object") return `${path} is ${shown}, not an object`;
      const inner = Array.isArray(value) ? value.find((v) => v !== null && typeof v === "object") : value;
      return mismatch(sub, inner, path) ?? `${path}: no element matches`;
    }
  }
  return undefined;
}
