/**
 * Member dead letters alarmed (issue 18, item 6): the member template's alarm on its dead-letter queue, the
 * edge rule that forwards the alarm's state change to the hub bus through the edge role, and the hub rule
 * that alerts Slack and the SNS topic. See modules/detections/member-dead-letters.ts for what it can and
 * cannot tell.
 */
import { matchesPattern } from "../modules/eventbridge/pattern";
import { evaluateInputTransformer } from "../modules/eventbridge/input-transformer";
import { structureProblems } from "../modules/eventbridge/payload-structure";
import { blockKitProblems } from "../modules/messages/block-kit";
import { WorstCase } from "../modules/quotas";
import { alarmFixtures, catalogFixtures, HOSTILE_STRINGS, loadFixture, type CloudTrailEvent } from "./helpers/fixtures";
import { evaluate, type Statement } from "./helpers/iam-evaluate";
import { CHANNEL_CONFIG, synthStack } from "./helpers/synth";

const ORG = { id: "o-a1b2c3d4e5", organizationalUnits: ["r-ab12"] };
const HUB_BUS = "arn:aws:events:us-east-1:123456789012:event-bus/trailguard";
const ALARM = "catalog/alarms/member-dlq-alarm";

let stack: any;
let regional: any;
let global: any;
const template = (body: string): any =>
  JSON.parse(body.replaceAll("${aws_cloudwatch_event_bus.hub.arn}", HUB_BUS).replaceAll("${local.account_id}", "123456789012").replace(/\$\$\{/g, "${"));

beforeAll(() => {
  stack = synthStack({ ...CHANNEL_CONFIG, organization: ORG });
  regional = template(stack.resource.aws_cloudformation_stack_set.member_edges.template_body);
  global = template(stack.resource.aws_cloudformation_stack_set.member_roles.template_body);
});

const withDetail = (patch: (e: CloudTrailEvent) => void): CloudTrailEvent => {
  const e = structuredClone(loadFixture(ALARM));
  patch(e);
  return e;
};

describe("in every member account and region", () => {
  test("an alarm on the dead-letter queue: Maximum of ApproximateNumberOfMessagesVisible >= 1 over 5 minutes, no data not breaching, no action", () => {
    expect(regional.Resources.DeadLetterAlarm).toEqual({
      Type: "AWS::CloudWatch::Alarm",
      Properties: {
        AlarmName: "trailguard-member-dlq",
        AlarmDescription:
          "trailguard: events this account's edges forwarded wait in trailguard-dlq: the hub bus did not accept them. Its state changes are forwarded to the hub bus, which alerts.",
        Namespace: "AWS/SQS",
        MetricName: "ApproximateNumberOfMessagesVisible",
        Dimensions: [{ Name: "QueueName", Value: { "Fn::GetAtt": ["DeadLetterQueue", "QueueName"] } }],
        Statistic: "Maximum",
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
        TreatMissingData: "notBreaching",
      },
    });
  });

  test("the hub's own dead-letter alarm uses the same metric, statistic, period, comparison and threshold", () => {
    const hub = stack.resource.aws_cloudwatch_metric_alarm.dead_letters;
    expect(hub).toMatchObject({ comparison_operator: "GreaterThanOrEqualToThreshold", threshold: 1, evaluation_periods: 1, treat_missing_data: "notBreaching" });
    expect(hub.metric_query[0].metric).toMatchObject({ namespace: "AWS/SQS", metric_name: "ApproximateNumberOfMessagesVisible", period: 300, stat: "Maximum" });
  });

  test("an edge rule, trailguard-edge-alarm, forwards only that alarm going into ALARM, to the hub bus, through the edge role, with retries and the dead-letter queue", () => {
    expect(regional.Resources.EdgeAlarm).toEqual({
      Type: "AWS::Events::Rule",
      Properties: {
        Name: "trailguard-edge-alarm",
        Description: "trailguard edge: forwards the trailguard-member-dlq alarm going into ALARM to the hub bus",
        EventBusName: "default",
        State: "ENABLED",
        EventPattern: { source: ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"], detail: { alarmName: ["trailguard-member-dlq"], state: { value: ["ALARM"] } } },
        Targets: [
          {
            Id: "hub",
            Arn: HUB_BUS,
            RoleArn: { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/trailguard-edge" },
            DeadLetterConfig: { Arn: { "Fn::GetAtt": ["DeadLetterQueue", "Arn"] } },
            RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
          },
        ],
      },
    });
  });

  test("the member edge role trusts that rule by its exact name; the hub account's own edge role does not (it has no such rule)", () => {
    const arns = global.Resources.EdgeRole.Properties.AssumeRolePolicyDocument.Statement[0].Condition.ArnLike["aws:SourceArn"];
    expect(arns).toContainEqual({ "Fn::Sub": "arn:${AWS::Partition}:events:*:${AWS::AccountId}:rule/trailguard-edge-alarm" });
    expect(stack.resource.aws_iam_role.edge.assume_role_policy).not.toContain("edge-alarm");
  });

  test("the rule forwards no CloudTrail call: the CloudTrail edges and the alarm rule do not overlap", () => {
    const pattern = regional.Resources.EdgeAlarm.Properties.EventPattern;
    expect(catalogFixtures().filter(([, e]) => matchesPattern(pattern, e)).map(([f]) => f)).toEqual([]);
  });
});

describe("the hub bus policy admits the forwarded alarm", () => {
  const policy = (): Statement[] => JSON.parse(new WorstCase(stack, { longestRegion: "us-east-1" }).template(stack.resource.aws_cloudwatch_event_bus_policy.hub.policy) as string).Statement;
  const put = (principalArn: string, principalOrgId: string) => ({ principalArn, action: "events:PutEvents", resource: HUB_BUS, principalOrgId, eventSource: "aws.cloudwatch" });
  const EDGE_ROLE_POLICY: Statement[] = [{ Effect: "Allow", Action: ["events:PutEvents"], Resource: HUB_BUS }];

  test("from a member account's edge role, in the organization, with source aws.cloudwatch", () => {
    expect(evaluate(put("arn:aws:iam::111122223333:role/trailguard-edge", "o-a1b2c3d4e5"), policy(), EDGE_ROLE_POLICY)).toBe("allowed");
  });

  test("not from the same role name outside the organization", () => {
    expect(evaluate(put("arn:aws:iam::999988887777:role/trailguard-edge", "o-zzzzzzzzzz"), policy(), EDGE_ROLE_POLICY)).toBe("denied");
  });
});

describe("the hub rule trailguard-member-dead-letters", () => {
  const rule = () => stack.resource.aws_cloudwatch_event_rule.member_dead_letters;
  const pattern = () => JSON.parse(rule().event_pattern);
  const targets = () => stack.resource.aws_cloudwatch_event_target;

  test("is on the hub bus, with the member edge's pattern, and posts to Slack and to the SNS topic", () => {
    expect(rule()).toMatchObject({ name: "trailguard-member-dead-letters", event_bus_name: "${aws_cloudwatch_event_bus.hub.name}" });
    expect(pattern()).toEqual(regional.Resources.EdgeAlarm.Properties.EventPattern);
    expect(targets().member_dead_letters_slack).toMatchObject({ arn: "${aws_cloudwatch_event_api_destination.slack.arn}", role_arn: "${aws_iam_role.eventbridge_slack.arn}" });
    expect(targets().member_dead_letters_sns).toMatchObject({ arn: "${aws_sns_topic.alarms.arn}" });
  });

  test("exists only with an organization", () => {
    expect(synthStack(CHANNEL_CONFIG).resource.aws_cloudwatch_event_rule).not.toHaveProperty("member_dead_letters");
  });

  test("the self-check knows it: its targets, and its digests in the heartbeat's event, as every hub rule's", () => {
    const settings = new WorstCase(stack, { longestRegion: "us-east-1" }).template(stack.resource.aws_lambda_function.heartbeat.environment.variables.TRAILGUARD_SELFCHECK) as string;
    expect(JSON.parse(settings).hubRules["trailguard-member-dead-letters"]).toEqual(["slack", "sns"]);
    // The expected digests travel in the heartbeat schedule's event (remediation/self-check.ts).
    expect(stack.resource.aws_cloudwatch_event_target.heartbeat_target.input_transformer.input_template).toContain('"member-dead-letters":"${substr(sha256(jsonencode(jsondecode(aws_cloudwatch_event_rule.member_dead_letters.event_pattern))), 0, 16)} slack=');
  });

  test("matches the documented alarm event (the fixture)", () => {
    expect(alarmFixtures().map(([f]) => f)).toEqual(["catalog/alarms/member-dlq-alarm.json"]);
    expect(matchesPattern(pattern(), loadFixture(ALARM))).toBe(true);
  });

  test.each([
    ["another alarm's name", (e: CloudTrailEvent) => (e.detail.alarmName = "ServerCpuTooHigh")],
    ["a longer name with trailguard's as its prefix", (e: CloudTrailEvent) => (e.detail.alarmName = "trailguard-member-dlq-2")],
    ["another deployment's alarm", (e: CloudTrailEvent) => (e.detail.alarmName = "tg-prod-member-dlq")],
    ["state OK (recovered)", (e: CloudTrailEvent) => (e.detail.state.value = "OK")],
    ["state INSUFFICIENT_DATA", (e: CloudTrailEvent) => (e.detail.state.value = "INSUFFICIENT_DATA")],
    ["source aws.monitoring (a CloudTrail-delivered CloudWatch call)", (e: CloudTrailEvent) => (e.source = "aws.monitoring")],
    ["another detail-type", (e: CloudTrailEvent) => (e["detail-type"] = "CloudWatch Alarm Configuration Change")],
  ])("does not match a near miss: %s", (_label, patch) => {
    expect(matchesPattern(pattern(), withDetail(patch))).toBe(false);
  });

  const slack = () => {
    const t = targets().member_dead_letters_slack.input_transformer;
    return { inputPaths: t.input_paths, inputTemplate: t.input_template };
  };
  const sns = () => {
    const t = targets().member_dead_letters_sns.input_transformer;
    return { inputPaths: t.input_paths, inputTemplate: t.input_template };
  };

  test("the Slack alert names the account and region, in valid Block Kit, to the configured channel", () => {
    const body = JSON.parse(evaluateInputTransformer(slack(), loadFixture(ALARM)));
    expect(body.channel).toBe("C0123ABCDEF");
    expect(body.text).toBe(
      "HIGH trailguard member dead letters waiting: dead letters waiting in trailguard-dlq of account 111122223333 region eu-west-1: the hub bus did not accept events forwarded from there",
    );
    expect(body.blocks[1].text.text).toBe(
      "Dead letters are waiting in `trailguard-dlq` of account *111122223333*, region *eu-west-1*: the hub bus did not accept events forwarded from there, so CloudTrail calls a detection watches were never alerted. Read them in that account, fix the path (the edge role `trailguard-edge`, the hub bus policy), then redrive or purge.",
    );
    expect(body.blocks[2].fields.map((f: { text: string }) => f.text)).toEqual(["*Account*\n111122223333", "*Region*\neu-west-1", "*Alarm*\ntrailguard-member-dlq"]);
    expect(body.blocks[3].elements[0].url).toBe("https://eu-west-1.console.aws.amazon.com/sqs/v3/home?region=eu-west-1#/queues");
    expect(blockKitProblems(body)).toEqual([]);
  });

  test("the SNS message is the same summary as plain text", () => {
    expect(JSON.parse(evaluateInputTransformer(sns(), loadFixture(ALARM)))).toBe(
      "trailguard: HIGH trailguard member dead letters waiting: dead letters waiting in trailguard-dlq of account 111122223333 region eu-west-1: the hub bus did not accept events forwarded from there. Alarm trailguard-member-dlq. https://eu-west-1.console.aws.amazon.com/sqs/v3/home?region=eu-west-1#/queues",
    );
  });

  test("the templates read only the envelope's account and region: nothing of the alarm's detail, not even its time", () => {
    expect(new Set([...Object.values(slack().inputPaths), ...Object.values(sns().inputPaths)])).toEqual(new Set(["$.account", "$.region"]));
  });

  // SetAlarmState lets the member account's administrator write any StateReason; the description and the
  // metric's dimensions are theirs to change with PutMetricAlarm (which self-alarms alerts on). None of it is
  // pasted: every payload keeps its template's structure and carries none of the hostile text.
  test.each(Object.entries(HOSTILE_STRINGS))("hostile %s in every free-text field of the alarm event changes nothing in either payload", (_label, s) => {
    const e = withDetail((x) => {
      x.detail.state.reason = s;
      x.detail.state.reasonData = s;
      x.detail.previousState.reason = s;
      x.detail.configuration.description = s;
      x.detail.configuration.metrics[0].metricStat.metric.dimensions.QueueName = s;
      x.resources = [s];
    });
    expect(matchesPattern(pattern(), e)).toBe(true);
    for (const t of [slack(), sns()]) {
      const body = evaluateInputTransformer(t, e);
      expect(structureProblems(t, body)).toEqual([]);
      expect(body).toBe(evaluateInputTransformer(t, loadFixture(ALARM)));
    }
  });
});
