/**
 * EventBridge event-pattern matching, as the Amazon EventBridge User Guide documents it ("Event patterns",
 * "Content filtering in Amazon EventBridge event patterns"), so tests can check patterns on real events:
 * - every field in the pattern must match (AND); `$or` takes a list of sub-patterns, any may match;
 * - a field's value is a list of matchers, any may match; when the event's field is an array, the pattern
 *   matches if any element matches;
 * - exact values (strings, numbers, null, booleans), prefix, suffix, equals-ignore-case, wildcard,
 *   anything-but (value, list, prefix, suffix, wildcard, equals-ignore-case), exists, numeric (<, <=, =, >,
 *   >=), cidr (IPv4 and IPv6, "IP address matching"), and prefix or suffix "while ignoring case"
 *   (`{"prefix": {"equals-ignore-case": "EventB"}}`);
 * - arrays in arrays count as their elements; a field under a missing parent is missing (so
 *   `exists: false` matches it), as aws/event-ruler, AWS's open-source matcher, decides where the guide is silent.
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

/** An IPv4 or IPv6 address as a bigint and its bit width, or undefined. */
function ipValue(s: string): { bits: number; n: bigint } | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return { bits: 32, n: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n) };
  }
  if (!s.includes(":") || !/^[0-9a-fA-F:]+$/.test(s)) return undefined;
  const [head, tail, extra] = s.split("::");
  if (extra !== undefined) return undefined;
  const groups = (x: string) => (x === "" ? [] : x.split(":"));
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const missing = 8 - h.length - t.length;
  if ((tail === undefined && missing !== 0) || missing < 0 || [...h, ...t].some((g) => g.length === 0 || g.length > 4)) return undefined;
  const all = [...h, ...Array(missing).fill("0"), ...t];
  return { bits: 128, n: all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

/** Is `v` an address inside `cidr` ("10.0.0.0/24", "2001:db8::/32")? */
function inCidr(cidr: string, v: unknown): boolean {
  if (typeof v !== "string") return false;
  const [base, len] = cidr.split("/");
  const net = ipValue(base);
  const ip = ipValue(v);
  const prefix = Number(len);
  if (!net || !Number.isInteger(prefix) || prefix < 0 || prefix > net.bits) throw new Error(`invalid cidr ${cidr}`);
  if (!ip || ip.bits !== net.bits) return false;
  const shift = BigInt(net.bits - prefix);
  return ip.n >> shift === net.n >> shift;
}

/** prefix/suffix of a string or, `{"equals-ignore-case": "x"}`, ignoring case. */
function affix(arg: Json, v: unknown, test: (value: string, part: string) => boolean): boolean {
  if (typeof v !== "string") return false;
  if (typeof arg === "string") return test(v, arg);
  const ci = arg !== null && typeof arg === "object" && !Array.isArray(arg) ? arg["equals-ignore-case"] : undefined;
  if (typeof ci === "string") return test(v.toLowerCase(), ci.toLowerCase());
  throw new Error(`prefix and suffix take a string or {"equals-ignore-case": string}, got ${JSON.stringify(arg)}`);
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
      return affix(arg, v, (value, part) => value.startsWith(part));
    case "suffix":
      return affix(arg, v, (value, part) => value.endsWith(part));
    case "equals-ignore-case":
      // A list under anything-but ("anything-but": {"equals-ignore-case": ["a", "b"]}).
      return typeof v === "string" && (Array.isArray(arg) ? arg : [arg]).some((a) => typeof a === "string" && v.toLowerCase() === a.toLowerCase());
    case "cidr":
      return typeof arg === "string" && inCidr(arg, v);
    case "wildcard":
      return typeof v === "string" && typeof arg === "string" && wildcardToRegExp(arg).test(v);
    case "numeric":
      return numericMatches(arg as (string | number)[], v);
    case "anything-but": {
      if (Array.isArray(arg)) return !arg.includes(v as Json);
      if (arg !== null && typeof arg === "object") {
        // {"prefix": ["a", "b"]}: a list under an operator means any of them.
        const [inner, value] = Object.entries(arg)[0] ?? [];
        const values = Array.isArray(value) && inner !== "equals-ignore-case" && inner !== "numeric" ? value : [value];
        return !values.some((x) => matcherAccepts({ [inner]: x } as Json, v, true));
      }
      return v !== arg;
    }
    default:
      throw new Error(`unknown matcher operator ${op}`);
  }
}

/** An array's leaves: arrays in arrays count as their elements. */
const leaves = (v: unknown[]): unknown[] => v.flatMap((x) => (Array.isArray(x) ? leaves(x) : [x]));

function fieldMatches(matchers: Json[], value: unknown, present: boolean): boolean {
  const candidates = Array.isArray(value) ? leaves(value) : [value];
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
    // `"detail.tier"` is `detail` then `tier`, unless the event has that key as it is: event-ruler joins
    // keys with dots (its README); EventBridge's guide does not say, and EventBridge uses event-ruler.
    if (key.includes(".") && !(key in obj)) {
      const dot = key.indexOf(".");
      return matchesPattern({ [key.slice(0, dot)]: { [key.slice(dot + 1)]: sub } }, event);
    }
    const present = key in obj;
    const value = obj[key];
    if (Array.isArray(sub)) {
      if (sub.length === 0) throw new Error(`empty matcher list for ${key}`);
      return fieldMatches(sub, value, present);
    }
    if (sub !== null && typeof sub === "object") {
      // An array of objects (a lifecycle configuration's rules): the pattern matches when one element does.
      if (Array.isArray(value)) return leaves(value).some((v) => v !== null && typeof v === "object" && !Array.isArray(v) && matchesPattern(sub, v));
      // Under a missing (or leaf) parent every field is missing: only `exists: false` can match there.
      return matchesPattern(sub, present && value !== null && typeof value === "object" ? value : {});
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
