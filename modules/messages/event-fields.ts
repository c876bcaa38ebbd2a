/**
 * Fields of an "AWS API Call via CloudTrail" event that a Slack template may show, and whether EventBridge
 * may paste each one inside a quoted JSON string.
 *
 * EventBridge does not escape what it pastes into an input template (see input-transformer.ts), so a field
 * is safe inside quotes only when AWS restricts its characters to ones that need no JSON escaping and carry
 * no Slack markup (`"`, `\`, control characters, `<`, `>`, `&`):
 * - "always": AWS writes or validates it for every call (ids, ARNs, region, time, error code, IP).
 * - "succeeded": a request parameter that must name an existing resource for the call to succeed; a failed
 *   call may carry anything the caller typed, so it is safe only in the successful-call template.
 * - "never": free text the caller chooses (user agent, error message): never inside quotes.
 */
export type QuotingSafety = "always" | "succeeded" | "never";

export interface EventField {
  /** JSONPath into the EventBridge event, as EventBridge's InputPathsMap takes it. */
  readonly path: string;
  readonly safety: QuotingSafety;
}

const field = (path: string, safety: QuotingSafety): EventField => ({ path, safety });

export const CT = {
  /** 12 digits. */
  account: field("$.account", "always"),
  /** Region code of the API call. */
  region: field("$.region", "always"),
  /** ISO 8601 UTC, written by CloudTrail. */
  eventTime: field("$.detail.eventTime", "always"),
  /** API action name; the rule's pattern already limits it to a fixed list. */
  eventName: field("$.detail.eventName", "always"),
  /** UUID written by CloudTrail. */
  eventId: field("$.detail.eventID", "always"),
  /** Root, IAMUser, AssumedRole, FederatedUser, AWSAccount, AWSService, IdentityCenterUser. */
  identityType: field("$.detail.userIdentity.type", "always"),
  /** IAM/STS ARN; names and session names are limited to [\w+=,.@-]. Absent for AWSService callers. */
  identityArn: field("$.detail.userIdentity.arn", "always"),
  /** AIDA…/AROA…:session-name; same character limits as the ARN. */
  principalId: field("$.detail.userIdentity.principalId", "always"),
  /** Service principal (e.g. cloudtrail.amazonaws.com) when an AWS service made the call. */
  invokedBy: field("$.detail.userIdentity.invokedBy", "always"),
  /** IPv4/IPv6 address, or an AWS service host name, or "AWS Internal". */
  sourceIp: field("$.detail.sourceIPAddress", "always"),
  /** Error code chosen by AWS (AccessDenied, TrailNotFoundException, ...); present only on failed calls. */
  errorCode: field("$.detail.errorCode", "always"),
  /** Trail name or ARN (StopLogging, DeleteTrail, UpdateTrail): must name an existing trail to succeed. */
  requestName: field("$.detail.requestParameters.name", "succeeded"),
  /** Trail name or ARN (PutEventSelectors, PutInsightSelectors). */
  requestTrailName: field("$.detail.requestParameters.trailName", "succeeded"),
  /** Event data store ARN or ID (StopEventDataStoreIngestion, DeleteEventDataStore). */
  requestEventDataStore: field("$.detail.requestParameters.eventDataStore", "succeeded"),
  /** Service host name, e.g. cloudtrail.amazonaws.com; the rule's pattern limits it. */
  eventSource: field("$.detail.eventSource", "always"),
  /** S3 bucket (bucket calls): must name an existing bucket to succeed. */
  requestBucketName: field("$.detail.requestParameters.bucketName", "succeeded"),
  /** KMS key ID or ARN. */
  requestKeyId: field("$.detail.requestParameters.keyId", "succeeded"),
  /** CloudWatch Logs log group. */
  requestLogGroupName: field("$.detail.requestParameters.logGroupName", "succeeded"),
  /** EventBridge rule of RemoveTargets. */
  requestRule: field("$.detail.requestParameters.rule", "succeeded"),
  /** Lambda function name or ARN. */
  requestFunctionName: field("$.detail.requestParameters.functionName", "succeeded"),
  /** IAM role name: `[\w+=,.@-]+`, up to 64 (IAM API reference, CreateRole `RoleName`); must exist to succeed. */
  requestRoleName: field("$.detail.requestParameters.roleName", "succeeded"),
  /** SNS topic ARN: topic names are letters, digits, `-` and `_` (SNS API reference, CreateTopic `Name`). */
  requestTopicArn: field("$.detail.requestParameters.topicArn", "succeeded"),
  /** GuardDuty detector. */
  requestDetectorId: field("$.detail.requestParameters.detectorId", "succeeded"),
  /** AWS Config recorder / delivery channel. */
  requestRecorderName: field("$.detail.requestParameters.configurationRecorderName", "succeeded"),
  requestDeliveryChannelName: field("$.detail.requestParameters.deliveryChannelName", "succeeded"),
  /** Route 53 Resolver query log config. */
  requestResolverQueryLogConfigId: field("$.detail.requestParameters.resolverQueryLogConfigId", "succeeded"),
  /** Free text: any string the caller's HTTP client sends, up to several KB. */
  userAgent: field("$.detail.userAgent", "never"),
  /** Free text: may echo the caller's input back. */
  errorMessage: field("$.detail.errorMessage", "never"),
} as const;
