import { CT } from "../../messages";
import type { CatalogContext, Detection } from "./types";

/**
 * trailguard itself: every call that silences or re-points the alert path, on trailguard's own resources,
 * matched by name prefix: its rules, buses and Slack connection, its Lambdas and their invoke settings, its
 * dead-letter queues, its alarm topic and alarms, its Lambdas' log groups, its IAM roles; and the
 * organization settings its member edges and roles depend on (StackSets' trusted access, the accounts'
 * places in the organization, control policies), which name no trailguard resource. Whoever wants to go
 * dark quietly turns off the alarm first. These alerts also go to the SNS topic, since the Slack path may
 * be what was cut. (trailguard's own deploys make some of these calls too: expect an alert per changed
 * resource on `terraform apply`.)
 */
export function selfDetections(ctx: CatalogContext): Detection[] {
  const prefix = `${ctx.namePrefix}-`;
  const base = { family: "self", severity: "high", scope: "regional", outcomes: "succeeded" } as const;
  const own = (key: string) => ({ requestParameters: { [key]: [{ prefix }] } });
  return [
    {
      ...base,
      id: "self-eventbridge",
      title: "trailguard rule, bus or Slack connection changed",
      service: "events",
      eventNames: [
        "DeleteRule",
        "DisableRule",
        "RemoveTargets",
        "PutTargets",
        "PutRule",
        "DeleteConnection",
        "DeauthorizeConnection",
        "UpdateConnection",
        "DeleteApiDestination",
        "UpdateApiDestination",
        "DeleteEventBus",
        "CreateEventBus",
        "UpdateEventBus",
        "PutPermission",
        "RemovePermission",
      ],
      // Rules and their targets name the rule in `name` or `rule`; buses are `name` of Create/Update/
      // DeleteEventBus and `eventBusName` (a name or an ARN) of rule, target and policy calls. Any bus whose
      // name starts with the prefix counts, not only the hub: a rule on a bus named `<prefix>-edge-relay`
      // was how a forged report reached the hub before the edge role trusted its rules by exact name.
      detail: {
        $or: [
          { requestParameters: { name: [{ prefix: ctx.namePrefix }] } },
          own("rule"),
          { requestParameters: { eventBusName: [{ prefix: ctx.namePrefix }, { wildcard: `arn:aws*:events:*:*:event-bus/${ctx.namePrefix}*` }] } },
        ],
      },
      resource: [CT.requestName, CT.requestRule],
      why: "Deleting, disabling or re-pointing trailguard's rules, bus or API destination silences or diverts every alert that follows.",
    },
    {
      ...base,
      id: "self-lambda",
      title: "trailguard Lambda changed",
      service: "lambda",
      // Lambda records API versions in event names: UpdateFunctionCode20150331v2, PutFunctionConcurrency20171031.
      eventNames: [
        { prefix: "UpdateFunctionCode" },
        { prefix: "UpdateFunctionConfiguration" },
        { prefix: "DeleteFunction" },
        { prefix: "AddPermission" },
        { prefix: "RemovePermission" },
        { prefix: "PutFunctionConcurrency" },
        { prefix: "PutFunctionEventInvokeConfig" },
        { prefix: "UpdateFunctionEventInvokeConfig" },
        { prefix: "DeleteFunctionEventInvokeConfig" },
      ],
      // Every form Lambda accepts (Lambda API reference, FunctionName: "Function name", "Function ARN",
      // "Partial ARN", each with an optional version or alias; the model's pattern also admits a region
      // prefix), recorded as typed: the bare name and name:qualifier by prefix; every ARN-like form
      // (arn:...:function:<name>, 123456789012:function:<name>, 123456789012:<name>, ...) has the name
      // right after a colon, and a name has no colon (https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionCode.html).
      detail: { requestParameters: { functionName: [{ prefix }, { wildcard: `*:${prefix}*` }] } },
      resource: [CT.requestFunctionName],
      why: "New code, zero concurrency, a removed permission or a dropped failure destination turns remediation off, or against the trail.",
    },
    {
      ...base,
      id: "self-stacksets",
      title: "trailguard StackSet or member stack changed",
      service: "cloudformation",
      eventNames: ["DeleteStackSet", "UpdateStackSet", "DeleteStackInstances", "UpdateStackInstances", "StopStackSetOperation", "DeleteStack", "UpdateStack"],
      // The StackSets that put edges in member accounts (hub account), and the stacks they made there
      // (member account; named StackSet-<StackSet name>-<UUID>, by name or by stack ID).
      detail: {
        $or: [
          { requestParameters: { stackSetName: [{ prefix: `${prefix}member-` }] } },
          { requestParameters: { stackName: [{ prefix: `StackSet-${prefix}member-` }, { wildcard: `arn:aws:cloudformation:*:*:stack/StackSet-${prefix}member-*` }] } },
        ],
      },
      // Neither name is shown: DeleteStack succeeds for any name (see event-fields.ts).
      resource: [],
      why: "Deleting or changing the StackSets, or a member account's stack, removes the edges of every member account, or of one, without a trace in the hub's own resources.",
    },
    {
      ...base,
      id: "self-queue",
      title: "trailguard dead-letter queue changed",
      service: "sqs",
      eventNames: ["DeleteQueue", "SetQueueAttributes", "PurgeQueue", "RemovePermission"],
      // The queue URL ends in /<account>/<name>. It is not shown: a URL's characters are not constrained.
      detail: { requestParameters: { queueUrl: [{ wildcard: `*/${prefix}*` }] } },
      resource: [],
      why: "Deleting or purging the dead-letter queue destroys the events that could not be delivered; a new policy stops new ones.",
    },
    {
      ...base,
      id: "self-alarm-topic",
      title: "trailguard alarm topic changed",
      service: "sns",
      // Subscribe adds a reader; SetSubscriptionAttributes can set a FilterPolicy that drops every alarm.
      eventNames: ["DeleteTopic", "SetTopicAttributes", "Subscribe", "Unsubscribe", "SetSubscriptionAttributes", "RemovePermission"],
      detail: {
        $or: [
          { requestParameters: { topicArn: [{ wildcard: `arn:aws:sns:*:*:${prefix}*` }] } },
          { requestParameters: { subscriptionArn: [{ wildcard: `arn:aws:sns:*:*:${prefix}*` }] } },
        ],
      },
      // Not shown: DeleteTopic succeeds for any ARN (see event-fields.ts).
      resource: [],
      why: "Without the topic or its subscription, alarms and self-alerts reach nobody when Slack is cut.",
    },
    ...(ctx.alarmKey
      ? [
          {
            ...base,
            id: "self-alarm-key",
            title: "trailguard alarm topic key disabled, deleted or re-policied",
            service: "kms",
            eventNames: ["DisableKey", "ScheduleKeyDeletion", "PutKeyPolicy"],
            // KMS records name the key in resources[].ARN (AWS KMS Developer Guide, "ScheduleKeyDeletion",
            // https://docs.aws.amazon.com/kms/latest/developerguide/ct-schedule-key-deletion.html), and
            // keyId holds what the caller typed: the key ID or the key ARN.
            detail: {
              $or: [{ resources: { ARN: [ctx.alarmKey.arn] } }, { requestParameters: { keyId: [ctx.alarmKey.arn, ctx.alarmKey.id] } }],
            },
            resource: [CT.requestKeyId],
            why: "Without its key the alarm topic cannot deliver: alarms and self-alerts fall silent when Slack is cut too.",
          } satisfies Detection,
        ]
      : []),
    {
      ...base,
      id: "self-alarms",
      title: "trailguard alarm deleted, disabled or changed",
      // CloudTrail-delivered CloudWatch calls arrive with source aws.monitoring (EventBridge events
      // reference, "CloudWatch Monitoring events delivered via AWS CloudTrail").
      service: "monitoring",
      eventNames: ["DeleteAlarms", "DisableAlarmActions", "PutMetricAlarm", "SetAlarmState"],
      // Alarm names are free text (and `alarmNames` a list): matched, not shown.
      detail: { $or: [own("alarmNames"), own("alarmName")] },
      resource: [],
      why: "A deleted or muted alarm stays silent when the dead letters pile up or the heartbeat stops.",
    },
    {
      ...base,
      id: "self-logs",
      title: "trailguard Lambda log group deleted or shortened",
      service: "logs",
      eventNames: ["DeleteLogGroup", "PutRetentionPolicy"],
      detail: { requestParameters: { logGroupName: [{ prefix: `/aws/lambda/${prefix}` }] } },
      resource: [CT.requestLogGroupName],
      why: "Erases what the remediation Lambda did and why.",
    },
    {
      ...base,
      id: "self-iam",
      title: "trailguard IAM role changed",
      scope: "global",
      service: "iam",
      eventNames: [
        "PutRolePolicy",
        "DeleteRolePolicy",
        "AttachRolePolicy",
        "DetachRolePolicy",
        "UpdateAssumeRolePolicy",
        "DeleteRole",
        "PutRolePermissionsBoundary",
        "DeleteRolePermissionsBoundary",
      ],
      detail: own("roleName"),
      resource: [CT.requestRoleName],
      why: "A narrowed or deleted role stops the edges forwarding, Slack posting or remediation restoring; a widened one is a backdoor.",
    },
    // The organization around trailguard's member edges (Organizations delivers its calls to us-east-1 only).
    // Their records name accounts, parents and policies by ID, never by a trailguard name: these watch the
    // whole organization. The IDs are not shown until the template tests know Organizations' patterns.
    {
      ...base,
      id: "self-organization-access",
      title: "StackSets' trusted access to the organization disabled, or its delegated administrator removed",
      scope: "global",
      service: "organizations",
      // A hub that administers the StackSets as a delegated administrator (callAs DELEGATED_ADMIN) can no
      // longer update them once deregistered for `member.org.stacksets.cloudformation.amazonaws.com`
      // (Organizations User Guide, "AWS CloudFormation StackSets and AWS Organizations", below); the call
      // takes the same ServicePrincipal (Organizations API reference, DeregisterDelegatedAdministrator).
      eventNames: ["DisableAWSServiceAccess", "DeregisterDelegatedAdministrator"],
      // StackSets' two service principals: the management account's (the Organizations User Guide disables
      // trusted access with `--service-principal stacksets.cloudformation.amazonaws.com`) and the member
      // accounts' (Organizations User Guide, "AWS CloudFormation StackSets and AWS Organizations",
      // https://docs.aws.amazon.com/organizations/latest/userguide/services-that-can-integrate-cloudformation.html).
      detail: { requestParameters: { servicePrincipal: ["stacksets.cloudformation.amazonaws.com", "member.org.stacksets.cloudformation.amazonaws.com"] } },
      resource: [CT.requestServicePrincipal],
      why: "\"stack sets deployed using the service-linked role's permissions can no longer perform deployments to accounts managed by Organizations\" (Organizations User Guide): new member accounts get no edges, and a removed edge is not put back.",
    },
    {
      ...base,
      id: "self-organization-accounts",
      title: "Account moved between organizational units or removed from the organization",
      scope: "global",
      service: "organizations",
      // Every move: a record names only the account's direct parents, and an account in a child of a
      // targeted OU is targeted too, so no parent ID tells a move out of the targeted OUs from one inside them.
      eventNames: ["MoveAccount", "RemoveAccountFromOrganization"],
      resource: [],
      why: "StackSets' automatic deployment deletes trailguard's edges from an account that leaves the targeted OUs (retainStacksOnAccountRemoval is off); a removed account also leaves the organization trail and the SCPs.",
    },
    {
      ...base,
      id: "self-organization-policies",
      title: "Organization policy attached, detached or deleted, or an SCP or RCP changed",
      scope: "global",
      service: "organizations",
      eventNames: ["AttachPolicy", "DetachPolicy", "UpdatePolicy", "DeletePolicy"],
      // AttachPolicy, DetachPolicy and DeletePolicy record only PolicyId (and TargetId), which every policy
      // type shares (`p-…`): every one counts. UpdatePolicy's response names the type
      // (responseElements.policy.policySummary.type): only SCPs and RCPs, which deny; tag, backup and other
      // management policies do not.
      detail: {
        $or: [
          { eventName: ["AttachPolicy", "DetachPolicy", "DeletePolicy"] },
          { eventName: ["UpdatePolicy"], responseElements: { policy: { policySummary: { type: ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"] } } } },
        ],
      },
      resource: [],
      why: "An attached or rewritten SCP (or RCP) can deny trailguard's roles what they need to forward, alert or restore; a detached one can drop the guardrail that kept the trail on, or, for FullAWSAccess, every permission.",
    },
  ];
}
