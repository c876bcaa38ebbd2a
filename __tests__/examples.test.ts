import { Testing } from "cdktf";
import { existsSync, readdirSync } from "node:fs";
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

// The folders with a config (plain-terraform and github-actions have none: their own tests run them).
const CONFIG_EXAMPLES = readdirSync(EXAMPLES).filter((name) => existsSync(join(EXAMPLES, name, "trailguard.config.json")));

test.each(CONFIG_EXAMPLES)("examples/%s is a valid config that synthesizes without warnings", (name) => {
  const { stack, json } = synthExample(name);
  expect(stack.warnings).toEqual([]);
  expect(json.resource.aws_cloudwatch_event_rule.tamper).toBeDefined();
});

test("the everything example has a hub rule for every family, and forwards its IAM calls from us-east-1 only", () => {
  const { json } = synthExample("everything");
  const rules = json.resource.aws_cloudwatch_event_rule;
  expect(Object.keys(rules)).toEqual(
    expect.arrayContaining(["edge", "edge_global", "delivery", "self", "adjacent", "adjacent_global", "custom_t2_micro", "custom_root_access_key"]),
  );
  expect(rules.custom_root_access_key.event_bus_name).toBe("${aws_cloudwatch_event_bus.hub.name}");
  expect(rules.edge_global.for_each).toBe("${toset(local.global_regions)}");
  expect(json.locals.global_regions).toEqual(["us-east-1"]);
  expect(JSON.parse(rules.edge_global.event_pattern).$or.map((c: any) => c.source[0])).toEqual(["aws.iam", "aws.organizations"]);
  expect(json.terraform.cloud.workspaces.name).toBe("trailguard-prod");
});
