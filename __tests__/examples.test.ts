import { Testing } from "cdktf";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../modules/config";
import { TrailguardStack } from "../modules/constructs";
import { bundleZips } from "../scripts/build-lambdas";

const EXAMPLES = join(__dirname, "..", "examples");

/** Each example's config, loaded and synthesized as `TRAILGUARD_CONFIG=examples/<name>/... npm start` would. */
function synthExample(name: string): { stack: TrailguardStack; json: any } {
  const stack = new TrailguardStack(Testing.app(), "trailguard", { config: loadConfig(join(EXAMPLES, name, "trailguard.config.json")), bundles: bundleZips() });
  return { stack, json: JSON.parse(Testing.synth(stack)) };
}

test.each(readdirSync(EXAMPLES))("examples/%s is a valid config that synthesizes without warnings", (name) => {
  const { stack, json } = synthExample(name);
  expect(stack.warnings).toEqual([]);
  expect(json.resource.aws_cloudwatch_event_rule.tamper).toBeDefined();
});

test("the everything example has a rule for every family, and its IAM rule only in us-east-1", () => {
  const { json } = synthExample("everything");
  expect(Object.keys(json.resource.aws_cloudwatch_event_rule)).toEqual(
    expect.arrayContaining(["delivery", "self", "adjacent", "adjacent_global", "custom_t2_micro", "custom_root_access_key"]),
  );
  expect(json.resource.aws_cloudwatch_event_rule.custom_root_access_key.for_each).toBe("${toset(local.global_regions)}");
  expect(json.terraform.cloud.workspaces.name).toBe("trailguard-prod");
});
