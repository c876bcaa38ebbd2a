/**
 * AWS quotas that `terraform plan` cannot see and `terraform apply` fails on, with the page that states
 * each. trailguard checks every synthesized document against them (preflight.ts).
 */
export interface Quota {
  readonly name: string;
  readonly limit: number;
  readonly unit: "characters" | "bytes" | "targets" | "tags";
  readonly source: string;
}

const IAM_QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html";
const EVENTBRIDGE_QUOTAS = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html";

export const QUOTAS = {
  /** "Role trust policy length: 2,048 characters" (default; raisable to 4,096). Whitespace does not count. */
  trustPolicy: { name: "IAM role trust policy", limit: 2048, unit: "characters", source: IAM_QUOTAS },
  /** "Inline policy size ... role policy size cannot exceed 10,240 characters" (all inline policies of a role). */
  inlinePolicies: { name: "IAM inline policies of one role", limit: 10_240, unit: "characters", source: IAM_QUOTAS },
  /** "Event pattern size: 2,048 ... Maximum size of an event pattern, in characters." */
  eventPattern: { name: "EventBridge event pattern", limit: 2048, unit: "characters", source: EVENTBRIDGE_QUOTAS },
  /** "Event bus policy size: 10,240 ... Maximum policy size, in characters." */
  busPolicy: { name: "EventBridge event bus policy", limit: 10_240, unit: "characters", source: EVENTBRIDGE_QUOTAS },
  /** PutTargets: "Each rule can have up to five (5) targets associated with it at one time." */
  targetsPerRule: { name: "EventBridge targets per rule", limit: 5, unit: "targets", source: "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutTargets.html" },
  /** PutRule `Name`: "Length Constraints: Minimum length of 1. Maximum length of 64." */
  ruleName: { name: "EventBridge rule name", limit: 64, unit: "characters", source: "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html" },
  /** InputTransformer `InputTemplate`: "Maximum length of 8192." */
  inputTemplate: { name: "EventBridge input template", limit: 8192, unit: "characters", source: "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html" },
  /** "Environment variables: 4 KB, for all environment variables associated with the function, in aggregate." */
  lambdaEnvironment: { name: "Lambda environment variables", limit: 4096, unit: "bytes", source: "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html" },
  /** "Maximum number of tags per resource: 50" (user tags; aws: tags do not count). */
  tags: { name: "tags per resource", limit: 50, unit: "tags", source: "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html" },
  /** Key policy document: "32 KB (32,768 bytes)". */
  keyPolicy: { name: "KMS key policy", limit: 32_768, unit: "bytes", source: "https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html" },
  /** CreateStackSet `TemplateBody`: "Maximum length of 51,200" bytes (a template in S3 may be 1 MB). */
  stackSetTemplate: { name: "CloudFormation StackSet template body", limit: 51_200, unit: "bytes", source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html" },
} as const satisfies Record<string, Quota>;
