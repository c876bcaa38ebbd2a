/**
 * AWS commercial regions trailguard knows about.
 *
 * CloudTrail delivers an API call to EventBridge only in the region where the call was made, so every
 * region an attacker can reach needs its own rule (seed 002). The default is every region AWS enables in
 * every account; opt-in regions are valid but must be listed explicitly, because an opt-in region that is
 * not enabled in the account fails at apply time.
 */

/** Enabled by default in every AWS account (cannot be disabled). */
export const DEFAULT_REGIONS = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "ca-central-1",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-central-1",
  "eu-north-1",
  "ap-south-1",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-southeast-1",
  "ap-southeast-2",
  "sa-east-1",
] as const;

/** Opt-in regions: an account must enable them before resources can be created there. */
export const OPT_IN_REGIONS = [
  "af-south-1",
  "ap-east-1",
  "ap-east-2",
  "ap-south-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-6",
  "ap-southeast-7",
  "ca-west-1",
  "eu-central-2",
  "eu-south-1",
  "eu-south-2",
  "il-central-1",
  "me-central-1",
  "me-south-1",
  "mx-central-1",
] as const;

export const KNOWN_REGIONS: readonly string[] = [...DEFAULT_REGIONS, ...OPT_IN_REGIONS];

/**
 * Global services (IAM, Organizations, STS global endpoint, CloudFront, Route 53, console sign-in)
 * deliver their CloudTrail events to EventBridge in this region only.
 */
export const GLOBAL_EVENTS_REGION = "us-east-1";
