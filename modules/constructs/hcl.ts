/**
 * A literal string for HCL JSON: Terraform reads `${` and `%{` in any string as template syntax, so text
 * that comes from config (custom rule filters, titles) is escaped to `$${` and `%%{`.
 */
export function hclLiteral(s: string): string {
  return s.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}
