/**
 * IAM policy evaluation for one request, as the IAM User Guide describes it ("Policy evaluation logic",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html), for the
 * subset trailguard's policies use: an explicit Deny in any policy wins; otherwise, within one account,
 * an Allow in the resource-based policy or in the principal's identity-based policy allows.
 * Conditions: ArnEquals, ArnNotEquals, ArnLike, StringEquals (each key's values ORed, keys ANDed).
 */

export interface Statement {
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
}

const list = <T>(v: T | readonly T[] | undefined): readonly T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v as T]);
const glob = (pattern: string, value: string) =>
  new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`).test(value);

function conditionHolds(condition: Statement["Condition"], req: Request): boolean {
  const context: Record<string, string> = { "aws:PrincipalArn": req.principalArn, ...(req.principalOrgId ? { "aws:PrincipalOrgID": req.principalOrgId } : {}) };
  return Object.entries(condition ?? {}).every(([op, keys]) =>
    Object.entries(keys).every(([key, values]) => {
      const v = context[key];
      // A key the request does not carry fails every operator but the negated ones (IAM: "...IfExists" aside).
      if (v === undefined && key !== "aws:PrincipalOrgID") throw new Error(`no context key ${key} in this evaluator`);
      if (v === undefined) return op.includes("Not");
      const vs = list(values);
      switch (op) {
        case "ArnEquals":
        case "StringEquals":
          return vs.includes(v);
        case "ArnNotEquals":
          return !vs.includes(v);
        case "ArnLike":
          return vs.some((p) => glob(p, v));
        case "ArnNotLike":
          return !vs.some((p) => glob(p, v));
        default:
          throw new Error(`condition operator ${op} is not in this evaluator`);
      }
    }),
  );
}

function applies(s: Statement, req: Request, resourcePolicy: boolean): boolean {
  if (resourcePolicy) {
    const p = s.Principal;
    const principalMatches = p === "*" || list(p?.AWS).includes(req.principalArn) || list(p?.AWS).includes("*");
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
  if (account(req.principalArn) !== account(req.resource)) {
    const allows = (resource: boolean) => matching.some(([s, isResource]) => isResource === resource && s.Effect === "Allow");
    return allows(true) && allows(false) ? "allowed" : "denied";
  }
  return matching.some(([s]) => s.Effect === "Allow") ? "allowed" : "denied";
}
