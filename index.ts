/**
 * trailguard as a package: the construct for a cdktf stack of your own, the stack `npm start` synthesizes,
 * and the config schema both take.
 *
 *   import { Trailguard } from "trailguard";
 *   new Trailguard(stack, "trailguard", { config: { slack: { channel: "C0123ABCDEF" } } });
 */
export { Trailguard, TrailguardEdge, TrailguardStack, AWS_PROVIDER_CONSTRAINT, BASE_TAGS } from "./modules/constructs";
export type { TrailguardProps, TrailguardStackProps } from "./modules/constructs";
export { ConfigError, configSchema, loadConfig, parseConfig, DEFAULT_REGIONS, OPT_IN_REGIONS } from "./modules/config";
export type { TrailguardConfig, TrailguardConfigInput, TrailguardConfigProps } from "./modules/config";
export { bundleZips } from "./modules/lambda-bundles";
