import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderGenerated } from "../modules/docs/readme-tables";
import { readmeSections } from "../scripts/readme-sections";

const README = readFileSync(join(__dirname, "..", "README.md"), "utf8");

describe("README", () => {
  test("the generated tables match the code (`npm run docs` regenerates them)", () => {
    expect(renderGenerated(README, readmeSections())).toBe(README);
  });

  test("shows the two commands CI and users run", () => {
    expect(README).toContain("npm ci && npm start");
    expect(README).toContain("npm test");
  });

  test("renderGenerated refuses a README without the section's markers", () => {
    expect(() => renderGenerated("# nothing here", { config: "x" })).toThrow(/no <!-- BEGIN GENERATED: config/);
  });
});
