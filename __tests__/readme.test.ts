import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderGenerated } from "../modules/docs/readme-tables";
import { readmeSections } from "../scripts/readme-sections";
import { README, readmeSnippet } from "./helpers/readme";
import { CONFIG_PROPS_FILE, configPropsNow } from "../scripts/config-props";
import { synthStack } from "./helpers/synth";


describe("README", () => {
  test("the generated tables match the code (`npm run docs` regenerates them)", () => {
    expect(renderGenerated(README, readmeSections())).toBe(README);
  });

  test("the construct's config props interface, with its @default docs, is generated from the schema now (`npm run docs`)", () => {
    expect(readFileSync(CONFIG_PROPS_FILE, "utf8")).toBe(configPropsNow());
    expect(configPropsNow()).toContain('   * Prefix of every resource name, so two stacks can share an account.\n   * @default "trailguard"\n   */\n  readonly namePrefix?: string;');
  });

  test("shows the two commands CI and users run", () => {
    expect(README).toContain("npm ci && npm start");
    expect(README).toContain("npm test");
  });

  test("the module block it shows is the one examples/plain-terraform plans (terraform-module.test.ts)", () => {
    expect(readFileSync(join(__dirname, "..", "examples", "plain-terraform", "main.tf"), "utf8")).toContain(readmeSnippet("module-block"));
  });

  test("its Terraform Cloud config is valid and gives the stack a cloud block for that workspace", () => {
    const stack = synthStack(JSON.parse(readmeSnippet("terraform-cloud-config")));
    expect(stack.terraform.cloud).toEqual({ organization: "acme", workspaces: { name: "trailguard-prod" } });
    expect(stack.terraform.backend).toBeUndefined();
  });

  test("renderGenerated refuses a README without the section's markers", () => {
    expect(() => renderGenerated("# nothing here", { config: "x" })).toThrow(/no <!-- BEGIN GENERATED: config/);
  });
});
