/**
 * IAM policy evaluation for one request, as the IAM User Guide describes it ("Policy evaluation logic",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html), for the
 * subset trailguard's policies use: an explicit Deny in any policy wins; otherwise, within one account,
 * an Allow in the resource-based policy or in the principal's identity-based policy allows.
 * Conditions: ArnEquals, ArnNotEquals, ArnLike, ArnNotLike, StringEquals (each key's values ORed, keys
 * ANDed). ArnLike compares each of an ARN's six colon-separated parts on its own, so `*` never spans a
 * colon (IAM User Guide, "Amazon Resource Name (ARN) condition operators").
 */

export interface Statement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: "*" | Record<string, string | readonly string[]>;
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

export interface Request {
  /** `aws:PrincipalArn`: for an assumed-role session, the role's ARN. */
  readonly principalArn: string;
  readonly action: string;
  readonly resource: string;
  /** `aws:PrincipalOrgID`: the organization of the principal's account, if any. */
  readonly principalOrgId?: string;
  /** A service principal (`events.amazonaws.com`) assuming a role, instead of an IAM principal. */
  readonly principalService?: string;
  /** `aws:SourceArn` and `aws:SourceAccount`: the resource a service acts for. */
  readonly sourceArn?: string;
  readonly sourceAccount?: string;
  /** `events:source` of a PutEvents entry. */
  readonly eventSource?: string;
}

const list = <T>(v: T | readonly T[] | undefined): readonly T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v as T]);
const glob = (pattern: string, value: string) =>
  new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`).test(value);
/** ArnLike: six parts (the sixth keeps its colons), each matched on its own. */
const arnParts = (arn: string) => {
  const parts = arn.split(":");
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
};
const arnLike = (pattern: string, value: string) => {
  const [p, v] = [arnParts(pattern), arnParts(value)];
  return p.length === v.length && p.every((x, i) => glob(x, v[i]));
};

function conditionHolds(condition: Statement["Condition"], req: Request): boolean {
  const context: Record<string, string | undefined> = {
    "aws:PrincipalArn": req.principalArn,
    "aws:PrincipalOrgID": req.principalOrgId,
    "aws:SourceArn": req.sourceArn,
    "aws:SourceAccount": req.sourceAccount,
    "events:source": req.eventSource,
  };
  return Object.entries(condition ?? {}).every(([op, keys]) =>
    Object.entries(keys).every(([key, values]) => {
      const v = context[key];
      // A key the request does not carry fails every operator but the negated ones (IAM: "...IfExists" aside).
      if (!(key in context)) throw new Error(`no context key ${key} in this evaluator`);
      if (v === undefined) return op.includes("Not");
      const vs = list(values);
      switch (op) {
        case "ArnEquals":
        case "StringEquals":
        case "ForAnyValue:StringEquals": // one value here: any of the request's values is this one
          return vs.includes(v);
        case "ArnNotEquals":
          return !vs.includes(v);
        case "ArnLike":
          return vs.some((p) => arnLike(p, v));
        case "ArnNotLike":
          return !vs.some((p) => arnLike(p, v));
        default:
          throw new Error(`condition operator ${op} is not in this evaluator`);
      }
    }),
  );
}

function applies(s: Statement, req: Request, resourcePolicy: boolean): boolean {
  if (resourcePolicy) {
    const p = s.Principal;
    const principalMatches = req.principalService
      ? p !== "*" && list(p?.Service).includes(req.principalService)
      : p === "*" || list(p?.AWS).includes(req.principalArn) || list(p?.AWS).includes("*");
    if (!principalMatches) return false;
  }
  return (
    list(s.Action).some((a) => glob(a, req.action)) &&
    (s.Resource === undefined || list(s.Resource).some((r) => glob(r, req.resource))) &&
    conditionHolds(s.Condition, req)
  );
}

/**
 * Same account: an explicit Deny anywhere denies, else an Allow in either policy allows. Across accounts
 * (the principal's account is not the resource's), both the identity policy and the resource policy must
 * allow ("Cross-account policy evaluation logic", IAM User Guide).
 */
export function evaluate(req: Request, resourcePolicy: readonly Statement[], identityPolicy: readonly Statement[]): "allowed" | "denied" {
  const all = [...resourcePolicy.map((s) => [s, true] as const), ...identityPolicy.map((s) => [s, false] as const)];
  const matching = all.filter(([s, isResource]) => applies(s, req, isResource));
  if (matching.some(([s]) => s.Effect === "Deny")) return "denied";
  const account = (arn: string) => arn.split(":")[4];
  // A service principal assuming a role: the trust policy alone decides.
  if (!req.principalService && account(req.principalArn) !== account(req.resource)) {
    const allows = (resource: boolean) => matching.some(([s, isResource]) => isResource === resource && s.Effect === "Allow");
    return allows(true) && allows(false) ? "allowed" : "denied";
  }
  return matching.some(([s]) => s.Effect === "Allow") ? "allowed" : "denied";
}
