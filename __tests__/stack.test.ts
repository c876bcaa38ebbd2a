import { Testing } from "cdktf";
import { DEFAULT_REGIONS, parseConfig } from "../modules/config";
import { AWS_PROVIDER_CONSTRAINT, SLACK_POST_MESSAGE_URL, TrailguardStack } from "../modules/constructs";
import { groupDetections, TRAIL_DETECTIONS } from "../modules/detections";
import { alertTransformer } from "../modules/messages";
import { WorstCase } from "../modules/quotas";
import { bundleZips } from "../scripts/build-lambdas";
import { CHANNEL_CONFIG, synthStack, WEBHOOK_CONFIG } from "./helpers/synth";

const stack = synthStack(CHANNEL_CONFIG);
const res = (type: string, name: string) => {
  const r = stack.resource?.[type]?.[name];
  if (!r) throw new Error(`no ${type}.${name} in the stack`);
  return r;
};

const EDGE: [string, string][] = [
  ["aws_cloudwatch_event_rule", "edge"],
  ["aws_cloudwatch_event_target", "edge_hub"],
  ["aws_sqs_queue", "dlq"],
  ["aws_sqs_queue_policy", "dlq"],
];

/** Every resource address without its key, and how many instances it has. */
const instances = (s: any) =>
  Object.entries<Record<string, any>>(s.resource).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, body]) => [`${type}.${name}`, body.for_each === "${toset(local.regions)}" ? s.locals.regions.length : body.for_each ? s.locals.global_regions.length : 1] as const),
  );

describe("edges: every configured region, default bus, only what the hub needs", () => {
  test("the regions local lists every configured region (17 by default)", () => {
    expect(stack.locals.regions).toEqual([...DEFAULT_REGIONS]);
  });

  test("exactly these resources have one instance per region, keyed by region, in that region", () => {
    const regional = instances(stack).filter(([a]) => stack.resource[a.split(".")[0]][a.split(".")[1]].for_each === "${toset(local.regions)}").map(([a]) => a).sort();
    expect(regional).toEqual(EDGE.map(([t, n]) => `${t}.${n}`).sort());
    for (const [type, name] of EDGE) {
      expect(res(type, name).for_each).toBe("${toset(local.regions)}");
      expect(res(type, name).region).toBe("${each.value}");
    }
  });

  test("the edge rule listens on the default bus and forwards CloudTrail calls of the watched services and names only", () => {
    const edge = res("aws_cloudwatch_event_rule", "edge");
    expect(edge.event_bus_name).toBe("default");
    const pattern = JSON.parse(edge.event_pattern);
    expect(pattern["detail-type"]).toEqual(["AWS API Call via CloudTrail"]);
    expect(pattern.$or.map((c: any) => c.source[0])).toEqual(["aws.cloudformation", "aws.cloudtrail", "aws.events", "aws.kms", "aws.lambda", "aws.logs", "aws.monitoring", "aws.s3", "aws.sns", "aws.sqs"]);
    expect(pattern.$or[1].detail).toEqual({
      eventName: ["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "PutInsightSelectors", "StopEventDataStoreIngestion", "DeleteEventDataStore", "UpdateEventDataStore"],
    });
    expect(edge.event_pattern.length).toBeLessThanOrEqual(2048);
  });

  test("the edge target is the hub bus, through the edge role, with retries and the same region's DLQ", () => {
    expect(res("aws_cloudwatch_event_target", "edge_hub")).toMatchObject({
      rule: "${aws_cloudwatch_event_rule.edge[each.key].name}",
      event_bus_name: "default",
      arn: "${aws_cloudwatch_event_bus.hub.arn}",
      role_arn: "${aws_iam_role.edge.arn}",
      retry_policy: { maximum_event_age_in_seconds: 86400, maximum_retry_attempts: 185 },
      dead_letter_config: { arn: "${aws_sqs_queue.dlq[each.key].arn}" },
    });
  });

  test("the edge role may only put events on the hub bus, and only this account's trailguard edge rules may assume it", () => {
    expect(res("aws_iam_role_policy", "edge").policy).toBe(
      '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Sid" = "ForwardToTheHubBus", "Effect" = "Allow", "Action" = ["events:PutEvents"], "Resource" = aws_cloudwatch_event_bus.hub.arn}]})}',
    );
    expect(res("aws_iam_role", "edge").assume_role_policy).toContain(
      '"Condition" = {"ArnLike" = {"aws:SourceArn" = ["arn:aws:events:*:${local.account_id}:rule/trailguard-edge", "arn:aws:events:*:${local.account_id}:rule/trailguard-edge-global"]}, "StringEquals" = {"aws:SourceAccount" = local.account_id}}',
    );
  });

  test("changes to trailguard's IAM roles and to the organization (global services) are forwarded by a second edge rule, in us-east-1 only", () => {
    expect(stack.locals.global_regions).toEqual(["us-east-1"]);
    expect(res("aws_cloudwatch_event_rule", "edge_global")).toMatchObject({ name: "trailguard-edge-global", for_each: "${toset(local.global_regions)}" });
    expect(JSON.parse(res("aws_cloudwatch_event_rule", "edge_global").event_pattern)).toEqual({
      "detail-type": ["AWS API Call via CloudTrail"],
      $or: [
        {
          source: ["aws.iam"],
          detail: {
            eventName: ["PutRolePolicy", "DeleteRolePolicy", "AttachRolePolicy", "DetachRolePolicy", "UpdateAssumeRolePolicy", "DeleteRole", "PutRolePermissionsBoundary", "DeleteRolePermissionsBoundary"],
          },
        },
        {
          source: ["aws.organizations"],
          detail: { eventName: ["DisableAWSServiceAccess", "DeregisterDelegatedAdministrator", "MoveAccount", "RemoveAccountFromOrganization", "AttachPolicy", "DetachPolicy", "UpdatePolicy", "DeletePolicy"] },
        },
      ],
    });
    expect(res("aws_cloudwatch_event_target", "edge_global_hub").dead_letter_config.arn).toBe("${aws_sqs_queue.dlq[each.key].arn}");
  });
});

describe("hub: the home region only, plain addresses", () => {
  test("every resource that is not an edge or IAM is a single instance in the home region", () => {
    const EDGE_OR_IAM = /^(aws_iam_|aws_cloudwatch_event_rule\.edge|aws_cloudwatch_event_target\.edge|aws_sqs_queue)/;
    expect(instances(stack).filter(([a]) => !EDGE_OR_IAM.test(a))).toHaveLength(48); // the hub: bus and policy, 9 rules, 13 targets, Slack (and the probe's secret and version), Lambdas, topic, key, 9 alarms
    for (const [address] of instances(stack).filter(([a]) => !EDGE_OR_IAM.test(a))) {
      const [type, name] = address.split(".");
      expect([address, res(type, name).for_each, res(type, name).region]).toEqual([address, undefined, "us-east-1"]);
    }
  });

  test("a custom bus named after namePrefix; its policy lets the edge, remediation and heartbeat roles write and denies everyone else", () => {
    expect(res("aws_cloudwatch_event_bus", "hub")).toMatchObject({ name: "trailguard", region: "us-east-1" });
    expect(res("aws_cloudwatch_event_bus_policy", "hub").policy).toBe(
      '${jsonencode({"Version" = "2012-10-17", "Statement" = [' +
        '{"Sid" = "TrailguardRolesMayWrite", "Effect" = "Allow", "Principal" = {"AWS" = [aws_iam_role.edge.arn, aws_iam_role.remediation.arn, aws_iam_role.heartbeat.arn]}, "Action" = ["events:PutEvents"], "Resource" = aws_cloudwatch_event_bus.hub.arn}, ' +
        '{"Sid" = "OnlyTrailguardLambdasSendReports", "Effect" = "Deny", "Principal" = "*", "Action" = ["events:PutEvents"], "Resource" = aws_cloudwatch_event_bus.hub.arn, "Condition" = {"ForAnyValue:StringEquals" = {"events:source" = ["trailguard"]}, "ArnNotEquals" = {"aws:PrincipalArn" = [aws_iam_role.remediation.arn, aws_iam_role.heartbeat.arn]}}}, ' +
        '{"Sid" = "NobodyElseMayWrite", "Effect" = "Deny", "Principal" = "*", "Action" = ["events:PutEvents"], "Resource" = aws_cloudwatch_event_bus.hub.arn, "Condition" = {"ArnNotEquals" = {"aws:PrincipalArn" = [aws_iam_role.edge.arn, aws_iam_role.remediation.arn, aws_iam_role.heartbeat.arn]}}}]})}',
    );
  });

  test("the detection rules listen on the hub bus with the exact tamper patterns, split by outcome", () => {
    const ok = res("aws_cloudwatch_event_rule", "tamper");
    expect(ok).toMatchObject({ name: "trailguard-cloudtrail-tamper", event_bus_name: "${aws_cloudwatch_event_bus.hub.name}" });
    expect(JSON.parse(ok.event_pattern).detail).toEqual({
      eventSource: ["cloudtrail.amazonaws.com"],
      eventName: ["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "PutInsightSelectors", "StopEventDataStoreIngestion", "DeleteEventDataStore", "UpdateEventDataStore"],
      errorCode: [{ exists: false }, ""],
    });
    expect(JSON.parse(res("aws_cloudwatch_event_rule", "tamper_attempt").event_pattern).detail.errorCode).toEqual([{ "anything-but": "" }]);
  });

  test("each Slack target carries its outcome's template, the Slack role, a retry policy and the home region's DLQ", () => {
    for (const [name, outcome] of [["tamper_slack", "succeeded"], ["tamper_attempt_slack", "failed"]] as const) {
      const t = res("aws_cloudwatch_event_target", name);
      const [trail] = groupDetections(TRAIL_DETECTIONS);
      const expected = alertTransformer({
        outcome,
        channel: "C0123ABCDEF",
        severity: "critical",
        title: trail.title,
        detectionIds: trail.detections.map((d) => d.id),
        resource: trail.resource,
      });
      expect(t.input_transformer.input_template).toBe(expected.inputTemplate);
      expect(t).toMatchObject({
        arn: "${aws_cloudwatch_event_api_destination.slack.arn}",
        event_bus_name: "${aws_cloudwatch_event_bus.hub.name}",
        role_arn: "${aws_iam_role.eventbridge_slack.arn}",
        dead_letter_config: { arn: '${aws_sqs_queue.dlq["us-east-1"].arn}' },
      });
      expect(t.retry_policy.maximum_retry_attempts).toBe(185);
    }
  });

  test("one connection and one API destination, posting to chat.postMessage at most once a second", () => {
    expect(Object.keys(stack.resource.aws_cloudwatch_event_connection)).toEqual(["slack"]);
    const d = res("aws_cloudwatch_event_api_destination", "slack");
    expect(d).toMatchObject({ invocation_endpoint: SLACK_POST_MESSAGE_URL, http_method: "POST", invocation_rate_limit_per_second: 1, connection_arn: "${aws_cloudwatch_event_connection.slack.arn}" });
  });

  test("the Slack role: only the hub's rules may assume it, and it may only invoke the one API destination", () => {
    expect(res("aws_iam_role", "eventbridge_slack").assume_role_policy).toContain(
      '"ArnLike" = {"aws:SourceArn" = "arn:aws:events:us-east-1:${local.account_id}:rule/trailguard/*"}, "StringEquals" = {"aws:SourceAccount" = local.account_id}',
    );
    expect(res("aws_iam_role_policy", "eventbridge_slack").policy).toContain(
      '"Action" = ["events:InvokeApiDestination"], "Resource" = [aws_cloudwatch_event_api_destination.slack.arn]',
    );
  });

  test("self-protection alerts also go to the SNS topic as plain text", () => {
    const t = res("aws_cloudwatch_event_target", "self_sns");
    expect(t.arn).toBe("${aws_sns_topic.alarms.arn}");
    expect(t.input_transformer.input_template).toMatch(/^"trailguard: HIGH trailguard itself changed: <detail-eventName> on /);
    expect(stack.resource.aws_cloudwatch_event_target).not.toHaveProperty("tamper_sns");
  });

  test("notifications.sns sends every detection alert to the topic too", () => {
    const all = synthStack({ ...CHANNEL_CONFIG, notifications: { sns: true } });
    expect(Object.keys(all.resource.aws_cloudwatch_event_target).filter((k) => k.endsWith("_sns")).sort()).toEqual(
      ["delivery_global_sns", "delivery_sns", "self_2_sns", "self_global_sns", "self_sns", "tamper_attempt_sns", "tamper_sns"],
    );
  });
});

describe("the alarm path", () => {
  test("the topic is encrypted with a customer managed key that EventBridge and CloudWatch of this account may use", () => {
    expect(res("aws_sns_topic", "alarms")).toMatchObject({ name: "trailguard-alarms", kms_master_key_id: "${aws_kms_key.alarms.arn}" });
    const key = res("aws_kms_key", "alarms");
    expect(key.enable_key_rotation).toBe(true);
    expect(key.policy).toContain(
      '"Principal" = {"Service" = "cloudwatch.amazonaws.com"}, "Action" = ["kms:GenerateDataKey", "kms:Decrypt"], "Resource" = "*", "Condition" = {"StringEquals" = {"aws:SourceAccount" = local.account_id}}',
    );
    // EventBridge's grant is bound to this topic by SNS's encryption context.
    expect(key.policy).toContain(
      '"Principal" = {"Service" = "events.amazonaws.com"}, "Action" = ["kms:GenerateDataKey", "kms:Decrypt"], "Resource" = "*", "Condition" = {"StringEquals" = {"kms:EncryptionContext:aws:sns:topicArn" = "arn:aws:sns:us-east-1:${local.account_id}:trailguard-alarms"}}',
    );
    expect(key.policy).not.toContain('"kms:*"');
  });

  test("only the hub's rules and trailguard's alarms may publish", () => {
    const policy = res("aws_sns_topic_policy", "alarms").policy;
    expect(policy).toContain('"aws:SourceArn" = "arn:aws:events:us-east-1:${local.account_id}:rule/trailguard/*"');
    expect(policy).toContain('"aws:SourceArn" = "arn:aws:cloudwatch:us-east-1:${local.account_id}:alarm:trailguard-*"');
  });

  test("alarms: dead letters, hub delivery failures, Lambda errors and throttles, self-check problems, a silent heartbeat; all notify the topic", () => {
    const alarms = stack.resource.aws_cloudwatch_metric_alarm;
    expect(Object.keys(alarms).sort()).toEqual([
      "dead_letters",
      "heartbeat_silent",
      "hub_delivery_delayed",
      "hub_failed_invocations",
      "hub_sent_to_dlq",
      "lambda_errors",
      "lambda_throttles",
      "remediate_event_age",
      "self_check",
    ]);
    expect(alarms.self_check.metric_query[0].metric).toEqual({ namespace: "trailguard", metric_name: "SelfCheckProblems", dimensions: { Stack: "trailguard" }, period: 300, stat: "Maximum" });
    for (const a of Object.values<any>(alarms)) {
      expect(a.alarm_actions).toEqual(["${aws_sns_topic.alarms.arn}"]);
      expect(a.alarm_name).toMatch(/^trailguard-/);
    }
    expect(alarms.hub_failed_invocations.metric_query[0].expression).toBe(
      `SELECT SUM(FailedInvocations) FROM SCHEMA("AWS/Events", EventBusName, RuleName) WHERE EventBusName = 'trailguard'`,
    );
    expect(alarms.dead_letters.metric_query[0].metric).toMatchObject({ metric_name: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: "trailguard-dlq" }, stat: "Maximum" });
    expect(alarms.heartbeat_silent).toMatchObject({ comparison_operator: "LessThanThreshold", threshold: 1, treat_missing_data: "breaching", evaluation_periods: 2 });
    expect(alarms.lambda_errors.metric_query.map((q: any) => q.expression ?? q.metric.dimensions.FunctionName)).toEqual([
      "trailguard-remediate",
      "trailguard-heartbeat",
      "SUM([m0, m1])",
    ]);
  });

  test("late alerts alarm: a hub target invoked five minutes after its event, or a tamper event waiting five minutes for the remediate Lambda", () => {
    const alarms = stack.resource.aws_cloudwatch_metric_alarm;
    expect(alarms.hub_delivery_delayed).toMatchObject({ threshold: 300000, comparison_operator: "GreaterThanOrEqualToThreshold", treat_missing_data: "notBreaching" });
    expect(alarms.hub_delivery_delayed.metric_query[0].expression).toBe(
      `SELECT MAX(IngestionToInvocationStartLatency) FROM SCHEMA("AWS/Events", EventBusName, RuleName) WHERE EventBusName = 'trailguard'`,
    );
    expect(alarms.remediate_event_age).toMatchObject({ threshold: 300000, comparison_operator: "GreaterThanOrEqualToThreshold" });
    expect(alarms.remediate_event_age.metric_query[0].metric).toEqual({
      namespace: "AWS/Lambda",
      metric_name: "AsyncEventAge",
      dimensions: { FunctionName: "trailguard-remediate" },
      period: 300,
      stat: "Maximum",
    });
  });

  test("alarms.email subscribes the address; without it there is no subscription", () => {
    expect(stack.resource).not.toHaveProperty("aws_sns_topic_subscription");
    const mail = synthStack({ ...CHANNEL_CONFIG, alarms: { email: "secops@example.com" } });
    expect(mail.resource.aws_sns_topic_subscription.alarms_email).toMatchObject({ protocol: "email", endpoint: "secops@example.com" });
  });
});

describe("secrets", () => {
  test("chat.postMessage mode: the bot token is a sensitive variable with no default, used twice: the Bearer header and the heartbeat probe's secret", () => {
    expect(stack.variable.slack_token).toMatchObject({ type: "string", sensitive: true, nullable: false });
    expect(stack.variable.slack_token).not.toHaveProperty("default");
    expect(stack.variable).not.toHaveProperty("slack_webhook_url");
    expect(res("aws_cloudwatch_event_connection", "slack").auth_parameters.api_key).toEqual({
      key: "Authorization",
      value: "Bearer ${var.slack_token}",
    });
    expect(res("aws_secretsmanager_secret_version", "slack_probe").secret_string).toBe("${var.slack_token}");
    const uses = JSON.stringify(stack).match(/var\.slack_token/g) ?? [];
    expect(uses).toHaveLength(2);
  });

  test("webhook mode: the URL is a sensitive variable checked for https by a precondition, and the connection holds no secret", () => {
    const hook = synthStack(WEBHOOK_CONFIG);
    expect(hook.variable).not.toHaveProperty("slack_token");
    expect(hook.variable.slack_webhook_url).toMatchObject({ type: "string", sensitive: true });
    const d = hook.resource.aws_cloudwatch_event_api_destination.slack;
    expect(d.lifecycle.precondition[0].condition).toBe('${startswith(var.slack_webhook_url, "https://")}');
    // No validation block: Terraform prints a failing variable's value, sensitive or not.
    expect(hook.variable.slack_webhook_url).not.toHaveProperty("validation");
    expect(d.invocation_endpoint).toBe("${var.slack_webhook_url}");
    const apiKey = hook.resource.aws_cloudwatch_event_connection.slack.auth_parameters.api_key;
    expect(apiKey.value).not.toContain("var.");
    expect(JSON.parse(hook.resource.aws_cloudwatch_event_target.tamper_slack.input_transformer.input_template)).not.toHaveProperty("channel");
  });

  test("no output exposes a variable", () => {
    expect(JSON.stringify(stack.output)).not.toContain("var.");
  });
});

describe("IAM", () => {
  test("no wildcard action anywhere; the only '*' resources are DescribeTrails (no resource type) and the key policy's own key", () => {
    const actions = [...JSON.stringify(stack.resource).matchAll(/\\"Action\\" = \[([^\]]*)\]/g)].map((m) => m[1]);
    expect(actions.length).toBeGreaterThan(0);
    for (const a of actions) expect(a).not.toContain("*");
    const stars = (doc: string) => (doc.match(/"Resource" = "\*"/g) ?? []).length;
    expect(stars(res("aws_kms_key", "alarms").policy)).toBe(3); // in a key policy, "*" is the key itself
    expect(stars(res("aws_iam_role_policy", "remediation").policy)).toBe(1); // cloudtrail:DescribeTrails
    // cloudtrail:DescribeTrails, and sns:GetSubscriptionAttributes (SNS has no resource type for a subscription)
    expect(stars(res("aws_iam_role_policy", "heartbeat").policy)).toBe(2);
    expect(JSON.stringify(stack.resource).match(/\\"Resource\\" = \\"\*\\"/g)).toHaveLength(6);
  });

  test("every role trust policy fits IAM's default 2,048 characters with the longest account and region", () => {
    for (const role of Object.values<any>(stack.resource.aws_iam_role)) {
      const worst = role.assume_role_policy.replace(/\$\{local\.account_id\}|local\.account_id/g, '"123456789012"').replace(/us-east-1/g, "ap-northeast-3");
      expect(worst.length).toBeLessThan(2048);
    }
  });
});

describe("remediation", () => {
  const CONFIG = {
    ...CHANNEL_CONFIG,
    trails: [{ name: "org-trail", s3Bucket: "audit-logs" }, { name: "eu-trail", homeRegion: "eu-west-1", s3Bucket: "eu-logs" }],
  };
  const rem = synthStack(CONFIG);
  const r = (type: string, name: string) => rem.resource[type][name];

  test("the hub's tamper rule invokes the one remediate Lambda, which allows only that rule (source_arn)", () => {
    expect(r("aws_cloudwatch_event_target", "tamper_remediate")).toMatchObject({
      rule: "${aws_cloudwatch_event_rule.tamper.name}",
      event_bus_name: "${aws_cloudwatch_event_bus.hub.name}",
      arn: "${aws_lambda_function.remediate.arn}",
      dead_letter_config: { arn: '${aws_sqs_queue.dlq["us-east-1"].arn}' },
    });
    expect(r("aws_lambda_permission", "remediate")).toMatchObject({
      principal: "events.amazonaws.com",
      action: "lambda:InvokeFunction",
      function_name: "${aws_lambda_function.remediate.function_name}",
      source_arn: "${aws_cloudwatch_event_rule.tamper.arn}",
    });
  });

  test("every aws_lambda_permission carries a source_arn", () => {
    const perms = Object.values<any>(rem.resource.aws_lambda_permission);
    expect(perms.length).toBe(2);
    for (const p of perms) expect(p.source_arn).toMatch(/^\$\{aws_cloudwatch_event_rule\./);
  });

  test("the Lambda: nodejs22.x on arm64, small and short, logging to its own log group with a retention", () => {
    const fn = r("aws_lambda_function", "remediate");
    expect(fn).toMatchObject({ runtime: "nodejs22.x", architectures: ["arm64"], memory_size: 256, timeout: 30, handler: "index.handler", region: "us-east-1" });
    expect(fn.logging_config.log_group).toBe("${aws_cloudwatch_log_group.remediate.name}");
    expect(r("aws_cloudwatch_log_group", "remediate")).toMatchObject({ name: "/aws/lambda/trailguard-remediate", retention_in_days: 90 });
    expect(fn.filename).toMatch(/^assets\/.*\/remediate\.zip$/);
    expect(fn.source_code_hash).toBe(`\${filebase64sha256("${fn.filename}")}`);
  });

  test("remediate runs one at a time (reserved concurrency 1, configurable), and both Lambdas log at LOG_LEVEL info", () => {
    expect(r("aws_lambda_function", "remediate").reserved_concurrent_executions).toBe(1);
    expect(r("aws_lambda_function", "heartbeat")).not.toHaveProperty("reserved_concurrent_executions");
    expect(r("aws_lambda_function", "remediate").environment.variables.LOG_LEVEL).toBe("info");
    const none = synthStack({ ...CONFIG, remediation: { reservedConcurrency: null, logLevel: "debug" } });
    expect(none.resource.aws_lambda_function.remediate).not.toHaveProperty("reserved_concurrent_executions");
    expect(none.resource.aws_lambda_function.heartbeat.environment.variables.LOG_LEVEL).toBe("debug");
  });

  test("failed asynchronous invocations: two retries, then the home region's dead-letter queue", () => {
    for (const name of ["remediate", "heartbeat"]) {
      expect(r("aws_lambda_function_event_invoke_config", name)).toMatchObject({
        function_name: `\${aws_lambda_function.${name}.function_name}`,
        maximum_retry_attempts: 2,
        destination_config: { on_failure: { destination: '${aws_sqs_queue.dlq["us-east-1"].arn}' } },
      });
    }
  });

  test("its settings hold the known-good trails, the channel and the report bus, and no secret", () => {
    const settings = JSON.parse(r("aws_lambda_function", "remediate").environment.variables.TRAILGUARD_SETTINGS);
    expect(settings).toEqual({
      mode: "enforce",
      unlistedTrails: "restart",
      recreateDeletedTrails: false,
      slackChannel: "C0123ABCDEF",
      reportEventBus: "trailguard",
      trails: [
        { name: "org-trail", homeRegion: "us-east-1", multiRegion: true, includeGlobalEvents: true, logFileValidation: true, s3Bucket: "audit-logs", managementEvents: "All" },
        { name: "eu-trail", homeRegion: "eu-west-1", multiRegion: true, includeGlobalEvents: true, logFileValidation: true, s3Bucket: "eu-logs", managementEvents: "All" },
      ],
    });
    expect(JSON.stringify(r("aws_lambda_function", "remediate").environment)).not.toContain("var.");
  });

  test("the heartbeat runs in the home region on the configured schedule, on the default bus (schedules exist only there)", () => {
    const every = synthStack({ ...CONFIG, remediation: { heartbeatMinutes: 1 } });
    expect(every.resource.aws_cloudwatch_event_rule.heartbeat).toMatchObject({ region: "us-east-1", event_bus_name: "default", schedule_expression: "rate(1 minute)" });
    expect(r("aws_cloudwatch_event_rule", "heartbeat").schedule_expression).toBe("rate(5 minutes)");
    expect(r("aws_cloudwatch_event_rule", "heartbeat")).not.toHaveProperty("event_pattern");
    expect(r("aws_cloudwatch_event_target", "heartbeat_target").dead_letter_config.arn).toBe('${aws_sqs_queue.dlq["us-east-1"].arn}');
    expect(r("aws_lambda_permission", "heartbeat").source_arn).toBe("${aws_cloudwatch_event_rule.heartbeat.arn}");
  });

  test("the role restores only the listed trails, reports on the hub bus only; DescribeTrails (no resource type) is the only '*' resource", () => {
    const policy = r("aws_iam_role_policy", "remediation").policy;
    expect(policy).toContain(
      '"Action" = ["cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors", "cloudtrail:StartLogging", "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors"], "Resource" = ["arn:aws:cloudtrail:us-east-1:${local.account_id}:trail/org-trail", "arn:aws:cloudtrail:eu-west-1:${local.account_id}:trail/eu-trail"]',
    );
    expect(policy).not.toContain("CreateTrail");
    expect(policy.match(/"Resource" = "\*"/g)).toHaveLength(1);
    expect(policy).toContain(
      '{"Sid" = "ReportOnTheHubBus", "Effect" = "Allow", "Action" = ["events:PutEvents"], "Resource" = [aws_cloudwatch_event_bus.hub.arn], "Condition" = {"StringEquals" = {"events:source" = "trailguard"}}}',
    );
    // Any trail of this account may be restarted, and only restarted.
    expect(policy).toContain(
      '{"Sid" = "RestartAnyTrailOfThisAccount", "Effect" = "Allow", "Action" = ["cloudtrail:GetTrailStatus", "cloudtrail:StartLogging"], "Resource" = "arn:aws:cloudtrail:*:${local.account_id}:trail/*"}',
    );
    const reportOnly = synthStack({ ...CONFIG, remediation: { unlistedTrails: "report" } }).resource.aws_iam_role_policy.remediation.policy;
    expect(reportOnly).not.toContain("RestartAnyTrailOfThisAccount");
    expect(policy).toContain('{"Sid" = "SendFailedInvocations", "Effect" = "Allow", "Action" = ["sqs:SendMessage"], "Resource" = [aws_sqs_queue.dlq["us-east-1"].arn]}');
  });

  test("the heartbeat has its own role: the trail permissions, and read-only access to the alert path for its self-check", () => {
    const policy = r("aws_iam_role_policy", "heartbeat").policy;
    expect(r("aws_lambda_function", "heartbeat").role).toBe("${aws_iam_role.heartbeat.arn}");
    expect(r("aws_lambda_function", "remediate").role).toBe("${aws_iam_role.remediation.arn}");
    for (const statement of [
      '{"Sid" = "DescribeOwnRules", "Effect" = "Allow", "Action" = ["events:DescribeRule", "events:ListTargetsByRule"], "Resource" = ["arn:aws:events:*:${local.account_id}:rule/trailguard-*", "arn:aws:events:us-east-1:${local.account_id}:rule/trailguard/*"]}',
      '{"Sid" = "DescribeSlackConnection", "Effect" = "Allow", "Action" = ["events:DescribeConnection"], "Resource" = "arn:aws:events:us-east-1:${local.account_id}:connection/trailguard-slack/*"}',
      '{"Sid" = "CountDeadLetters", "Effect" = "Allow", "Action" = ["sqs:GetQueueAttributes"], "Resource" = "arn:aws:sqs:*:${local.account_id}:trailguard-dlq"}',
    ]) {
      expect(policy).toContain(statement);
    }
    expect(r("aws_iam_role_policy", "remediation").policy).not.toContain("DescribeOwnRules");
  });

  test("the self-check's settings name every hub rule with its targets, the edges, the queue and the topic", () => {
    const env = r("aws_lambda_function", "heartbeat").environment.variables;
    // What Terraform's jsonencode gives the Lambda (local.regions filled in).
    expect(env.TRAILGUARD_SELFCHECK).toContain('"regions":${jsonencode(local.regions)}');
    expect(JSON.parse(new WorstCase(rem, { longestRegion: "us-east-1" }).template(env.TRAILGUARD_SELFCHECK) as string)).toEqual({
      hubBus: "trailguard",
      hubRules: {
        "trailguard-cloudtrail-tamper": ["slack", "remediate"],
        "trailguard-cloudtrail-tamper-attempt": ["slack"],
        "trailguard-delivery": ["slack"],
        "trailguard-delivery-global": ["slack"],
        "trailguard-self": ["slack", "sns"],
        "trailguard-self-2": ["slack", "sns"],
        "trailguard-self-global": ["slack", "sns"],
        "trailguard-remediation-report": ["slack"],
      },
      edgeRules: { "trailguard-edge": "every region", "trailguard-edge-global": ["us-east-1"] },
      connection: "trailguard-slack",
      apiDestination: "trailguard-slack",
      endpoint: { equals: "https://slack.com/api/chat.postMessage" },
      deadLetterQueue: "trailguard-dlq",
      regions: [...DEFAULT_REGIONS],
      alarmTopic: "trailguard-alarms",
      expectSubscriber: false,
      slackProbeSecret: "trailguard-slack-probe",
    });
    // By the name after "trailguard-": the pattern's digest, then each target's; Terraform computes each at
    // apply (the preflight stands in 16 characters).
    // They come with the schedule's event: known after apply, they would hide the environment from the plan.
    const schedule = r("aws_cloudwatch_event_target", "heartbeat_target").input_transformer;
    expect(schedule.input_paths).toEqual({ account: "$.account", region: "$.region" });
    const sent = (new WorstCase(rem, { longestRegion: "us-east-1" }).template(schedule.input_template) as string).replace("<account>", '"123456789012"').replace("<region>", '"us-east-1"');
    expect(JSON.parse(sent)).toEqual({ account: "123456789012", region: "us-east-1", digests: {
      "cloudtrail-tamper": "xxxxxxxxxxxxxxxx slack=xxxxxxxxxxxxxxxx remediate=xxxxxxxxxxxxxxxx",
      "cloudtrail-tamper-attempt": "xxxxxxxxxxxxxxxx slack=xxxxxxxxxxxxxxxx",
      "delivery": "xxxxxxxxxxxxxxxx slack=xxxxxxxxxxxxxxxx",
      "delivery-global": "xxxxxxxxxxxxxxxx slack=xxxxxxxxxxxxxxxx",
      "self": "xxxxxxxxxxxxxxxx slack=xxxxxxxxxxxxxxxx sns=xxxxxxxxxxxxxxxx",
      "self-2": "xxxxxxxxxxxxxxxx slack=xxxxxxxxxxxxxxxx sns=xxxxxxxxxxxxxxxx",
      "self-global": "xxxxxxxxxxxxxxxx slack=xxxxxxxxxxxxxxxx sns=xxxxxxxxxxxxxxxx",
      "remediation-report": "xxxxxxxxxxxxxxxx slack=xxxxxxxxxxxxxxxx",
      "edge": "xxxxxxxxxxxxxxxx hub=xxxxxxxxxxxxxxxx",
      "edge-global": "xxxxxxxxxxxxxxxx hub=xxxxxxxxxxxxxxxx",
    }, functions: {
      remediate: { code: "x".repeat(44), role: "arn:aws:iam::123456789012:role/trailguard-remediation", env: "xxxxxxxxxxxxxxxx", concurrency: -1 },
      heartbeat: { code: "x".repeat(44), role: "arn:aws:iam::123456789012:role/trailguard-heartbeat", env: "xxxxxxxxxxxxxxxx", concurrency: -1 },
    }, alarmKey: "arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012" });
    expect(schedule.input_template).toContain(
      '"functions":{"remediate":{"code":"${aws_lambda_function.remediate.code_sha256}","role":"${aws_lambda_function.remediate.role}","env":"${substr(sha256(jsonencode(aws_lambda_function.remediate.environment[0].variables)), 0, 16)}","concurrency":${aws_lambda_function.remediate.reserved_concurrent_executions}}',
    );
    expect(env).not.toHaveProperty("TRAILGUARD_SELFCHECK_DIGESTS");
    expect(schedule.input_template).toContain(
      '"cloudtrail-tamper":"${substr(sha256(jsonencode(jsondecode(aws_cloudwatch_event_rule.tamper.event_pattern))), 0, 16)} slack=${substr(sha256(join(\"\\n\", [aws_cloudwatch_event_target.tamper_slack.arn, aws_cloudwatch_event_target.tamper_slack.role_arn, \"\", \"\", aws_cloudwatch_event_target.tamper_slack.input_transformer[0].input_template, jsonencode(aws_cloudwatch_event_target.tamper_slack.input_transformer[0].input_paths), \"86400\", \"185\"])), 0, 16)} remediate=',
    );
    expect(r("aws_lambda_function", "remediate").environment.variables).not.toHaveProperty("TRAILGUARD_SELFCHECK");
  });

  test("webhook mode: the self-check checks the destination's host only, and its settings hold no URL", () => {
    const hook = synthStack({ ...WEBHOOK_CONFIG, trails: CONFIG.trails });
    const env = hook.resource.aws_lambda_function.heartbeat.environment.variables.TRAILGUARD_SELFCHECK;
    expect(JSON.parse(new WorstCase(hook, { longestRegion: "us-east-1" }).template(env) as string).endpoint).toEqual({ startsWith: "https://hooks.slack.com/" });
    expect(env).not.toContain("var.");
  });

  test("a trail with CloudWatch Logs delivery lets remediation pass its log role, to CloudTrail only", () => {
    const cwl = synthStack({
      ...CHANNEL_CONFIG,
      trails: [{ name: "org-trail", s3Bucket: "audit-logs", cloudWatchLogGroup: "org-trail-logs", cloudWatchLogsRoleArn: "arn:aws:iam::111122223333:role/CloudTrail_Logs" }],
    });
    expect(cwl.resource.aws_iam_role_policy.remediation.policy).toContain(
      '{"Sid" = "PassTheLogDeliveryRolesToCloudTrail", "Effect" = "Allow", "Action" = ["iam:PassRole"], "Resource" = ["arn:aws:iam::111122223333:role/CloudTrail_Logs"], "Condition" = {"StringEquals" = {"iam:PassedToService" = "cloudtrail.amazonaws.com"}}}',
    );
    expect(r("aws_iam_role_policy", "remediation").policy).not.toContain("iam:PassRole");
  });

  test("synth warns when remediation could never restore anything", () => {
    const { warnings } = new TrailguardStack(Testing.app(), "idle", {
      config: parseConfig({ ...CHANNEL_CONFIG, remediation: { unlistedTrails: "report" } }),
      bundles: bundleZips(),
    });
    expect(warnings).toEqual(['remediation is on, but no trail is listed and remediation.unlistedTrails is "report": the Lambdas would never restore anything']);
  });

  test("recreateDeletedTrails adds CreateTrail; dry run holds no write permission", () => {
    const recreate = synthStack({ ...CONFIG, remediation: { recreateDeletedTrails: true } }).resource.aws_iam_role_policy.remediation.policy;
    expect(recreate).toContain('"cloudtrail:CreateTrail"');
    const dry = synthStack({ ...CONFIG, remediation: { mode: "dry-run" } }).resource.aws_iam_role_policy.remediation.policy;
    for (const write of ["StartLogging", "UpdateTrail", "PutEventSelectors", "CreateTrail"]) expect(dry).not.toContain(`cloudtrail:${write}`);
    expect(dry).toContain("cloudtrail:GetTrailStatus");
  });

  test("mode off deploys no Lambda, remediation role, report rule, heartbeat or Lambda alarm; only the edge role may write to the hub", () => {
    const off = synthStack({ ...CONFIG, remediation: { mode: "off" } });
    expect(off.resource).not.toHaveProperty("aws_lambda_function");
    expect(off.resource).not.toHaveProperty("aws_lambda_permission");
    expect(Object.keys(off.resource.aws_iam_role).sort()).toEqual(["edge", "eventbridge_slack"]);
    expect(off.resource.aws_iam_role_policy).not.toHaveProperty("heartbeat");
    expect(Object.keys(off.resource.aws_cloudwatch_event_rule).sort()).toEqual(["delivery", "delivery_global", "edge", "edge_global", "self", "self_2", "self_global", "tamper", "tamper_attempt"]);
    expect(Object.keys(off.resource.aws_cloudwatch_metric_alarm).sort()).toEqual(["dead_letters", "hub_delivery_delayed", "hub_failed_invocations", "hub_sent_to_dlq"]);
    expect(off.resource.aws_cloudwatch_event_bus_policy.hub.policy).toContain('"AWS" = [aws_iam_role.edge.arn]');
  });

  test("the report rule posts the Lambda's text and blocks, and writes the channel itself", () => {
    expect(JSON.parse(r("aws_cloudwatch_event_rule", "report").event_pattern)).toEqual({ source: ["trailguard"], "detail-type": ["Trailguard Remediation"], account: ["${local.account_id}"] });
    const t = r("aws_cloudwatch_event_target", "report_slack");
    expect(t.input_transformer).toEqual({
      input_paths: { text: "$.detail.slack.text", blocks: "$.detail.slack.blocks" },
      input_template: '{"channel":"C0123ABCDEF","text":<text>,"blocks":<blocks>,"unfurl_links":false}',
    });
    expect(t).not.toHaveProperty("input_path");
    expect(t.arn).toBe("${aws_cloudwatch_event_api_destination.slack.arn}");
  });

  test("the dead-letter queues are encrypted and accept only this stack's rules of their region (default bus and hub bus)", () => {
    expect(r("aws_sqs_queue", "dlq")).toMatchObject({ sqs_managed_sse_enabled: true, message_retention_seconds: 1209600 });
    expect(r("aws_sqs_queue_policy", "dlq").policy).toContain(
      '"Condition" = {"ArnLike" = {"aws:SourceArn" = ["arn:aws:events:${each.value}:${local.account_id}:rule/trailguard-*", "arn:aws:events:${each.value}:${local.account_id}:rule/trailguard/*"]}}',
    );
  });
});

describe("Terraform hygiene", () => {
  test(`the AWS provider constraint is relaxed to ${AWS_PROVIDER_CONSTRAINT}`, () => {
    expect(stack.terraform.required_providers.aws).toEqual({ source: "hashicorp/aws", version: "~> 6.0" });
  });

  test("state stays beside the stack (no absolute path from the synth machine)", () => {
    expect(stack.terraform.backend.local.path).toBe("terraform.tfstate");
  });

  test("terraformCloud config writes a cloud block instead", () => {
    const tfc = synthStack({ ...CHANNEL_CONFIG, terraformCloud: { organization: "acme", workspace: "trailguard-prod" } });
    expect(tfc.terraform.cloud).toEqual({ organization: "acme", workspaces: { name: "trailguard-prod" } });
    expect(tfc.terraform).not.toHaveProperty("backend");
  });

  test("taggable resources carry ManagedBy and the configured tags", () => {
    for (const [type, name] of [
      ["aws_cloudwatch_event_rule", "tamper"],
      ["aws_cloudwatch_event_rule", "edge"],
      ["aws_cloudwatch_event_bus", "hub"],
      ["aws_iam_role", "eventbridge_slack"],
      ["aws_lambda_function", "remediate"],
      ["aws_sqs_queue", "dlq"],
      ["aws_sns_topic", "alarms"],
      ["aws_kms_key", "alarms"],
      ["aws_cloudwatch_metric_alarm", "dead_letters"],
    ]) {
      expect(res(type, name).tags).toEqual({ ManagedBy: "trailguard", Owner: "security" });
    }
  });

  test("outputs are prefixed trailguard_ and keyed by region", () => {
    expect(Object.keys(stack.output).every((k) => k.startsWith("trailguard_"))).toBe(true);
    expect(stack.output.trailguard_edge_rule_arns.value).toBe("${{ for region, r in aws_cloudwatch_event_rule.edge : region => r.arn }}");
    expect(stack.output.trailguard_tamper_rule_arn.value).toBe("${aws_cloudwatch_event_rule.tamper.arn}");
  });

  test("cdk.tf.json does not grow with the number of regions beyond the region names", () => {
    const one = JSON.stringify(synthStack({ ...CHANNEL_CONFIG, regions: ["us-east-1"] }));
    const all = JSON.stringify(stack);
    const names = DEFAULT_REGIONS.slice(1).reduce((n, r) => n + r.length + 3, 0);
    expect(all.length - one.length).toBeLessThanOrEqual(names * 2); // the regions local and the output list
  });
});

/** Every `${...}` in the stack, with quoted strings inside it removed. */
function expressions(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") {
    for (const m of value.matchAll(/\$\{((?:[^{}]|\{[^{}]*\})*)\}/g)) out.push(m[1].replace(/"(?:[^"\\]|\\.)*"/g, '""'));
  } else if (value && typeof value === "object") {
    for (const v of Object.values(value)) expressions(v, out);
  }
  return out;
}

describe("references", () => {
  test("every ${...} reference resolves to a declared resource, variable or local", () => {
    const refs = new Set<string>();
    for (const expr of expressions({ resource: stack.resource, output: stack.output, variable: stack.variable })) {
      for (const m of expr.matchAll(/(?<![\w.\]])(var|local|each|data\.[a-z0-9_]+|[a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z0-9_]+)/g)) {
        refs.add(`${m[1]}.${m[2]}`);
      }
    }
    expect(refs).toContain("aws_cloudwatch_event_rule.tamper");
    expect(refs).toContain("var.slack_token");
    for (const ref of refs) {
      const [kind, name, dataName] = ref.split(".");
      if (kind === "data") expect(stack.data).toHaveProperty([name, dataName]);
      else if (kind === "var") expect(stack.variable).toHaveProperty([name]);
      else if (kind === "local") expect(stack.locals).toHaveProperty([name]);
      else if (kind === "each") expect(["key", "value"]).toContain(name);
      else expect(stack.resource).toHaveProperty([kind, name]);
    }
  });
});

describe("detection rules", () => {
  const everything = synthStack({
    ...CHANNEL_CONFIG,
    trails: [{ name: "org-trail", s3Bucket: "audit-logs", cloudWatchLogGroup: "org-trail-logs" }],
    detections: { include: ["trail", "delivery", "self", "adjacent", "custom"], exclude: [] },
    rules: [
      {
        id: "t2-micro",
        title: "t2.micro launched",
        severity: "medium",
        eventSource: "ec2.amazonaws.com",
        eventNames: ["RunInstances"],
        match: { requestParameters: { instanceType: ["t2.micro"], tagNote: [{ prefix: "${not-terraform}" }] } },
      },
    ],
  });
  const rules = everything.resource.aws_cloudwatch_event_rule;

  test("one hub rule per family (and outcome where attempts matter, and where a family's pattern outgrows the quota); edge rules packed to fit", () => {
    expect(Object.keys(rules).sort()).toEqual(
      ["adjacent", "adjacent_global", "adjacent_global_attempt", "custom_t2_micro", "custom_t2_micro_attempt", "delivery", "delivery_global", "edge", "edge_2", "edge_global", "heartbeat", "report", "self", "self_2", "self_global", "tamper", "tamper_attempt"].sort(),
    );
    expect(rules.delivery).not.toHaveProperty("for_each");
    expect(rules.edge.for_each).toBe("${toset(local.regions)}");
  });

  test("global-service calls are forwarded from us-east-1 only; the hub rule matches them wherever they came from", () => {
    expect(everything.locals.global_regions).toEqual(["us-east-1"]);
    expect(rules.edge_global.for_each).toBe("${toset(local.global_regions)}");
    expect(JSON.parse(rules.edge_global.event_pattern).$or.map((c: any) => [c.source[0], c.detail.eventName.length])).toEqual([
      ["aws.iam", 8],
      ["aws.organizations", 9], // LeaveOrganization (adjacent), and the organization changes of delivery and self
    ]);
    expect(rules.adjacent_global).not.toHaveProperty("for_each");
    expect(JSON.parse(rules.adjacent_global.event_pattern).detail.eventName).toEqual(["LeaveOrganization"]);
  });

  test("the delivery rule watches the listed trail's own bucket and log group", () => {
    const pattern = JSON.parse(rules.delivery.event_pattern);
    const clauses = pattern.$or.map((c: any) => c.detail.requestParameters ?? {});
    expect(clauses).toEqual(expect.arrayContaining([{ bucketName: ["audit-logs"] }, { logGroupName: ["org-trail-logs"] }]));
    expect(rules.delivery.name).toBe("trailguard-delivery");
  });

  test("text from config that looks like a Terraform template is escaped ($${) in cdk.tf.json", () => {
    expect(rules.custom_t2_micro.event_pattern).toContain('"$${not-terraform}"');
    expect(rules.custom_t2_micro.name).toBe("trailguard-custom-t2-micro");
  });

  test("each detection rule's Slack target names the severity and the detection ids", () => {
    const template = everything.resource.aws_cloudwatch_event_target.delivery_slack.input_transformer.input_template;
    expect(template).toContain("HIGH · Trail delivery path weakened (bucket, key or log group)");
    expect(template).toContain("trailguard · trail-bucket, trail-key, trail-log-group");
    expect(everything.resource.aws_cloudwatch_event_target.custom_t2_micro_slack.input_transformer.input_template).toContain("MEDIUM · t2.micro launched");
  });
});
