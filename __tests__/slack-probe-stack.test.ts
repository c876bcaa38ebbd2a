import { selfCheckStatements } from "../modules/iam/remediation-role";
import { generateModule } from "../modules/terraform-module/generate";
import { bundleZips } from "../modules/lambda-bundles";
import { parseSelfCheckSettings, slackProbeSecretOf } from "../lambda-src/lib/self-check-settings";
import { CHANNEL_CONFIG, synthStack, WEBHOOK_CONFIG } from "./helpers/synth";

/**
 * The Slack token probe's infrastructure: a secret of trailguard's own holding the bot token (Terraform writes
 * it from slack_token), readable by the heartbeat's role alone, named in the self-check's settings. None of it
 * for an incoming webhook, whose failures EventBridge counts itself.
 */

const ACCESS = {
  ruleArns: ["arn:aws:events:*:123456789012:rule/trailguard-*"],
  connectionArn: "arn:aws:events:us-east-1:123456789012:connection/trailguard-slack/*",
  apiDestinationArn: "arn:aws:events:us-east-1:123456789012:api-destination/trailguard-slack/*",
  queueArn: "arn:aws:sqs:*:123456789012:trailguard-dlq",
  functionArns: ["arn:aws:lambda:us-east-1:123456789012:function:trailguard-heartbeat"],
  alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:trailguard-alarms",
  alarmKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
};

describe("the heartbeat's permission to read the token", () => {
  test("GetSecretValue, exactly, on the probe's secret only (its name and the six characters Secrets Manager adds)", () => {
    const statements = selfCheckStatements({ ...ACCESS, slackProbeSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:trailguard-slack-probe-??????" });
    expect(statements.filter((s) => s.Action.some((a) => a.startsWith("secretsmanager:")))).toEqual([
      {
        Sid: "ReadSlackProbeToken",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: "arn:aws:secretsmanager:us-east-1:123456789012:secret:trailguard-slack-probe-??????",
      },
    ]);
    // No wildcard action anywhere, and no KMS permission for the secret (aws/secretsmanager's key policy covers it).
    expect(statements.flatMap((s) => s.Action).filter((a) => a.includes("*"))).toEqual([]);
    expect(statements.flatMap((s) => s.Action).filter((a) => a.startsWith("kms:"))).toEqual(["kms:DescribeKey"]);
  });

  test("no statement without a probe (an incoming webhook)", () => {
    expect(JSON.stringify(selfCheckStatements(ACCESS))).not.toContain("secretsmanager");
  });
});

describe("bot-token deployment (slack.channel)", () => {
  const stack = synthStack(CHANNEL_CONFIG);
  const r = stack.resource;

  test("one secret, <prefix>-slack-probe, in the home region, tagged, deleted without a recovery window", () => {
    expect(r.aws_secretsmanager_secret.slack_probe).toMatchObject({
      name: "trailguard-slack-probe",
      region: "us-east-1",
      recovery_window_in_days: 0,
      tags: expect.objectContaining({ ManagedBy: "trailguard" }),
    });
    expect(Object.keys(r.aws_secretsmanager_secret)).toEqual(["slack_probe"]);
  });

  test("its value is the slack_token variable, the connection's own: one token, one place to change it", () => {
    expect(r.aws_secretsmanager_secret_version.slack_probe).toEqual({
      region: "us-east-1",
      secret_id: "${aws_secretsmanager_secret.slack_probe.id}",
      secret_string: "${var.slack_token}",
    });
    expect(r.aws_cloudwatch_event_connection.slack.auth_parameters.api_key.value).toBe("Bearer ${var.slack_token}");
    expect(stack.variable.slack_token.sensitive).toBe(true);
  });

  test("the token is in no Lambda environment and no output; the heartbeat knows the secret by name only", () => {
    for (const fn of Object.values<any>(r.aws_lambda_function)) expect(JSON.stringify(fn.environment)).not.toContain("slack_token");
    expect(JSON.stringify(stack.output ?? {})).not.toContain("slack_token");
    expect(JSON.stringify(stack.output ?? {})).not.toContain("slack_probe");
    const settings = parseSelfCheckSettings(r.aws_lambda_function.heartbeat.environment.variables.TRAILGUARD_SELFCHECK.replace("${jsonencode(local.regions)}", '["us-east-1"]'))!;
    expect(slackProbeSecretOf(settings)).toBe("trailguard-slack-probe");
  });

  test("only the heartbeat's role may read it; the heartbeat waits for its value", () => {
    expect(r.aws_iam_role_policy.heartbeat.policy).toContain(
      '{"Sid" = "ReadSlackProbeToken", "Effect" = "Allow", "Action" = ["secretsmanager:GetSecretValue"], "Resource" = "arn:aws:secretsmanager:us-east-1:${local.account_id}:secret:trailguard-slack-probe-??????"}',
    );
    for (const [name, p] of Object.entries<any>(r.aws_iam_role_policy)) if (name !== "heartbeat") expect(p.policy).not.toContain("secretsmanager");
    expect(r.aws_lambda_function.heartbeat.depends_on).toEqual(["aws_secretsmanager_secret_version.slack_probe"]);
  });
});

describe("incoming-webhook deployment", () => {
  const stack = synthStack(WEBHOOK_CONFIG);

  test("no probe: no secret, no permission, no secret in the settings (the webhook's HTTP errors are failed invocations, alarmed)", () => {
    expect(stack.resource.aws_secretsmanager_secret).toBeUndefined();
    expect(stack.resource.aws_secretsmanager_secret_version).toBeUndefined();
    expect(stack.resource.aws_iam_role_policy.heartbeat.policy).not.toContain("secretsmanager");
    expect(stack.resource.aws_lambda_function.heartbeat.environment.variables.TRAILGUARD_SELFCHECK).not.toContain("slackProbeSecret");
    expect(stack.resource.aws_cloudwatch_metric_alarm.hub_failed_invocations.metric_query[0].expression).toContain("FailedInvocations");
    expect(stack.resource.aws_cloudwatch_metric_alarm.hub_sent_to_dlq.metric_query[0].expression).toContain("InvocationsSentToDlq");
  });
});

describe("the generated module: Terraform picks the mode at plan", () => {
  const json = JSON.parse(generateModule(bundleZips())["main.tf.json"].toString());
  const r = json.resource;

  test("the secret and its value exist only when slack_channel is set (chat.postMessage)", () => {
    expect(r.aws_secretsmanager_secret.slack_probe).toMatchObject({ name: "${var.name_prefix}-slack-probe", count: "${var.slack_channel == null ? 0 : 1}", recovery_window_in_days: 0 });
    expect(r.aws_secretsmanager_secret_version.slack_probe).toEqual({
      region: "${var.home_region}",
      count: "${var.slack_channel == null ? 0 : 1}",
      secret_id: "${aws_secretsmanager_secret.slack_probe[count.index].id}",
      secret_string: "${var.slack_token}",
    });
  });

  test("the settings name the secret; the heartbeat probes only when the endpoint is chat.postMessage", () => {
    const env = r.aws_lambda_function.heartbeat.environment.variables.TRAILGUARD_SELFCHECK;
    expect(env).toContain('"slackProbeSecret":"${var.name_prefix}-slack-probe"');
    const base = { hubBus: "t", hubRules: {}, edgeRules: {}, connection: "t-slack", apiDestination: "t-slack", deadLetterQueue: "t-dlq", regions: ["us-east-1"], slackProbeSecret: "t-slack-probe" };
    expect(slackProbeSecretOf(parseSelfCheckSettings(JSON.stringify({ ...base, endpoint: { equals: "https://slack.com/api/chat.postMessage", startsWith: null } }))!)).toBe("t-slack-probe");
    expect(slackProbeSecretOf(parseSelfCheckSettings(JSON.stringify({ ...base, endpoint: { equals: null, startsWith: "https://hooks.slack.com/" } }))!)).toBeUndefined();
  });
});
