/**
 * Fields of an "AWS API Call via CloudTrail" event that a Slack template may show, and whether EventBridge
 * may paste each one inside a quoted JSON string.
 *
 * EventBridge does not escape what it pastes into an input template (see input-transformer.ts), so a field
 * is safe inside quotes only when AWS restricts its characters to ones that need no JSON escaping and carry
 * no Slack markup (`"`, `\`, control characters, `<`, `>`, `&`):
 * - "always": AWS writes it, or validates its characters, for every call (ids, names, region, time, error
 *   code, IP). Each field below cites the page that constrains it.
 * - "succeeded": a request parameter AWS constrains whenever it records the call as successful: the API
 *   model gives it a character pattern (ValidationException otherwise), or the call fails (an error code
 *   in the record) unless it names an existing resource whose own name is constrained. A failed call may
 *   carry anything the caller typed, so it is safe only in the successful-call template. An idempotent
 *   delete that succeeds for a name that does not exist (CloudFormation DeleteStack, SNS DeleteTopic) makes
 *   its parameter "never": that is how a crafted stack name re-pointed an alert. Each field cites its proof.
 * - "never": text the caller chooses (user agent, error message, and every ARN that carries an IAM path):
 *   never inside quotes.
 *
 * CloudTrail's record and userIdentity fields: AWS CloudTrail User Guide, "CloudTrail record contents"
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html)
 * and "CloudTrail userIdentity element"
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html).
 */
export type QuotingSafety = "always" | "succeeded" | "never";

export interface EventField {
  /** JSONPath into the EventBridge event, as EventBridge's InputPathsMap takes it. */
  readonly path: string;
  readonly safety: QuotingSafety;
}

const field = (path: string, safety: QuotingSafety): EventField => ({ path, safety });

export const CT = {
  /** 12 digits (AWS Account Management, "View AWS account identifiers"). */
  account: field("$.account", "always"),
  /** Region code of the API call, written by EventBridge: lowercase letters, digits, '-'. */
  region: field("$.region", "always"),
  /** ISO 8601 UTC, written by CloudTrail ("eventTime", record contents). */
  eventTime: field("$.detail.eventTime", "always"),
  /** The API action CloudTrail recorded ("eventName"); the rule's pattern also limits it. */
  eventName: field("$.detail.eventName", "always"),
  /** A GUID CloudTrail generates for every event ("eventID", record contents). */
  eventId: field("$.detail.eventID", "always"),
  /** Root, IAMUser, AssumedRole, FederatedUser, AWSAccount, AWSService, IdentityCenterUser ("type", userIdentity). */
  identityType: field("$.detail.userIdentity.type", "always"),
  /**
   * NOT constrained: an IAM user's ARN carries its path, and a path may hold any ASCII character from `!`
   * (0x21) to `~`, up to 512 (IAM API reference, CreateUser/CreateRole `Path`:
   * `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`). `iam:UpdateUser --new-path '/"/'` breaks a template that
   * quotes it. Shown only in the Lambda's code-built report.
   */
  identityArn: field("$.detail.userIdentity.arn", "never"),
  /** A role session's issuer ARN carries the role's path: NOT constrained, as identityArn. */
  issuerArn: field("$.detail.userIdentity.sessionContext.sessionIssuer.arn", "never"),
  /**
   * AIDA…, AROA…:<session name>, <account>:<federated user name>: unique IDs AWS assigns, and session and
   * federated user names limited to `[\w+=,.@-]` (STS API reference, AssumeRole `RoleSessionName`,
   * GetFederationToken `Name`).
   */
  principalId: field("$.detail.userIdentity.principalId", "always"),
  /** The role (or user) that issued the session: IAM names are `[\w+=,.@-]+` (IAM API reference, CreateRole `RoleName`). */
  issuerName: field("$.detail.userIdentity.sessionContext.sessionIssuer.userName", "always"),
  /** Service principal (e.g. cloudtrail.amazonaws.com) when an AWS service made the call ("invokedBy", userIdentity). */
  invokedBy: field("$.detail.userIdentity.invokedBy", "always"),
  /** IPv4/IPv6 address, an AWS service host name, or "AWS Internal" ("sourceIPAddress", record contents). */
  sourceIp: field("$.detail.sourceIPAddress", "always"),
  /** Error code chosen by AWS (AccessDenied, TrailNotFoundException, ...); present only on failed calls. */
  errorCode: field("$.detail.errorCode", "always"),
  /**
   * Trail name or ARN (StopLogging, DeleteTrail, UpdateTrail): no pattern in the model, but the call fails
   * with TrailNotFoundException, InvalidTrailNameException or CloudTrailARNInvalidException unless it names
   * an existing trail, whose name is `[A-Za-z0-9._-]`, 3-128 (CloudTrail API reference, CreateTrail `Name`,
   * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html).
   * Also EventBridge's rule, bus, connection and API destination `Name`: pattern `[\.\-_A-Za-z0-9]+` (bus:
   * `[/\.\-_A-Za-z0-9]+`), ValidationException otherwise; DeleteRule succeeds for a rule that does not
   * exist, so the pattern is what holds (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DeleteRule.html).
   */
  requestName: field("$.detail.requestParameters.name", "succeeded"),
  /** Trail name or ARN (PutEventSelectors, PutInsightSelectors): TrailNotFoundException otherwise, as `name`. */
  requestTrailName: field("$.detail.requestParameters.trailName", "succeeded"),
  /**
   * Event data store ARN or ID: pattern `^[a-zA-Z0-9._/\-:]+$`, 3-256 (CloudTrail API reference,
   * StopEventDataStoreIngestion `EventDataStore`; DeleteEventDataStore and UpdateEventDataStore take the same shape).
   */
  requestEventDataStore: field("$.detail.requestParameters.eventDataStore", "succeeded"),
  /** Service host name, e.g. cloudtrail.amazonaws.com; the rule's pattern limits it. */
  eventSource: field("$.detail.eventSource", "always"),
  /**
   * S3 bucket: NoSuchBucket unless it names an existing bucket, whose name is lowercase letters, digits,
   * `.` and `-` (Amazon S3 User Guide, "Bucket naming rules",
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
   */
  requestBucketName: field("$.detail.requestParameters.bucketName", "succeeded"),
  /**
   * KMS key ID or key ARN: NotFoundException or InvalidArnException unless it names an existing key, whose
   * ID KMS generates (KMS API reference, DisableKey `KeyId`, https://docs.aws.amazon.com/kms/latest/APIReference/API_DisableKey.html).
   */
  requestKeyId: field("$.detail.requestParameters.keyId", "succeeded"),
  /** CloudWatch Logs log group: pattern `[\.\-_/#A-Za-z0-9]+`, 1-512 (Logs API reference, DeleteLogGroup). */
  requestLogGroupName: field("$.detail.requestParameters.logGroupName", "succeeded"),
  /** EventBridge rule of PutTargets and RemoveTargets: pattern `[\.\-_A-Za-z0-9]+`, 1-64. */
  requestRule: field("$.detail.requestParameters.rule", "succeeded"),
  /**
   * Lambda function name, partial or full ARN, with or without qualifier: the API model's pattern admits
   * only `[A-Za-z0-9-_.:$]` (Lambda API reference, UpdateFunctionCode `FunctionName`,
   * https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionCode.html).
   */
  requestFunctionName: field("$.detail.requestParameters.functionName", "succeeded"),
  /** IAM role name: `[\w+=,.@-]+`, up to 64 (IAM API reference, CreateRole `RoleName`); must exist to succeed. */
  requestRoleName: field("$.detail.requestParameters.roleName", "succeeded"),
  /**
   * Organizations DisableAWSServiceAccess and DeregisterDelegatedAdministrator `ServicePrincipal` (one shape
   * for both, https://docs.aws.amazon.com/organizations/latest/APIReference/API_DeregisterDelegatedAdministrator.html):
   * pattern `[\w+=,.@-]*`, 1-128 (botocore
   * organizations/2016-11-28 service-2.json, shape `ServicePrincipal`; Organizations API reference,
   * https://docs.aws.amazon.com/organizations/latest/APIReference/API_DisableAWSServiceAccess.html). The
   * rules that show it also match it against exact service principals.
   */
  requestServicePrincipal: field("$.detail.requestParameters.servicePrincipal", "succeeded"),
  /**
   * NOT constrained: SNS DeleteTopic "is idempotent, so deleting a topic that does not exist does not result
   * in an error" (SNS API reference, DeleteTopic), and `TopicArn` has no pattern: a successful call may
   * carry any text. Matched, never shown.
   */
  requestTopicArn: field("$.detail.requestParameters.topicArn", "never"),
  /**
   * NOT constrained: CloudFormation DeleteStack answers 200 for a stack that does not exist, and its
   * `StackName` has no pattern (only CreateStack's has): a "successful" DeleteStack may carry any text,
   * `","channel":"C0ATTACKER` included. Matched, never shown.
   */
  requestStackName: field("$.detail.requestParameters.stackName", "never"),
  /**
   * NOT constrained: only CreateStackSet's `StackSetName` has a pattern; the name or ID that DeleteStackSet
   * and the instance calls take has none. Matched, never shown.
   */
  requestStackSetName: field("$.detail.requestParameters.stackSetName", "never"),
  /** NOT shown: GuardDuty's `DetectorId` has no pattern in the API model (length 1-300 only). */
  requestDetectorId: field("$.detail.requestParameters.detectorId", "never"),
  /** NOT shown: AWS Config recorder and delivery channel names have no character pattern: a recorder may be named `"`. */
  requestRecorderName: field("$.detail.requestParameters.configurationRecorderName", "never"),
  requestDeliveryChannelName: field("$.detail.requestParameters.deliveryChannelName", "never"),
  /** NOT shown: Route 53 Resolver's `ResourceId` has no pattern in the API model (length 1-64 only). */
  requestResolverQueryLogConfigId: field("$.detail.requestParameters.resolverQueryLogConfigId", "never"),
  /** Free text: any string the caller's HTTP client sends, up to several KB. */
  userAgent: field("$.detail.userAgent", "never"),
  /** Free text: may echo the caller's input back. */
  errorMessage: field("$.detail.errorMessage", "never"),
} as const;
