import { Observations, problemsOf, RuleObservation, selfCheckSlackPayload } from "../../lambda-src/lib/self-check";
import { parseSelfCheckSettings, SelfCheckSettings } from "../../lambda-src/lib/self-check-settings";
import { FakeAws, SeenRequest } from "../helpers/fake-aws";
import { BundleRun, invokeBundle } from "../helpers/invoke-bundle";
import { expectValidBlockKit } from "../helpers/slack";

const ACCOUNT = "123456789012";
const HUB_BUS_ARN = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/trailguard`;
const SETTINGS: SelfCheckSettings = {
  hubBus: "trailguard",
  hubRules: { "trailguard-cloudtrail-tamper": ["slack", "remediate"], "trailguard-self": ["slack", "sns"] },
  edgeRules: { "trailguard-edge": "every region" },
  connection: "trailguard-slack",
  apiDestination: "trailguard-slack",
  endpoint: { equals: "https://slack.com/api/chat.postMessage" },
  deadLetterQueue: "trailguard-dlq",
  regions: ["us-east-1", "eu-west-1"],
};

/** Everything as the stack made it. */
const HEALTHY: Observations = {
  rules: [
    { region: "us-east-1", bus: "trailguard", name: "trailguard-cloudtrail-tamper", state: "ENABLED", targets: [{ id: "slack", arn: "a" }, { id: "remediate", arn: "b" }] },
    { region: "us-east-1", bus: "trailguard", name: "trailguard-self", state: "ENABLED", targets: [{ id: "slack", arn: "a" }, { id: "sns", arn: "c" }] },
    { region: "us-east-1", bus: "default", name: "trailguard-edge", state: "ENABLED", targets: [{ id: "hub", arn: HUB_BUS_ARN }] },
    { region: "eu-west-1", bus: "default", name: "trailguard-edge", state: "ENABLED", targets: [{ id: "hub", arn: HUB_BUS_ARN }] },
  ],
  connection: { state: "AUTHORIZED" },
  apiDestination: { state: "ACTIVE", endpointOk: true },
  queues: [{ region: "us-east-1", visible: 0 }, { region: "eu-west-1", visible: 0 }],
};

describe("problemsOf", () => {
  test("a healthy path has no problem", () => {
    expect(problemsOf(HEALTHY, SETTINGS, HUB_BUS_ARN)).toEqual([]);
  });

  test.each<[string, (o: Observations) => Observations, string[]]>([
    ["a disabled hub rule", (o) => ({ ...o, rules: [{ ...o.rules[0], state: "DISABLED" }, ...o.rules.slice(1)] }), ["rule trailguard-cloudtrail-tamper (bus trailguard, us-east-1) is DISABLED"]],
    [
      "a removed target",
      (o) => ({ ...o, rules: [{ ...o.rules[0], targets: [{ id: "slack", arn: "a" }] }, ...o.rules.slice(1)] }),
      ["rule trailguard-cloudtrail-tamper (bus trailguard, us-east-1) lost its target remediate"],
    ],
    [
      "an edge re-pointed at another bus",
      (o) => ({ ...o, rules: [...o.rules.slice(0, 3), { ...o.rules[3], targets: [{ id: "hub", arn: "arn:aws:events:eu-west-1:999999999999:event-bus/sink" }] }] }),
      ["rule trailguard-edge (default bus, eu-west-1) forwards to arn:aws:events:eu-west-1:999999999999:event-bus/sink, not to the hub bus"],
    ],
    [
      "an extra target added to a hub rule",
      (o) => ({ ...o, rules: [{ ...o.rules[0], targets: [...o.rules[0].targets!, { id: "copy", arn: "arn:aws:sqs:us-east-1:999999999999:sink" }] }, ...o.rules.slice(1)] }),
      ["rule trailguard-cloudtrail-tamper (bus trailguard, us-east-1) has an unexpected target copy (arn:aws:sqs:us-east-1:999999999999:sink)"],
    ],
    ["a deleted edge rule", (o) => ({ ...o, rules: [...o.rules.slice(0, 3), { region: "eu-west-1", bus: "default", name: "trailguard-edge", error: "ResourceNotFoundException" }] }), ["rule trailguard-edge (default bus, eu-west-1) is missing"]],
    ["a deauthorized connection", (o) => ({ ...o, connection: { state: "DEAUTHORIZED" } }), ["Slack connection trailguard-slack is DEAUTHORIZED, not AUTHORIZED"]],
    ["an inactive API destination", (o) => ({ ...o, apiDestination: { state: "INACTIVE", endpointOk: true } }), ["API destination trailguard-slack is INACTIVE, not ACTIVE"]],
    ["a re-pointed API destination", (o) => ({ ...o, apiDestination: { state: "ACTIVE", endpointOk: false } }), ["API destination trailguard-slack no longer points at Slack"]],
    ["dead letters in another region", (o) => ({ ...o, queues: [o.queues[0], { region: "eu-west-1", visible: 3 }] }), ["dead-letter queue trailguard-dlq (eu-west-1) holds 3 undelivered event(s)"]],
    ["a check it was not allowed to make", (o) => ({ ...o, connection: { error: "AccessDeniedException" } }), ["Slack connection trailguard-slack could not be checked: AccessDeniedException"]],
  ])("%s", (_label, change, expected) => {
    expect(problemsOf(change(HEALTHY), SETTINGS, HUB_BUS_ARN)).toEqual(expected);
  });
});

describe("problemsOf with digests: a rule ENABLED with the right target IDs can still be re-pointed", () => {
  const DLQ_US = `arn:aws:sqs:us-east-1:${ACCOUNT}:trailguard-dlq`;
  const DLQ_EU = `arn:aws:sqs:eu-west-1:${ACCOUNT}:trailguard-dlq`;
  const WITH_DIGESTS: SelfCheckSettings = {
    ...SETTINGS,
    digests: {
      "trailguard-cloudtrail-tamper": { pattern: "1111111111111111", targets: { slack: "aaaaaaaaaaaaaaaa", remediate: "bbbbbbbbbbbbbbbb" } },
      "trailguard-edge": { pattern: "2222222222222222", targets: { hub: "cccccccccccccccc" } },
    },
  };
  const SEEN: Observations = {
    ...HEALTHY,
    rules: [
      { ...HEALTHY.rules[0], patternDigest: "1111111111111111", targets: [{ id: "slack", arn: "a", digest: "aaaaaaaaaaaaaaaa", deadLetterArn: DLQ_US }, { id: "remediate", arn: "b", digest: "bbbbbbbbbbbbbbbb", deadLetterArn: DLQ_US }] },
      HEALTHY.rules[1],
      { ...HEALTHY.rules[2], patternDigest: "2222222222222222", targets: [{ id: "hub", arn: HUB_BUS_ARN, digest: "cccccccccccccccc", deadLetterArn: DLQ_US }] },
      { ...HEALTHY.rules[3], patternDigest: "2222222222222222", targets: [{ id: "hub", arn: HUB_BUS_ARN, digest: "cccccccccccccccc", deadLetterArn: DLQ_EU }] },
    ],
  };
  const tamper = (o: Observations, t: Partial<RuleObservation>) => ({ ...o, rules: [{ ...o.rules[0], ...t }, ...o.rules.slice(1)] });

  test("what the stack made has no problem", () => {
    expect(problemsOf(SEEN, WITH_DIGESTS, HUB_BUS_ARN)).toEqual([]);
  });

  test.each<[string, (o: Observations) => Observations, string[]]>([
    [
      "the Slack target pointed at another account's API destination",
      (o) => tamper(o, { targets: [{ id: "slack", arn: "arn:aws:events:us-east-1:999999999999:api-destination/sink/x", digest: "dddddddddddddddd", deadLetterArn: DLQ_US }, o.rules[0].targets![1]] }),
      ["rule trailguard-cloudtrail-tamper (bus trailguard, us-east-1): target slack was changed (ARN, role, input or retry policy); it points at arn:aws:events:us-east-1:999999999999:api-destination/sink/x"],
    ],
    [
      "the remediate target pointed at a no-op function",
      (o) => tamper(o, { targets: [o.rules[0].targets![0], { id: "remediate", arn: "arn:aws:lambda:us-east-1:123456789012:function:noop", digest: "eeeeeeeeeeeeeeee", deadLetterArn: DLQ_US }] }),
      ["rule trailguard-cloudtrail-tamper (bus trailguard, us-east-1): target remediate was changed (ARN, role, input or retry policy); it points at arn:aws:lambda:us-east-1:123456789012:function:noop"],
    ],
    [
      "the rule's pattern narrowed to match nothing",
      (o) => tamper(o, { patternDigest: "3333333333333333" }),
      ["rule trailguard-cloudtrail-tamper (bus trailguard, us-east-1) has another event pattern than trailguard gave it"],
    ],
    [
      "a target's dead-letter queue dropped",
      (o) => tamper(o, { targets: [{ ...o.rules[0].targets![0], deadLetterArn: undefined }, o.rules[0].targets![1]] }),
      [`rule trailguard-cloudtrail-tamper (bus trailguard, us-east-1): target slack sends what it cannot deliver to no dead-letter queue, not to ${DLQ_US}`],
    ],
    [
      "an edge in eu-west-1 re-pointed at the hub bus with another role",
      (o) => ({ ...o, rules: [...o.rules.slice(0, 3), { ...o.rules[3], targets: [{ id: "hub", arn: HUB_BUS_ARN, digest: "ffffffffffffffff", deadLetterArn: DLQ_EU }] }] }),
      [`rule trailguard-edge (default bus, eu-west-1): target hub was changed (ARN, role, input or retry policy); it points at ${HUB_BUS_ARN}`],
    ],
  ])("%s", (_label, change, expected) => {
    expect(problemsOf(change(SEEN), WITH_DIGESTS, HUB_BUS_ARN)).toEqual(expected);
  });

  test("the heartbeat's event holds each rule's digests in one short string, keyed by the name after the bus's", () => {
    const digests = { "cloudtrail-tamper": "1111111111111111 slack=aaaaaaaaaaaaaaaa remediate=bbbbbbbbbbbbbbbb", edge: "2222222222222222 hub=cccccccccccccccc" };
    expect(parseSelfCheckSettings(JSON.stringify(SETTINGS), { digests })).toEqual(WITH_DIGESTS);
    expect(() => parseSelfCheckSettings(JSON.stringify(SETTINGS), { digests: { edge: "2222222222222222 hub" } })).toThrow(
      `the heartbeat event's digests: edge must be "<pattern> <target id>=<digest> ..."`,
    );
  });
});

test("the settings parse back, and a broken value names its field", () => {
  expect(parseSelfCheckSettings(JSON.stringify(SETTINGS))).toEqual(SETTINGS);
  expect(parseSelfCheckSettings(undefined)).toBeUndefined();
  expect(() => parseSelfCheckSettings(JSON.stringify({ ...SETTINGS, regions: "us-east-1" }))).toThrow("TRAILGUARD_SELFCHECK: regions must be a list of regions");
});

test("the Slack message escapes what it lists and fits Block Kit", () => {
  const payload = selfCheckSlackPayload(["rule <x> & y is DISABLED"], ACCOUNT, "C0123ABCDEF") as any;
  expectValidBlockKit(payload);
  expect(payload.blocks[1].text.text).toBe("• rule &lt;x&gt; &amp; y is DISABLED");
});

// The bundled heartbeat over real HTTP: the fake answers as a broken alert path would.
let broken = true;
const fake = new FakeAws((req: SeenRequest) => {
  const rule = (name: string, state: string) => ({ body: { Name: name, State: state, Arn: `arn:aws:events:${req.region}:${ACCOUNT}:rule/${name}` } });
  switch (req.op) {
    case "AWSEvents.DescribeRule":
      return rule(req.body.Name, broken && req.body.Name === "trailguard-self" ? "DISABLED" : "ENABLED");
    case "AWSEvents.ListTargetsByRule": {
      const ids = req.body.EventBusName === "default" ? ["hub"] : SETTINGS.hubRules[req.body.Rule];
      const kept = broken && req.body.Rule === "trailguard-cloudtrail-tamper" ? ids.filter((i) => i !== "remediate") : ids;
      return { body: { Targets: kept.map((Id) => ({ Id, Arn: Id === "hub" ? HUB_BUS_ARN : `arn:aws:x:${Id}` })) } };
    }
    case "AWSEvents.DescribeConnection":
      return { body: { Name: "trailguard-slack", ConnectionState: broken ? "DEAUTHORIZED" : "AUTHORIZED" } };
    case "AWSEvents.DescribeApiDestination":
      return { body: { Name: "trailguard-slack", ApiDestinationState: broken ? "INACTIVE" : "ACTIVE", InvocationEndpoint: "https://slack.com/api/chat.postMessage" } };
    case "AmazonSQS.GetQueueAttributes":
      return { body: { Attributes: { ApproximateNumberOfMessages: broken && req.region === "eu-west-1" ? "2" : "0" } } };
    case "AWSEvents.PutEvents":
      return { body: { FailedEntryCount: 0, Entries: [{ EventId: "e-1" }] } };
    default:
      return undefined;
  }
});
let endpoint: string;
beforeAll(async () => {
  endpoint = await fake.start();
});
afterAll(() => fake.stop());

/** The heartbeat bundle, run once against `at` with this self-check and this scheduled event's extra fields. */
const heartbeatRun = (at: string, extra: Record<string, unknown> = {}, selfCheck: object = SETTINGS) =>
  invokeBundle("heartbeat", { id: "sched-1", account: ACCOUNT, region: "us-east-1", "detail-type": "Scheduled Event", ...extra }, {
    endpoint: at,
    region: "us-east-1",
    env: {
      AWS_MAX_ATTEMPTS: "1",
      TRAILGUARD_SETTINGS: JSON.stringify({ mode: "enforce", recreateDeletedTrails: false, trails: [], slackChannel: "C0123ABCDEF", reportEventBus: "trailguard" }),
      TRAILGUARD_SELFCHECK: JSON.stringify(selfCheck),
    },
  });
const invokeHeartbeat = () => heartbeatRun(endpoint);

/** The embedded-metric-format line of a run: the count the `self-check` alarm sends to SNS. */
const metricLine = (run: BundleRun) => run.lines.find((l) => "_aws" in l)!;

test("heartbeat bundle: a broken path (rule DISABLED, target gone, connection DEAUTHORIZED, destination INACTIVE, dead letters) is counted for the alarm and sent to Slack", async () => {
  broken = true;
  fake.seen.length = 0;
  const run = await invokeHeartbeat();
  expect(run.outcome).toBe("resolved");
  // Every region's edge and queue was looked at, signed for that region.
  expect(fake.seen.filter((r) => r.op === "AmazonSQS.GetQueueAttributes").map((r) => r.region).sort()).toEqual(["eu-west-1", "us-east-1"]);
  expect(fake.seen.filter((r) => r.op === "AWSEvents.DescribeRule" && r.body.EventBusName === "default").map((r) => r.region).sort()).toEqual(["eu-west-1", "us-east-1"]);
  const line = metricLine(run);
  expect(line).toMatchObject({ Stack: "trailguard", SelfCheckProblems: 5, level: "error", message: "self-check found problems" });
  expect(line._aws.CloudWatchMetrics).toEqual([{ Namespace: "trailguard", Dimensions: [["Stack"]], Metrics: [{ Name: "SelfCheckProblems", Unit: "Count" }] }]);
  expect(line.problems).toEqual([
    "rule trailguard-cloudtrail-tamper (bus trailguard, us-east-1) lost its target remediate",
    "rule trailguard-self (bus trailguard, us-east-1) is DISABLED",
    "Slack connection trailguard-slack is DEAUTHORIZED, not AUTHORIZED",
    "API destination trailguard-slack is INACTIVE, not ACTIVE",
    "dead-letter queue trailguard-dlq (eu-west-1) holds 2 undelivered event(s)",
  ]);
  const put = fake.seen.find((r) => r.op === "AWSEvents.PutEvents")!;
  expect(put.body.Entries[0]).toMatchObject({ EventBusName: "trailguard", Source: "trailguard", DetailType: "Trailguard Remediation" });
  const slack = JSON.parse(put.body.Entries[0].Detail).slack;
  expect(slack.channel).toBe("C0123ABCDEF");
  expectValidBlockKit(slack);
});

test("heartbeat bundle: a healthy path counts zero and sends nothing", async () => {
  broken = false;
  fake.seen.length = 0;
  const run = await invokeHeartbeat();
  expect(run.outcome).toBe("resolved");
  expect(fake.seen.filter((r) => r.op === "AWSEvents.PutEvents")).toEqual([]);
  expect(metricLine(run)).toMatchObject({ SelfCheckProblems: 0, message: "self-check passed" });
});

test("heartbeat bundle: the digests the schedule sends are checked against what ListTargetsByRule returns", async () => {
  broken = false;
  fake.seen.length = 0;
  // The fake's tamper rule has no pattern ("none") and targets of ARN only: slack's digest matches (computed
  // with terraform console), remediate's was made for another target; neither has a dead-letter queue.
  const run = await heartbeatRun(endpoint, { digests: { "cloudtrail-tamper": "none slack=99f937d023f8e499 remediate=0000000000000000" } });
  expect(run.outcome).toBe("resolved");
  expect(metricLine(run).problems).toEqual([
    "rule trailguard-cloudtrail-tamper (bus trailguard, us-east-1): target slack sends what it cannot deliver to no dead-letter queue, not to arn:aws:sqs:us-east-1:123456789012:trailguard-dlq",
    "rule trailguard-cloudtrail-tamper (bus trailguard, us-east-1): target remediate was changed (ARN, role, input or retry policy); it points at arn:aws:x:remediate",
    "rule trailguard-cloudtrail-tamper (bus trailguard, us-east-1): target remediate sends what it cannot deliver to no dead-letter queue, not to arn:aws:sqs:us-east-1:123456789012:trailguard-dlq",
  ]);
});

describe("heartbeat bundle: the Lambdas and the independent path, over real HTTP", () => {
  const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const TOPIC = "arn:aws:sns:us-east-1:123456789012:trailguard-alarms";
  const sns = (op: string, result: string) =>
    `<${op}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><${op}Result>${result}</${op}Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></${op}Response>`;
  const guards = new FakeAws((req: SeenRequest) => {
    switch (req.op) {
      case "GET /2015-03-31/functions/trailguard-remediate":
        return { body: { Configuration: { FunctionName: "trailguard-remediate", CodeSha256: "DEPLOYEDcodeSHA256", Role: "arn:aws:iam::123456789012:role/attacker", Environment: { Variables: { TRAILGUARD_SETTINGS: "{}" } } }, Concurrency: { ReservedConcurrentExecutions: 0 } } };
      case "GET /2015-03-31/functions/trailguard-heartbeat":
        return { body: { Configuration: { FunctionName: "trailguard-heartbeat", CodeSha256: "HEARTBEATcodeSHA256", Role: "arn:aws:iam::123456789012:role/trailguard-heartbeat", Environment: { Variables: {} } } } };
      case "GetTopicAttributes":
        return { xml: sns("GetTopicAttributes", `<Attributes><entry><key>TopicArn</key><value>${TOPIC}</value></entry><entry><key>KmsMasterKeyId</key><value>${KEY}</value></entry></Attributes>`) };
      case "ListSubscriptionsByTopic":
        return { xml: sns("ListSubscriptionsByTopic", `<Subscriptions><member><SubscriptionArn>PendingConfirmation</SubscriptionArn><Protocol>email</Protocol><Endpoint>secops@example.com</Endpoint><TopicArn>${TOPIC}</TopicArn><Owner>123456789012</Owner></member></Subscriptions>`) };
      case "TrentService.DescribeKey":
        return { body: { KeyMetadata: { KeyId: "1234abcd-12ab-34cd-56ef-1234567890ab", Arn: KEY, KeyState: "PendingDeletion" } } };
      default:
        return fake["respond"](req);
    }
  });
  let guardEndpoint = "";
  beforeAll(async () => {
    guardEndpoint = await guards.start();
  });
  afterAll(() => guards.stop());

  test("a re-roled remediate Lambda with zero concurrency, a key pending deletion and nobody subscribed are each a problem", async () => {
    broken = false;
    // The heartbeat's settings with no digests of the fake's empty function environment: {} is 44136fa355b3678a (terraform console: substr(sha256(jsonencode({})), 0, 16)).
    const run = await heartbeatRun(
      guardEndpoint,
      {
        functions: {
          remediate: { code: "DEPLOYEDcodeSHA256", role: "arn:aws:iam::123456789012:role/trailguard-remediation", env: "0000000000000000", concurrency: 1 },
          heartbeat: { code: "HEARTBEATcodeSHA256", role: "arn:aws:iam::123456789012:role/trailguard-heartbeat", env: "44136fa355b3678a", concurrency: -1 },
        },
        alarmKey: KEY,
      },
      { ...SETTINGS, alarmTopic: "trailguard-alarms", expectSubscriber: true },
    );
    expect(run.outcome).toBe("resolved");
    expect(metricLine(run).problems).toEqual([
      "Lambda trailguard-remediate runs as arn:aws:iam::123456789012:role/attacker, not arn:aws:iam::123456789012:role/trailguard-remediation",
      "Lambda trailguard-remediate has other environment variables than trailguard set",
      "Lambda trailguard-remediate has reserved concurrency 0, not 1: it cannot run",
      `the alarm topic's key ${KEY} is PendingDeletion, not Enabled: the topic cannot deliver`,
      `alarm topic ${TOPIC} has no confirmed subscription: alarms and self-alerts reach nobody`,
    ]);
    // Every guard call was signed for the home region, by the service it went to.
    expect(guards.seen.filter((r) => /functions|Topic|Subscriptions|DescribeKey/.test(r.op)).map((r) => `${r.service} ${r.region}`).sort()).toEqual([
      "kms us-east-1",
      "lambda us-east-1",
      "lambda us-east-1",
      "sns us-east-1",
      "sns us-east-1",
    ]);
  });
});
