/**
 * Evaluates the HCL expressions cdktf writes into cdk.tf.json, with every value known only at apply
 * replaced by the longest realistic one: a 12-digit account, the longest configured region, the ARN a
 * resource of that type and name gets. So a document's size can be measured at synth, before AWS refuses
 * it at apply. Only the subset of HCL this stack writes is understood; anything else throws, naming it, so
 * a new construct cannot silently escape the check.
 */

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

export interface StackJson {
  readonly locals?: Record<string, unknown>;
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
}

/** The longest account ID AWS issues: always 12 digits. */
export const WORST_ACCOUNT = "123456789012";
/** UUIDs in API destination, connection and key ARNs. */
const UUID = "12345678-1234-1234-1234-123456789012";

/** Values the stack's JSON cannot tell: variables and locals Terraform computes from them. */
export interface Assumptions {
  /** The longest region name an `each.value` can take. */
  readonly longestRegion: string;
  /** `var.<name>` at the longest value its validation allows (the generated module's variables). */
  readonly variables?: Readonly<Record<string, Value>>;
  /** `local.<name>` at its longest, for locals whose HCL this evaluator does not read (`for` expressions). */
  readonly locals?: Readonly<Record<string, Value>>;
}

export class WorstCase {
  private readonly longestRegion: string;

  constructor(
    private readonly stack: StackJson,
    private readonly assume: Assumptions,
  ) {
    this.longestRegion = assume.longestRegion;
  }

  /** A string from cdk.tf.json: literal text, `${...}` interpolations, or one whole expression. */
  template(s: string): Value {
    const whole = /^\$\{([\s\S]*)\}$/.exec(s);
    if (whole && balanced(whole[1])) return new Parser(whole[1], this).whole();
    return this.interpolate(s);
  }

  /** Literal text with `${expr}` parts, as a string (`$${` and `%%{` are escaped literals). */
  interpolate(s: string): string {
    let out = "";
    let i = 0;
    while (i < s.length) {
      if (s.startsWith("$${", i) || s.startsWith("%%{", i)) {
        out += s[i] + "{";
        i += 3;
      } else if (s.startsWith("${", i)) {
        const end = closing(s, i + 1);
        const v = new Parser(s.slice(i + 2, end), this).whole();
        if (typeof v === "object" && v !== null) throw new Error(`cannot interpolate a collection: ${s.slice(i, end + 1)}`);
        out += String(v);
        i = end + 1;
      } else {
        out += s[i++];
      }
    }
    return out;
  }

  /** `local.x`, `each.value`, `var.x`, or a resource (`aws_type.name`, a map of instances when it has for_each). */
  root(name: string, attr: string): Value {
    if (name === "local") {
      if (attr === "account_id") return WORST_ACCOUNT;
      if (this.assume.locals && attr in this.assume.locals) return this.assume.locals[attr];
      const v = this.stack.locals?.[attr];
      if (v === undefined) throw new Error(`no local.${attr}`);
      return typeof v === "string" ? this.template(v) : (v as Value);
    }
    if (name === "each") return this.longestRegion;
    if (name === "var") {
      if (this.assume.variables) {
        if (!(attr in this.assume.variables)) throw new Error(`no worst case for var.${attr}`);
        return this.assume.variables[attr];
      }
      return `var.${attr}`; // the config's stack: only the secrets are variables, and no document holds them
    }
    if (name === "path") return "./module"; // path.module: the Lambda packages' folder

    const body = this.stack.resource?.[name]?.[attr];
    if (!body) throw new Error(`no resource ${name}.${attr}`);
    if (body.for_each === undefined) return this.instance(name, body, String(this.template(String(body.region ?? this.longestRegion))));
    const regions = this.template(String(body.for_each));
    if (!Array.isArray(regions)) throw new Error(`${name}.${attr}: for_each is not a list`);
    return Object.fromEntries(regions.map((r) => [String(r), this.instance(name, body, this.longestRegion)]));
  }

  /** The attributes another resource may read, at their longest. */
  private instance(type: string, body: Record<string, unknown>, region: string): { [key: string]: Value } {
    const str = (v: unknown) => (v === undefined ? "" : String(this.template(String(v))));
    const name = str(body.name ?? body.function_name);
    const a = `${region}:${WORST_ACCOUNT}`;
    const arns: Record<string, () => string> = {
      aws_iam_role: () => `arn:aws:iam::${WORST_ACCOUNT}:role/${name}`,
      aws_cloudwatch_event_bus: () => `arn:aws:events:${a}:event-bus/${name}`,
      aws_cloudwatch_event_rule: () => {
        const bus = str(body.event_bus_name ?? "default");
        return `arn:aws:events:${a}:rule/${bus === "default" ? "" : `${bus}/`}${name}`;
      },
      aws_cloudwatch_event_api_destination: () => `arn:aws:events:${a}:api-destination/${name}/${UUID}`,
      aws_cloudwatch_event_connection: () => `arn:aws:events:${a}:connection/${name}/${UUID}`,
      aws_sqs_queue: () => `arn:aws:sqs:${a}:${name}`,
      aws_sns_topic: () => `arn:aws:sns:${a}:${name}`,
      aws_kms_key: () => `arn:aws:kms:${a}:key/${UUID}`,
      aws_lambda_function: () => `arn:aws:lambda:${a}:function:${name}`,
      aws_cloudwatch_log_group: () => `arn:aws:logs:${a}:log-group:${name}`,
      // A target's `arn` is where it delivers; only the self-check's digests read it, at a fixed length.
      aws_cloudwatch_event_target: () => "x",
    };
    const arn = arns[type];
    if (!arn) throw new Error(`preflight does not know the ARN of ${type}`);
    return {
      arn: arn(),
      name,
      id: type === "aws_kms_key" ? UUID : name,
      key_id: UUID,
      function_name: name,
      url: `https://sqs.${region}.amazonaws.com/${WORST_ACCOUNT}/${name}`,
      // Read only inside the self-check's digests, whose length does not depend on them.
      event_pattern: "{}",
      role_arn: "",
      input_path: "",
      input_transformer: [{ input_template: "", input_paths: {} }],
      // A Lambda as the heartbeat's schedule names it: the code's hash, its role, its settings' digest.
      code_sha256: "x".repeat(44),
      role: type === "aws_lambda_function" ? str(body.role) : "",
      environment: [{ variables: {} }],
      reserved_concurrent_executions: -1,
    };
  }
}

/** Index of the `}` closing the `{` at `open`, skipping quoted strings. */
function closing(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '"') i = endOfString(s, i);
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return i;
  }
  throw new Error(`unbalanced braces in ${s}`);
}

function endOfString(s: string, open: number): number {
  for (let i = open + 1; i < s.length; i++) {
    if (s[i] === "\\") i++;
    else if (s[i] === '"') return i;
    else if (s.startsWith("${", i)) i = closing(s, i + 1);
  }
  throw new Error(`unterminated string in ${s}`);
}

/** True when `inner` of `${inner}` is one expression (its braces balance), not `${a}-${b}`. */
function balanced(inner: string): boolean {
  try {
    closing(`{${inner}}`, 0);
    return closing(`{${inner}}`, 0) === inner.length + 1;
  } catch {
    return false;
  }
}

const FUNCTIONS: Record<string, (args: Value[]) => Value> = {
  jsonencode: ([v]) => JSON.stringify(v),
  concat: (args) => args.flatMap((a) => (Array.isArray(a) ? a : [a])),
  values: ([m]) => Object.values(m as Record<string, Value>),
  toset: ([l]) => l,
  element: ([l, i]) => (l as Value[])[Number(i)],
  split: ([sep, s]) => String(s).split(String(sep)),
  format: ([f, ...args]) => sprintf(String(f), args),
  formatlist: ([f, ...args]) => {
    const n = Math.max(...args.map((a) => (Array.isArray(a) ? a.length : 1)));
    return Array.from({ length: n }, (_, i) => sprintf(String(f), args.map((a) => (Array.isArray(a) ? a[i] : a))));
  },
  startswith: ([s, p]) => String(s).startsWith(String(p)),
  merge: (maps) => Object.assign({}, ...(maps as object[])),
  setintersection: ([a, ...rest]) => (a as Value[]).filter((x) => rest.every((r) => (r as Value[]).includes(x))),
  filebase64sha256: () => "x".repeat(44),
  sha256: () => "x".repeat(64),
  substr: ([s, offset, length]) => String(s).slice(Number(offset), Number(offset) + Number(length)),
  join: ([sep, l]) => (l as Value[]).join(String(sep)),
  jsondecode: ([s]) => JSON.parse(String(s)) as Value,
  // Every argument was evaluated already (this parser evaluates as it parses): the first one stands.
  try: ([first]) => first,
};

function sprintf(f: string, args: Value[]): string {
  let i = 0;
  return f.replace(/%s/g, () => String(args[i++]));
}

/** A recursive-descent parser for the expressions cdktf emits; it evaluates as it parses. */
class Parser {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly ctx: WorstCase,
  ) {}

  /**
   * An operand, comparisons, and a conditional. A comparison's value does not matter here: a conditional
   * is worth its longer branch, whichever Terraform picks.
   */
  expression(): Value {
    let v = this.postfix(this.primary());
    for (;;) {
      this.space();
      const op = /^(==|!=|\|\||&&|>=|<=|>|<)/.exec(this.s.slice(this.i));
      if (!op) break;
      this.i += op[0].length;
      this.postfix(this.primary());
      v = true;
    }
    if (this.s[this.i] === "?") {
      this.i++;
      const yes = this.expression();
      this.expect(":");
      const no = this.expression();
      v = JSON.stringify(yes).length >= JSON.stringify(no).length ? yes : no;
    }
    this.space();
    return v;
  }

  /** One expression and nothing after it: an operator or conditional it does not know throws, not truncates. */
  whole(): Value {
    const v = this.expression();
    if (this.i < this.s.length) throw new Error(`preflight does not evaluate ${JSON.stringify(this.s.slice(this.i, this.i + 40))} in ${this.s}`);
    return v;
  }

  private primary(): Value {
    this.space();
    const c = this.s[this.i];
    if (c === '"') return this.string();
    if (c === "{") return this.object();
    if (c === "[") return this.list();
    if (/[0-9-]/.test(c)) return Number(this.take(/^-?[0-9.]+/));
    const ident = this.take(/^[A-Za-z_][A-Za-z0-9_-]*/);
    if (ident === "true" || ident === "false") return ident === "true";
    if (ident === "null") return null;
    this.space();
    if (this.s[this.i] === "(") {
      const fn = FUNCTIONS[ident];
      if (!fn) throw new Error(`preflight does not evaluate ${ident}()`);
      this.i++;
      return fn(this.items(")"));
    }
    this.expect(".");
    const attr = this.take(/^[A-Za-z_][A-Za-z0-9_-]*/);
    return this.ctx.root(ident, attr);
  }

  private postfix(v: Value): Value {
    for (;;) {
      this.space();
      const c = this.s[this.i];
      if (c === ".") {
        this.i++;
        const attr = this.take(/^[A-Za-z_][A-Za-z0-9_-]*/);
        v = Array.isArray(v) ? v.map((x) => get(x, attr)) : get(v, attr);
      } else if (c === "[") {
        this.i++;
        this.space();
        if (this.s[this.i] === "*") {
          this.i++;
          this.expect("]");
          if (!Array.isArray(v)) throw new Error("splat of a non-list");
          continue; // `[*].attr` maps the attribute over the list, handled by the "." branch
        }
        const key = this.expression();
        this.expect("]");
        if (Array.isArray(v)) v = v[Number(key)];
        else if (typeof v === "object" && v !== null && String(key) in v) v = v[String(key)];
        // each.key stands for the longest region, which every regional map has; any other key must exist.
        else throw new Error(`no key ${JSON.stringify(key)} in ${this.s}`);
      } else {
        return v;
      }
    }
  }

  private string(): string {
    const end = endOfString(this.s, this.i);
    const raw = this.s.slice(this.i, end + 1);
    this.i = end + 1;
    // Unescape HCL string escapes (the same as JSON's for what cdktf writes), then interpolate.
    const text = raw.slice(1, -1).replace(/\\(["\\nrt])/g, (_m, e: string) => ({ n: "\n", r: "\r", t: "\t" })[e as "n"] ?? e);
    return this.ctx.interpolate(text);
  }

  private object(): Value {
    this.expect("{");
    const out: { [k: string]: Value } = {};
    for (;;) {
      this.space();
      if (this.s[this.i] === "}") {
        this.i++;
        return out;
      }
      const key = this.s[this.i] === '"' ? this.string() : this.take(/^[A-Za-z_][A-Za-z0-9_-]*/);
      this.space();
      if (this.s[this.i] !== "=" && this.s[this.i] !== ":") throw new Error(`expected = after key ${key} in ${this.s}`);
      this.i++;
      out[key] = this.expression();
      this.space();
      if (this.s[this.i] === ",") this.i++;
    }
  }

  private list(): Value[] {
    this.expect("[");
    return this.items("]");
  }

  private items(close: string): Value[] {
    const out: Value[] = [];
    for (;;) {
      this.space();
      if (this.s[this.i] === close) {
        this.i++;
        return out;
      }
      out.push(this.expression());
      this.space();
      if (this.s[this.i] === ",") this.i++;
    }
  }

  private space(): void {
    while (/\s/.test(this.s[this.i] ?? "")) this.i++;
  }

  private expect(c: string): void {
    this.space();
    if (this.s[this.i] !== c) throw new Error(`expected "${c}" at ${this.i} in ${this.s}`);
    this.i++;
  }

  private take(re: RegExp): string {
    const m = re.exec(this.s.slice(this.i));
    if (!m) throw new Error(`cannot read ${JSON.stringify(this.s.slice(this.i, this.i + 30))}`);
    this.i += m[0].length;
    return m[0];
  }
}

function get(v: Value, attr: string): Value {
  if (typeof v !== "object" || v === null || Array.isArray(v) || !(attr in v)) throw new Error(`no attribute ${attr}`);
  return v[attr];
}
