import type { Matcher, PatternObject } from "../event-pattern";
import type { Detection, Severity } from "./types";

/** A custom rule as the config states it (validated by the config schema). */
export interface CustomRule {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  /** e.g. "ec2.amazonaws.com". */
  readonly eventSource: string;
  readonly eventNames: readonly Matcher[];
  /** EventBridge content filters on `detail`. */
  readonly match?: PatternObject;
}

/**
 * Services whose CloudTrail events reach EventBridge only in us-east-1 (IAM, Organizations, the STS
 * global endpoint, CloudFront, Route 53, console sign-in).
 */
export const GLOBAL_EVENT_SOURCES = [
  "iam.amazonaws.com",
  "organizations.amazonaws.com",
  "sts.amazonaws.com",
  "cloudfront.amazonaws.com",
  "route53.amazonaws.com",
  "signin.amazonaws.com",
] as const;

/** A custom rule as a detection: any outcome, its own rule, no request parameter shown (unknown shape). */
export function customDetection(r: CustomRule): Detection {
  return {
    id: r.id,
    family: "custom",
    title: r.title,
    severity: r.severity,
    why: "Custom rule from the config.",
    service: r.eventSource.replace(/\.amazonaws\.com$/, ""),
    eventNames: r.eventNames,
    detail: r.match,
    scope: (GLOBAL_EVENT_SOURCES as readonly string[]).includes(r.eventSource) ? "global" : "regional",
    outcomes: "both",
    resource: [],
  };
}
