import { DescribeApiDestinationCommand, DescribeConnectionCommand, DescribeRuleCommand, ListTargetsByRuleCommand, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { awsError, bounded, clientCache, Clients } from "./aws";
import { clientOptions, type Clock, unboundedClock } from "./budget";
import type { Logger } from "./log";
import { escapeMrkdwn, REPORT_DETAIL_TYPE, REPORT_SOURCE, truncate } from "./report";
import { edgeRegions, SELF_CHECK_METRIC, type SelfCheckSettings, slackProbeSecretOf } from "./self-check-settings";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { observeSlackToken, type SlackProbeClients, type SlackTokenObservation, slackTokenProblems } from "./slack-probe";
import { patternDigest, targetDigest } from "./self-check-digest";
import { KMSClient } from "@aws-sdk/client-kms";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SNSClient } from "@aws-sdk/client-sns";
import { alarmTopicProblems, type AlarmTopicObservation, functionProblems, type FunctionObservation, type GuardClients, observeAlarmTopic, observeFunction } from "./self-check-guards";

/**
 * The alert path checks itself on the heartbeat's schedule: every hub and edge rule ENABLED with its
 * targets (the edges still pointing at the hub bus), the Slack connection AUTHORIZED, the API destination
 * ACTIVE and still pointing at Slack, and no dead letters waiting in any region (CloudWatch alarms can
 * only watch the home region's queue). Every run logs its number of problems as a CloudWatch metric
 * (embedded metric format: a log line, no SDK client), which an alarm sends to the SNS topic, the
 * independent path; the problems themselves go to the log and, where the hub still works, to Slack.
 */


/** The self-check's clients besides CloudTrail and EventBridge (only the heartbeat bundles them). */
export interface SelfCheckClients extends Clients, GuardClients, SlackProbeClients {
  sqs(region: string): SQSClient;
}

/** Made per invocation: the SQS clients take this invocation's clock (timeouts, retries, budget). */
export function selfCheckClients(base: Clients, clock: Clock, home: string): SelfCheckClients {
  const once = clientCache();
  return {
    cloudTrail: base.cloudTrail,
    events: base.events,
    // The client's own regional endpoint, not the host in the queue URL: the URL is built from the region
    // anyway, and an endpoint override (a VPC endpoint, a test server) must apply to every call.
    sqs: (region) => once(`sqs:${region}`, () => bounded(new SQSClient({ ...clientOptions(region), useQueueUrlAsEndpoint: false }), clock)),
    // The Lambdas, the topic and its key are in the home region, the Lambda's own.
    lambda: () => once("lambda", () => bounded(new LambdaClient(clientOptions(home)), clock)),
    sns: () => once("sns", () => bounded(new SNSClient(clientOptions(home)), clock)),
    kms: () => once("kms", () => bounded(new KMSClient(clientOptions(home)), clock)),
    // The probe's secret is in the home region too; the HTTP call to Slack is global fetch (slack-probe.ts).
    secretsManager: () => once("secretsmanager", () => bounded(new SecretsManagerClient(clientOptions(home)), clock)),
  };
}

/** What the Describe/List calls saw. A call that failed keeps its AWS error code instead. */
export interface Observations {
  readonly rules: readonly RuleObservation[];
  readonly connection: { readonly state?: string; readonly error?: string };
  /** `endpointOk` only: the endpoint may be a webhook URL, a secret that must not leave this module. */
  readonly apiDestination: { readonly state?: string; readonly endpointOk?: boolean; readonly error?: string };
  readonly queues: readonly { readonly region: string; readonly visible?: number; readonly error?: string }[];
  /** The Lambdas, when the heartbeat's event says what they must be. */
  readonly functions?: readonly FunctionObservation[];
  readonly alarmTopic?: AlarmTopicObservation;
  /** The Slack bot token, as auth.test judged it (bot-token mode only). */
  readonly slackToken?: SlackTokenObservation;
}

export interface RuleObservation {
  readonly region: string;
  readonly bus: string;
  readonly name: string;
  readonly state?: string;
  /** The digest of the event pattern DescribeRule returned (self-check-digest.ts). */
  readonly patternDigest?: string;
  readonly targets?: readonly TargetObservation[];
  readonly error?: string;
}

export interface TargetObservation {
  readonly id: string;
  readonly arn: string;
  /** ARN, role, input and retry policy, as a digest (self-check-digest.ts). */
  readonly digest?: string;
  /** Where the target sends what it cannot deliver. */
  readonly deadLetterArn?: string;
}

interface Ctx {
  readonly clients: SelfCheckClients;
  readonly settings: SelfCheckSettings;
  readonly home: string;
  readonly account: string;
  /** The invocation's time budget (the Slack probe's HTTP call is not an SDK call, so it is bounded here). */
  readonly clock?: Clock;
}

const attempt = async <T>(call: () => Promise<T>): Promise<T | { error: string }> => {
  try {
    return await call();
  } catch (e) {
    return { error: awsError(e).code };
  }
};

async function observeRule(ctx: Ctx, region: string, bus: string, name: string): Promise<RuleObservation> {
  const events = ctx.clients.events(region);
  const described = await attempt(() => events.send(new DescribeRuleCommand({ Name: name, EventBusName: bus })));
  if ("error" in described) return { region, bus, name, error: described.error };
  const listed = await attempt(() => events.send(new ListTargetsByRuleCommand({ Rule: name, EventBusName: bus })));
  if ("error" in listed) return { region, bus, name, state: described.State, error: listed.error };
  return {
    region,
    bus,
    name,
    state: described.State,
    patternDigest: patternDigest(described.EventPattern),
    targets: (listed.Targets ?? []).map((t) => ({ id: t.Id ?? "", arn: t.Arn ?? "", digest: targetDigest(t), deadLetterArn: t.DeadLetterConfig?.Arn })),
  };
}

/** Every Describe/List call the check needs, region by region in parallel. */
export async function observe(ctx: Ctx): Promise<Observations> {
  const { settings: s, clients, home, account } = ctx;
  const events = clients.events(home);
  const rules = Promise.all([
    ...Object.keys(s.hubRules).map((name) => observeRule(ctx, home, s.hubBus, name)),
    ...Object.keys(s.edgeRules).flatMap((name) => edgeRegions(s, name).map((region) => observeRule(ctx, region, "default", name))),
  ]);
  const connection = attempt(() => events.send(new DescribeConnectionCommand({ Name: s.connection })));
  const destination = attempt(() => events.send(new DescribeApiDestinationCommand({ Name: s.apiDestination })));
  const queues = Promise.all(
    s.regions.map(async (region) => {
      const url = `https://sqs.${region}.amazonaws.com/${account}/${s.deadLetterQueue}`;
      const out = await attempt(() => clients.sqs(region).send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages"] })));
      return "error" in out ? { region, error: out.error } : { region, visible: Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) };
    }),
  );
  const functions = s.functions ? Promise.all(Object.keys(s.functions).map((name) => observeFunction(clients, name))) : undefined;
  const alarmTopic = s.alarmTopic ? observeAlarmTopic(clients, `arn:aws:sns:${home}:${account}:${s.alarmTopic}`, s.alarmKey) : undefined;
  const probeSecret = slackProbeSecretOf(s);
  const slackToken = probeSecret ? observeSlackToken(clients, probeSecret, ctx.clock ?? unboundedClock) : undefined;
  const c = await connection;
  const d = await destination;
  const endpointOk = (endpoint?: string) =>
    endpoint !== undefined && ("equals" in s.endpoint ? endpoint === s.endpoint.equals : endpoint.startsWith(s.endpoint.startsWith));
  return {
    rules: await rules,
    connection: "error" in c ? { error: c.error } : { state: c.ConnectionState },
    apiDestination: "error" in d ? { error: d.error } : { state: d.ApiDestinationState, endpointOk: endpointOk(d.InvocationEndpoint) },
    queues: await queues,
    ...(functions ? { functions: await functions } : {}),
    ...(alarmTopic ? { alarmTopic: await alarmTopic } : {}),
    ...(slackToken ? { slackToken: await slackToken } : {}),
  };
}

/** What is wrong, one line each, most specific first. Pure: the tests feed it observations. */
export function problemsOf(o: Observations, s: SelfCheckSettings, hubBusArn: string): string[] {
  const problems: string[] = [];
  for (const r of o.rules) {
    const where = `rule ${r.name} (${r.bus === "default" ? "default bus" : `bus ${r.bus}`}, ${r.region})`;
    if (r.error === "ResourceNotFoundException") problems.push(`${where} is missing`);
    else if (r.error) problems.push(`${where} could not be checked: ${r.error}`);
    if (r.state !== undefined && r.state !== "ENABLED") problems.push(`${where} is ${r.state}`);
    if (!r.targets) continue;
    const expected = r.bus === "default" ? ["hub"] : (s.hubRules[r.name] ?? []);
    for (const id of expected) if (!r.targets.some((t) => t.id === id)) problems.push(`${where} lost its target ${id}`);
    const hub = r.targets.find((t) => t.id === "hub");
    if (r.bus === "default" && hub && hub.arn !== hubBusArn) problems.push(`${where} forwards to ${hub.arn}, not to the hub bus`);
    for (const t of r.targets) if (!expected.includes(t.id)) problems.push(`${where} has an unexpected target ${t.id} (${t.arn})`);
    problems.push(...digestProblems(r, s, where, hubBusArn.split(":")[4]));
  }
  if (o.connection.error) problems.push(`Slack connection ${s.connection} could not be checked: ${o.connection.error}`);
  else if (o.connection.state !== "AUTHORIZED") problems.push(`Slack connection ${s.connection} is ${o.connection.state ?? "in no state"}, not AUTHORIZED`);
  if (o.apiDestination.error) problems.push(`API destination ${s.apiDestination} could not be checked: ${o.apiDestination.error}`);
  else {
    if (o.apiDestination.state !== "ACTIVE") problems.push(`API destination ${s.apiDestination} is ${o.apiDestination.state ?? "in no state"}, not ACTIVE`);
    if (!o.apiDestination.endpointOk) problems.push(`API destination ${s.apiDestination} no longer points at Slack`);
  }
  for (const q of o.queues) {
    if (q.error) problems.push(`dead-letter queue ${s.deadLetterQueue} (${q.region}) could not be checked: ${q.error}`);
    else if ((q.visible ?? 0) > 0) problems.push(`dead-letter queue ${s.deadLetterQueue} (${q.region}) holds ${q.visible} undelivered event(s)`);
  }
  for (const f of o.functions ?? []) {
    const want = s.functions?.[f.name];
    if (want) problems.push(...functionProblems(f, want));
  }
  if (o.alarmTopic) problems.push(...alarmTopicProblems(o.alarmTopic, s));
  if (o.slackToken) problems.push(...slackTokenProblems(o.slackToken, s.slackProbeSecret ?? "(none)"));
  return problems;
}

/**
 * What the digests say of a rule that is ENABLED with the right target IDs: its pattern, each target's ARN,
 * role, input and retry policy, and each target's dead-letter queue (`<name>` in the rule's region).
 */
function digestProblems(r: RuleObservation, s: SelfCheckSettings, where: string, account: string): string[] {
  const want = s.digests?.[r.name];
  if (!want || !r.targets) return [];
  const problems: string[] = [];
  if (r.patternDigest !== want.pattern) problems.push(`${where} has another event pattern than trailguard gave it`);
  const dlq = `arn:aws:sqs:${r.region}:${account}:${s.deadLetterQueue}`;
  for (const t of r.targets) {
    const digest = want.targets[t.id];
    if (digest === undefined) continue; // an unexpected target, reported above
    if (t.digest !== digest) problems.push(`${where}: target ${t.id} was changed (ARN, role, input or retry policy); it points at ${t.arn}`);
    if (t.deadLetterArn !== dlq) problems.push(`${where}: target ${t.id} sends what it cannot deliver to ${t.deadLetterArn ?? "no dead-letter queue"}, not to ${dlq}`);
  }
  return problems;
}

/** The Slack message for the problems, built in code (names come from AWS; escaped all the same). */
export function selfCheckSlackPayload(problems: readonly string[], account: string, channel?: string): Record<string, unknown> {
  const headline = `:rotating_light: trailguard self-check: ${problems.length} problem${problems.length === 1 ? "" : "s"} in the alert path`;
  return {
    ...(channel ? { channel } : {}),
    text: escapeMrkdwn(truncate(`trailguard self-check in account ${account}: ${problems.join("; ")}`, 3000)),
    unfurl_links: false,
    blocks: [
      { type: "header", text: { type: "plain_text", text: truncate(headline, 150), emoji: true } },
      { type: "section", text: { type: "mrkdwn", text: truncate(problems.map((p) => `• ${escapeMrkdwn(p)}`).join("\n"), 3000) } },
      { type: "context", elements: [{ type: "mrkdwn", text: `trailguard self-check · account ${escapeMrkdwn(account)}` }] },
    ],
  };
}

export interface SelfCheckDeps {
  readonly clients: SelfCheckClients;
  readonly log: Logger;
  readonly slackChannel?: string;
  /** The invocation's time budget; unbounded when not given. */
  readonly clock?: Clock;
}

/**
 * One log line in CloudWatch's embedded metric format: CloudWatch Logs turns it into the metric
 * (Amazon CloudWatch User Guide, "Specification: Embedded metric format",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 */
export function problemsMetric(stack: string, problems: number, now: Date): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: now.getTime(),
      CloudWatchMetrics: [
        { Namespace: SELF_CHECK_METRIC.namespace, Dimensions: [[SELF_CHECK_METRIC.dimension]], Metrics: [{ Name: SELF_CHECK_METRIC.name, Unit: "Count" }] },
      ],
    },
    [SELF_CHECK_METRIC.dimension]: stack,
    [SELF_CHECK_METRIC.name]: problems,
  };
}

/** Observe, judge, count the problems into the metric, and tell Slack what they are. Returns them. */
export async function runSelfCheck(deps: SelfCheckDeps, s: SelfCheckSettings, account: string, home: string): Promise<string[]> {
  const observations = await observe({ clients: deps.clients, settings: s, home, account, clock: deps.clock });
  const problems = problemsOf(observations, s, `arn:aws:events:${home}:${account}:event-bus/${s.hubBus}`);
  const metric = problemsMetric(s.hubBus, problems.length, new Date());
  if (problems.length === 0) {
    deps.log.log("info", "self-check passed", { ...metric, rules: observations.rules.length, regions: s.regions.length });
    return problems;
  }
  deps.log.log("error", "self-check found problems", { ...metric, problems });
  try {
    await deps.clients.events(home).send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: s.hubBus,
            Source: REPORT_SOURCE,
            DetailType: REPORT_DETAIL_TYPE,
            Detail: JSON.stringify({ trigger: "self-check", problems, slack: selfCheckSlackPayload(problems, account, deps.slackChannel) }),
          },
        ],
      }),
    );
  } catch (e) {
    deps.log.log("error", "could not send the self-check result to the hub bus", { errorCode: awsError(e).code });
  }
  return problems;
}
