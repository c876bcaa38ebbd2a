import { S3Backend, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { parseConfig } from "../modules/config";
import { Trailguard } from "../modules/constructs";
import { preflight } from "../modules/quotas";
import { bundleZips } from "../scripts/build-lambdas";
import { CHANNEL_CONFIG } from "./helpers/synth";

/** A user's own cdktf stack: their provider (with default tags), their backend, their resources. */
function userStack() {
  const app = Testing.app();
  const stack = new TerraformStack(app, "platform");
  new AwsProvider(stack, "aws", { region: "us-east-1", defaultTags: [{ tags: { Team: "platform" } }] });
  new S3Backend(stack, { bucket: "acme-terraform-state", key: "platform.tfstate", region: "us-east-1" });
  // 60 tags: over AWS's quota, but the user's resource, not trailguard's to judge.
  new S3Bucket(stack, "logs", { bucket: "acme-logs", tags: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, "v"])) });
  return { app, stack };
}

describe("the Trailguard construct inside a user's stack", () => {
  const { stack } = userStack();
  new Trailguard(stack, "trailguard", { config: parseConfig({ ...CHANNEL_CONFIG, regions: ["us-east-1", "eu-west-1"] }), bundles: bundleZips() });
  const json = JSON.parse(Testing.synth(stack, true));

  test("keeps the user's backend and provider, and adds neither", () => {
    expect(json.terraform.backend).toEqual({ s3: { bucket: "acme-terraform-state", key: "platform.tfstate", region: "us-east-1" } });
    expect(json.provider.aws).toHaveLength(1);
    expect(json.provider.aws[0].default_tags).toEqual([{ tags: { Team: "platform" } }]);
  });

  test("adds its resources with the same plan addresses as the stack, beside the user's", () => {
    expect(json.resource.aws_s3_bucket).toHaveProperty("logs");
    expect(json.resource.aws_cloudwatch_event_bus).toHaveProperty("hub");
    expect(json.resource.aws_cloudwatch_event_rule.edge.for_each).toBe("${toset(local.regions)}");
    expect(json).not.toHaveProperty("output");
  });

  test("measures only its own documents against AWS's quotas (the user's 60-tag bucket passes synth)", () => {
    // The whole stack does break a quota, in the user's bucket; synth (validations on) passed above, so the
    // construct's check looked at its own resources only.
    expect(preflight(json, { longestRegion: "us-east-1" }).map((p) => p.address)).toEqual(["aws_s3_bucket.logs"]);
  });
});

test("its own quota problems still fail the user's synth, naming the resource", () => {
  const { stack } = userStack();
  const tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`Tag${i}`, "x"]));
  new Trailguard(stack, "trailguard", { config: parseConfig({ ...CHANNEL_CONFIG, regions: ["us-east-1"], tags }), bundles: bundleZips() });
  expect(() => Testing.synth(stack, true)).toThrow(/aws_cloudwatch_event_bus\.hub: the tags per resource would be 51 tags/);
});

test("the construct takes the config as a config file holds it, and names a bad field", () => {
  const { stack } = userStack();
  const tg = new Trailguard(stack, "raw", { config: { slack: { channel: "C0123ABCDEF" }, regions: ["us-east-1"] } });
  expect(tg.config.remediation.mode).toBe("enforce"); // defaults applied
  expect(tg.hubBusArn).toMatch(/^\$\{TfToken/);
  const other = userStack();
  expect(() => new Trailguard(other.stack, "bad", { config: { slack: { channel: "C0123ABCDEF" }, regions: ["eu-west-9"] } as never })).toThrow(
    /the config of platform\/bad[\s\S]*regions\[0\]: unknown region "eu-west-9"/,
  );
});
