import { DEFAULT_REGIONS } from "../modules/config";
import { AWS_PROVIDER_CONSTRAINT, SLACK_POST_MESSAGE_URL } from "../modules/constructs";
import { groupDetections, groupPattern, TRAIL_DETECTIONS } from "../modules/detections";
import { alertTransformer } from "../modules/messages";
import { CHANNEL_CONFIG, synthStack, WEBHOOK_CONFIG } from "./helpers/synth";

const stack = synthStack(CHANNEL_CONFIG);
const res = (type: string, name: string) => {
  const r = stack.resource?.[type]?.[name];
  if (!r) throw new Error(`no ${type}.${name} in the stack`);
  return r;
};

const REGIONAL: [string, string][] = [
  ["aws_cloudwatch_event_rule", "tamper"],
  ["aws_cloudwatch_event_rule", "tamper_attempt"],
  ["aws_cloudwatch_event_rule", "report"],
  ["aws_cloudwatch_event_target", "tamper_slack"],
  ["aws_cloudwatch_event_target", "tamper_attempt_slack"],
  ["aws_cloudwatch_event_target", "tamper_remediate"],
  ["aws_cloudwatch_event_target", "report_slack"],
  ["aws_cloudwatch_event_connection", "slack"],
  ["aws_cloudwatch_event_api_destination", "slack"],
  ["aws_sqs_queue", "dlq"],
  ["aws_sqs_queue_policy", "dlq"],
  ["aws_lambda_function", "remediate"],
  ["aws_lambda_permission", "remediate"],
  ["aws_cloudwatch_log_group", "remediate"],
];

describe("regional resources", () => {
  test("the regions local lists every configured region (17 by default)", () => {
    expect(stack.locals.regions).toEqual([...DEFAULT_REGIONS]);
  });

  test.each(REGIONAL)("%s.%s has one instance per region, keyed by region, in that region", (type, name) => {
    const r = res(type, name);
    expect(r.for_each).toBe("${toset(local.regions)}");
    expect(r.region).toBe("${each.value}");
  });

  test("every regional resource references the same region's instance of the others", () => {
    expect(res("aws_cloudwatch_event_target", "tamper_slack").rule).toBe("${aws_cloudwatch_event_rule.tamper[each.key].name}");
    expect(res("aws_cloudwatch_event_target", "tamper_attempt_slack").rule).toBe(
      "${aws_cloudwatch_event_rule.tamper_attempt[each.key].name}",
    );
    for (const t of ["tamper_slack", "tamper_attempt_slack"]) {
      expect(res("aws_cloudwatch_event_target", t).arn).toBe("${aws_cloudwatch_event_api_destination.slack[each.key].arn}");
    }
    expect(res("aws_cloudwatch_event_api_destination", "slack").connection_arn).toBe(
      "${aws_cloudwatch_event_connection.slack[each.key].arn}",
    );
  });

  test("the rules listen on the default bus with the tamper patterns, split by outcome", () => {
    const ok = res("aws_cloudwatch_event_rule", "tamper");
    const failed = res("aws_cloudwatch_event_rule", "tamper_attempt");
    expect(ok.event_bus_name).toBe("default");
    const [trail] = groupDetections(TRAIL_DETECTIONS);
    expect(JSON.parse(ok.event_pattern)).toEqual(groupPattern(trail, "succeeded"));
    expect(JSON.parse(failed.event_pattern)).toEqual(groupPattern(trail, "failed"));
  });

  test("each Slack target carries its outcome's template, the EventBridge role, a retry policy and the region's DLQ", () => {
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
      expect(t.input_transformer.input_paths).toEqual(expected.inputPaths);
      expect(t.role_arn).toBe("${aws_iam_role.eventbridge_slack.arn}");
      expect(t.retry_policy.maximum_retry_attempts).toBeGreaterThan(0);
      expect(t.dead_letter_config.arn).toBe("${aws_sqs_queue.dlq[each.key].arn}");
    }
  });

  test("the API destination posts to chat.postMessage at most once a second", () => {
    const d = res("aws_cloudwatch_event_api_destination", "slack");
    expect(d.invocation_endpoint).toBe(SLACK_POST_MESSAGE_URL);
    expect(d.http_method).toBe("POST");
    expect(d.invocation_rate_limit_per_second).toBe(1);
  });
});

describe("secrets", () => {
  test("chat.postMessage mode: the bot token is a sensitive variable with no default, used only as a Bearer header", () => {
    expect(stack.variable.slack_token).toMatchObject({ type: "string", sensitive: true, nullable: false });
    expect(stack.variable.slack_token).not.toHaveProperty("default");
    expect(stack.variable).not.toHaveProperty("slack_webhook_url");
    expect(res("aws_cloudwatch_event_connection", "slack").auth_parameters.api_key).toEqual({
      key: "Authorization",
      value: "Bearer ${var.slack_token}",
    });
    const uses = JSON.stringify(stack).match(/var\.slack_token/g) ?? [];
    expect(uses).toHaveLength(1);
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
    expect(JSON.parse(hook.resource.aws_cloudwatch_event_target.tamper_slack.input_transformer.input_template)).not.toHaveProperty(
      "channel",
    );
  });

  test("no output exposes a variable", () => {
    expect(JSON.stringify(stack.output)).not.toContain("var.");
  });
});

describe("IAM", () => {
  const role = res("aws_iam_role", "eventbridge_slack");
  const policy = res("aws_iam_role_policy", "eventbridge_slack");

  test("only EventBridge, on behalf of this stack's rules, may assume the role", () => {
    expect(role.assume_role_policy).toContain('"Service" = "events.amazonaws.com"');
    expect(role.assume_role_policy).toContain(
      '"aws:SourceArn" = concat(values(aws_cloudwatch_event_rule.tamper)[*].arn, values(aws_cloudwatch_event_rule.tamper_attempt)[*].arn, values(aws_cloudwatch_event_rule.delivery)[*].arn, values(aws_cloudwatch_event_rule.self)[*].arn, values(aws_cloudwatch_event_rule.report)[*].arn)',
    );
  });

  test("the Slack role may only invoke this stack's API destinations: no wildcard action or resource", () => {
    expect(policy.policy).toContain('"Action" = ["events:InvokeApiDestination"]');
    expect(policy.policy).toContain('"Resource" = values(aws_cloudwatch_event_api_destination.slack)[*].arn');
    const actions = [...JSON.stringify(stack.resource).matchAll(/\\"Action\\" = \[([^\]]*)\]/g)].map((m) => m[1]);
    expect(actions.length).toBeGreaterThan(0);
    for (const a of actions) expect(a).not.toContain("*");
    expect(policy.policy).not.toMatch(/"Resource" = "\*"/);
  });
});

describe("remediation", () => {
  const CONFIG = {
    ...CHANNEL_CONFIG,
    trails: [{ name: "org-trail", s3Bucket: "audit-logs" }, { name: "eu-trail", homeRegion: "eu-west-1", s3Bucket: "eu-logs" }],
  };
  const rem = synthStack(CONFIG);
  const r = (type: string, name: string) => rem.resource[type][name];

  test("every region's tamper rule invokes that region's Lambda, which allows only that rule (source_arn)", () => {
    expect(r("aws_cloudwatch_event_target", "tamper_remediate")).toMatchObject({
      rule: "${aws_cloudwatch_event_rule.tamper[each.key].name}",
      arn: "${aws_lambda_function.remediate[each.key].arn}",
      dead_letter_config: { arn: "${aws_sqs_queue.dlq[each.key].arn}" },
    });
    expect(r("aws_lambda_permission", "remediate")).toMatchObject({
      principal: "events.amazonaws.com",
      action: "lambda:InvokeFunction",
      function_name: "${aws_lambda_function.remediate[each.key].function_name}",
      source_arn: "${aws_cloudwatch_event_rule.tamper[each.key].arn}",
    });
  });

  test("every aws_lambda_permission carries a source_arn", () => {
    const perms = Object.values<any>(rem.resource.aws_lambda_permission);
    expect(perms.length).toBe(2);
    for (const p of perms) expect(p.source_arn).toMatch(/^\$\{aws_cloudwatch_event_rule\./);
  });

  test("the Lambda: nodejs22.x on arm64, small and short, logging to its own log group with a retention", () => {
    const fn = r("aws_lambda_function", "remediate");
    expect(fn).toMatchObject({ runtime: "nodejs22.x", architectures: ["arm64"], memory_size: 256, timeout: 30, handler: "index.handler" });
    expect(fn.logging_config.log_group).toBe("${aws_cloudwatch_log_group.remediate[each.key].name}");
    expect(r("aws_cloudwatch_log_group", "remediate")).toMatchObject({ name: "/aws/lambda/trailguard-remediate", retention_in_days: 90 });
    expect(fn.filename).toMatch(/^assets\/.*\/remediate\.zip$/);
    expect(fn.source_code_hash).toBe(`\${filebase64sha256("${fn.filename}")}`);
  });

  test("its settings hold the known-good trails and the channel, and no secret", () => {
    const settings = JSON.parse(r("aws_lambda_function", "remediate").environment.variables.TRAILGUARD_SETTINGS);
    expect(settings).toEqual({
      mode: "enforce",
      recreateDeletedTrails: false,
      slackChannel: "C0123ABCDEF",
      trails: [
        { name: "org-trail", homeRegion: "us-east-1", multiRegion: true, includeGlobalEvents: true, logFileValidation: true, s3Bucket: "audit-logs", managementEvents: "All" },
        { name: "eu-trail", homeRegion: "eu-west-1", multiRegion: true, includeGlobalEvents: true, logFileValidation: true, s3Bucket: "eu-logs", managementEvents: "All" },
      ],
    });
    expect(JSON.stringify(r("aws_lambda_function", "remediate").environment)).not.toContain("var.");
  });

  test("the heartbeat runs in the home region on the configured schedule", () => {
    const every = synthStack({ ...CONFIG, remediation: { heartbeatMinutes: 1 } });
    expect(every.resource.aws_cloudwatch_event_rule.heartbeat).toMatchObject({ region: "us-east-1", schedule_expression: "rate(1 minute)" });
    expect(r("aws_cloudwatch_event_rule", "heartbeat").schedule_expression).toBe("rate(5 minutes)");
    expect(r("aws_cloudwatch_event_target", "heartbeat").dead_letter_config.arn).toBe('${aws_sqs_queue.dlq["us-east-1"].arn}');
    expect(r("aws_lambda_permission", "heartbeat").source_arn).toBe("${aws_cloudwatch_event_rule.heartbeat.arn}");
  });

  test("the role restores only the listed trails; DescribeTrails (no resource type) is the only '*' resource", () => {
    const policy = r("aws_iam_role_policy", "remediation").policy;
    expect(policy).toContain(
      '"Action" = ["cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors", "cloudtrail:StartLogging", "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors"], "Resource" = ["arn:aws:cloudtrail:us-east-1:${local.account_id}:trail/org-trail", "arn:aws:cloudtrail:eu-west-1:${local.account_id}:trail/eu-trail"]',
    );
    expect(policy).not.toContain("CreateTrail");
    expect(policy.match(/"Resource" = "\*"/g)).toHaveLength(1);
    expect(policy).toContain('{"Sid" = "FindTrails", "Effect" = "Allow", "Action" = ["cloudtrail:DescribeTrails"], "Resource" = "*"}');
    expect(policy).toContain('formatlist("arn:aws:events:%s:%s:event-bus/default", local.regions, local.account_id)');
  });

  test("recreateDeletedTrails adds CreateTrail; dry run holds no write permission", () => {
    const recreate = synthStack({ ...CONFIG, remediation: { recreateDeletedTrails: true } }).resource.aws_iam_role_policy.remediation.policy;
    expect(recreate).toContain('"cloudtrail:CreateTrail"');
    const dry = synthStack({ ...CONFIG, remediation: { mode: "dry-run" } }).resource.aws_iam_role_policy.remediation.policy;
    for (const write of ["StartLogging", "UpdateTrail", "PutEventSelectors", "CreateTrail"]) expect(dry).not.toContain(`cloudtrail:${write}`);
    expect(dry).toContain("cloudtrail:GetTrailStatus");
  });

  test("mode off deploys no Lambda, role, report rule or heartbeat", () => {
    const off = synthStack({ ...CONFIG, remediation: { mode: "off" } });
    expect(off.resource).not.toHaveProperty("aws_lambda_function");
    expect(off.resource).not.toHaveProperty("aws_lambda_permission");
    expect(Object.keys(off.resource.aws_iam_role)).toEqual(["eventbridge_slack"]);
    expect(Object.keys(off.resource.aws_cloudwatch_event_rule).sort()).toEqual(["delivery", "self", "tamper", "tamper_attempt"]);
  });

  test("the report rule forwards the Lambda's Slack payload untouched (input_path, no template)", () => {
    expect(JSON.parse(r("aws_cloudwatch_event_rule", "report").event_pattern)).toEqual({ source: ["trailguard"], "detail-type": ["Trailguard Remediation"] });
    const t = r("aws_cloudwatch_event_target", "report_slack");
    expect(t.input_path).toBe("$.detail.slack");
    expect(t).not.toHaveProperty("input_transformer");
    expect(t.arn).toBe("${aws_cloudwatch_event_api_destination.slack[each.key].arn}");
  });

  test("the dead-letter queues are encrypted and accept only this stack's rules of their region", () => {
    expect(r("aws_sqs_queue", "dlq")).toMatchObject({ sqs_managed_sse_enabled: true, message_retention_seconds: 1209600 });
    expect(r("aws_sqs_queue_policy", "dlq").policy).toContain(
      '"Action" = ["sqs:SendMessage"], "Resource" = aws_sqs_queue.dlq[each.key].arn, "Condition" = {"ArnLike" = {"aws:SourceArn" = "arn:aws:events:${each.value}:${local.account_id}:rule/trailguard-*"}}',
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
      ["aws_cloudwatch_event_rule", "tamper_attempt"],
      ["aws_iam_role", "eventbridge_slack"],
      ["aws_lambda_function", "remediate"],
      ["aws_sqs_queue", "dlq"],
    ]) {
      expect(res(type, name).tags).toEqual({ ManagedBy: "trailguard", Owner: "security" });
    }
  });

  test("outputs are prefixed trailguard_ and keyed by region", () => {
    expect(Object.keys(stack.output).every((k) => k.startsWith("trailguard_"))).toBe(true);
    expect(stack.output.trailguard_tamper_rule_arns.value).toBe(
      "${{ for region, r in aws_cloudwatch_event_rule.tamper : region => r.arn }}",
    );
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

  test("one rule per family (and outcome where attempts matter) per region, keyed by region", () => {
    expect(Object.keys(rules).sort()).toEqual(
      ["adjacent", "adjacent_global", "adjacent_global_attempt", "custom_t2_micro", "custom_t2_micro_attempt", "delivery", "heartbeat", "report", "self", "tamper", "tamper_attempt"].sort(),
    );
    expect(rules.delivery.for_each).toBe("${toset(local.regions)}");
  });

  test("global detections live in us-east-1 only", () => {
    expect(everything.locals.global_regions).toEqual(["us-east-1"]);
    expect(rules.adjacent_global.for_each).toBe("${toset(local.global_regions)}");
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
