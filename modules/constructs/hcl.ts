/** A cdktf string token (`${TfToken[TOKEN.12]}`): a Terraform expression cdktf writes in its place. */
const CDKTF_TOKEN = /(\$\{TfToken\[TOKEN\.\d+\]\})/;

/**
 * A literal string for HCL JSON: Terraform reads `${` and `%{` in any string as template syntax, so text
 * that comes from config (custom rule filters, titles) is escaped to `$${` and `%%{`. cdktf tokens are
 * ours (a variable, a local) and stay expressions.
 */
export function hclLiteral(s: string): string {
  return s
    .split(CDKTF_TOKEN)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{")))
    .join("");
}
