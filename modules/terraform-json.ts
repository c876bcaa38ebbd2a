/**
 * JSON that Terraform computes at plan, placed where a JSON value goes in a document we write as text
 * (an event pattern, a Lambda setting): `json` is a string token whose value is JSON text, such as
 * `jsonencode(local.trail_buckets)`. The generated module (terraform/) uses it for lists that come
 * from its variables; patterns and settings built from a config file never hold one.
 */
export class TerraformJson {
  constructor(readonly json: string) {}
}

/** JSON.stringify, with each {@link TerraformJson} written as its expression instead of a quoted string. */
export function jsonWithTerraform(value: unknown): string {
  const expressions: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof TerraformJson ? `\u0000${expressions.push(v.json) - 1}\u0000` : v));
  return text.replace(/"\\u0000(\d+)\\u0000"/g, (_m, i: string) => expressions[Number(i)]);
}
