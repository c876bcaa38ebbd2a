import { createHash } from "node:crypto";

/**
 * Short digests of what a rule and its targets must be, so the self-check can compare everything that
 * decides where an alert goes (a target's ARN, role, input transformer, retry policy; a rule's pattern)
 * without carrying the documents themselves in the heartbeat's 4 KB of environment. Terraform computes
 * the expected digests at plan from the resources it creates (modules/remediation/self-check-digests.ts
 * writes the expressions); the heartbeat computes the same from what EventBridge returns. The two sides
 * must agree byte for byte: a test runs both through `terraform console`.
 */

/** The first 16 hex digits of SHA-256 (Terraform: `substr(sha256(s), 0, 16)`): 64 bits, plenty against an accidental match. */
export const digest = (s: string): string => createHash("sha256").update(s, "utf8").digest("hex").slice(0, 16);

/**
 * JSON as Terraform's `jsonencode` writes it: object keys sorted, no spaces, and `<`, `>`, `&`, U+2028 and
 * U+2029 escaped as `\u003c`... (Terraform language, "jsonencode Function",
 * https://developer.hashicorp.com/terraform/language/functions/jsonencode).
 */
export function terraformJson(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return `[${v.map(terraformJson).join(",")}]`;
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${jsonString(k)}:${terraformJson(o[k])}`)
      .join(",")}}`;
  }
  if (typeof v === "string") return jsonString(v);
  return JSON.stringify(v);
}

const jsonString = (s: string): string =>
  JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** A rule's event pattern, however EventBridge spaced or ordered it: `substr(sha256(jsonencode(jsondecode(p))), 0, 16)`. */
export function patternDigest(pattern: string | undefined): string {
  if (pattern === undefined) return "none";
  try {
    return digest(terraformJson(JSON.parse(pattern)));
  } catch {
    return "not-json";
  }
}

/** What EventBridge returns of a target (ListTargetsByRule), as far as the digest reads it. */
export interface TargetShape {
  readonly Arn?: string;
  readonly RoleArn?: string;
  readonly Input?: string;
  readonly InputPath?: string;
  readonly InputTransformer?: { readonly InputPathsMap?: Record<string, string>; readonly InputTemplate?: string };
  readonly RetryPolicy?: { readonly MaximumEventAgeInSeconds?: number; readonly MaximumRetryAttempts?: number };
}

/**
 * A target's ARN, role, input (constant, path or transformer) and retry policy, one per line (the
 * dead-letter queue differs by region and is compared on its own).
 */
export function targetDigest(t: TargetShape): string {
  return digest(
    [
      t.Arn ?? "",
      t.RoleArn ?? "",
      t.Input ?? "",
      t.InputPath ?? "",
      t.InputTransformer?.InputTemplate ?? "",
      terraformJson(t.InputTransformer?.InputPathsMap ?? {}),
      String(t.RetryPolicy?.MaximumEventAgeInSeconds ?? ""),
      String(t.RetryPolicy?.MaximumRetryAttempts ?? ""),
    ].join("\n"),
  );
}
