import { Quota, QUOTAS } from "./quotas";
import { Assumptions, StackJson, Value, WorstCase } from "./worst-case";

/** A synthesized document that would break an AWS quota at apply. */
export interface QuotaProblem {
  /** Plan address, e.g. `aws_iam_role.edge` or `aws_cloudwatch_event_rule.edge["<region>"]`. */
  readonly address: string;
  readonly quota: Quota;
  readonly measured: number;
}

export const describeProblem = (p: QuotaProblem): string =>
  `${p.address}: the ${p.quota.name} would be ${p.measured} ${p.quota.unit}, over AWS's quota of ${p.quota.limit} (${p.quota.source}); measured with the longest realistic account, region and names`;

type Resources = Record<string, Record<string, Record<string, unknown>>>;

/**
 * Every document of the synthesized stack, measured at its longest (see worst-case.ts), against the
 * quotas an offline plan cannot see. Returns the problems; an empty list means the stack fits.
 */
export function preflight(stack: StackJson, assume: Assumptions): QuotaProblem[] {
  const worst = new WorstCase(stack, assume);
  const resources: Resources = (stack.resource ?? {}) as Resources;
  const problems: QuotaProblem[] = [];
  const of = (type: string) => Object.entries(resources[type] ?? {});
  const addr = (type: string, name: string, body: Record<string, unknown>) => `${type}.${name}${body.for_each ? '["<region>"]' : ""}`;
  const check = (address: string, quota: Quota, measured: number) => {
    if (measured > quota.limit) problems.push({ address, quota, measured });
  };
  /** IAM counts a policy's characters without whitespace; jsonencode writes none. */
  const length = (v: unknown) => (typeof v === "string" ? worstString(worst, v).length : 0);

  for (const [name, role] of of("aws_iam_role")) check(addr("aws_iam_role", name, role), QUOTAS.trustPolicy, length(role.assume_role_policy));
  const inline = new Map<string, number>();
  for (const [, p] of of("aws_iam_role_policy")) {
    const role = String(p.role).replace(/^\$\{(aws_iam_role\.[A-Za-z0-9_-]+)\.id\}$/, "$1");
    inline.set(role, (inline.get(role) ?? 0) + length(p.policy) + String(p.name ?? "").length);
  }
  for (const [role, total] of inline) check(role, QUOTAS.inlinePolicies, total);

  const targets = new Map<string, number>();
  for (const [name, t] of of("aws_cloudwatch_event_target")) {
    const rule = String(t.rule).replace(/^\$\{(aws_cloudwatch_event_rule\.[A-Za-z0-9_-]+)(\[[^\]]*\])?\.name\}$/, "$1");
    targets.set(rule, (targets.get(rule) ?? 0) + 1);
    const transformer = t.input_transformer as { input_template?: string } | undefined;
    if (transformer?.input_template) check(addr("aws_cloudwatch_event_target", name, t), QUOTAS.inputTemplate, length(transformer.input_template));
  }
  for (const [rule, n] of targets) check(rule, QUOTAS.targetsPerRule, n);
  for (const [name, r] of of("aws_cloudwatch_event_rule")) {
    const address = addr("aws_cloudwatch_event_rule", name, r);
    if (typeof r.event_pattern === "string") check(address, QUOTAS.eventPattern, length(r.event_pattern));
    check(address, QUOTAS.ruleName, length(r.name));
  }
  for (const [name, p] of of("aws_cloudwatch_event_bus_policy")) check(addr("aws_cloudwatch_event_bus_policy", name, p), QUOTAS.busPolicy, length(p.policy));
  for (const [name, set] of of("aws_cloudformation_stack_set")) {
    check(addr("aws_cloudformation_stack_set", name, set), QUOTAS.stackSetTemplate, Buffer.byteLength(worstString(worst, String(set.template_body ?? ""))));
  }
  for (const [name, k] of of("aws_kms_key")) check(addr("aws_kms_key", name, k), QUOTAS.keyPolicy, Buffer.byteLength(worstString(worst, String(k.policy ?? ""))));
  for (const [name, fn] of of("aws_lambda_function")) {
    const vars = ((fn.environment as { variables?: Record<string, string> } | undefined)?.variables ?? {}) as Record<string, string>;
    const bytes = Object.entries(vars).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(worstString(worst, v)), 0);
    check(addr("aws_lambda_function", name, fn), QUOTAS.lambdaEnvironment, bytes);
  }
  for (const [type, byName] of Object.entries(resources)) {
    for (const [name, body] of Object.entries(byName)) {
      // The module's tags are one expression: merge(ManagedBy, var.tags).
      const tags = typeof body.tags === "string" ? worst.template(body.tags) : body.tags;
      if (tags && typeof tags === "object") check(addr(type, name, body), QUOTAS.tags, Object.keys(tags).length);
    }
  }
  return problems;
}

/** A cdk.tf.json string at its longest: evaluated when it is an expression, else its literal text. */
function worstString(worst: WorstCase, s: string): string {
  const v: Value = worst.template(s);
  return typeof v === "string" ? v : JSON.stringify(v);
}
