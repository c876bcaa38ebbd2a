/**
 * First contact with an AWS API we did not write: the stack applied to moto (an AWS emulator), CloudTrail
 * records routed from a region's default bus through the edge to the hub's rules, the shipped remediate
 * bundle restoring trails in moto's CloudTrail, then everything destroyed. moto's own gaps are patched in
 * helpers/e2e/moto_server.py (each citing the AWS behaviour it restores); the "stock moto" tests below
 * assert each gap is still there, so a patch goes the day moto fixes it.
 *
 * `npm test` runs this when moto_server is found and says why when it skips; CI sets TRAILGUARD_E2E=required,
 * so a missing moto fails there. `npm run e2e` runs this file alone. To see the suite fail when routing
 * breaks: TRAILGUARD_E2E_BREAK_EDGE=eu-west-1 npm run e2e (the edge rule of eu-west-1 loses its target)
 */
import { CloudTrailClient, CreateTrailCommand, DeleteTrailCommand, GetTrailCommand, GetTrailStatusCommand, StartLoggingCommand, StopLoggingCommand, UpdateTrailCommand } from "@aws-sdk/client-cloudtrail";
import { EventBridgeClient, ListTargetsByRuleCommand, PutEventsCommand, RemoveTargetsCommand } from "@aws-sdk/client-eventbridge";
import { GetFunctionConfigurationCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { TrailguardConfigInput } from "../modules/config";
import { DEFAULT_INCLUDE } from "../modules/detections/groups";
import { evaluateInputTransformer } from "../modules/eventbridge/input-transformer";
import { structureProblems } from "../modules/eventbridge/payload-structure";
import { MOTO_ACCOUNT } from "./helpers/e2e/for-moto";
import { Moto } from "./helpers/e2e/moto";
import { drainObserved, E2E_SLACK_TOKEN, e2eAvailability, MOTO_CREDENTIALS } from "./helpers/e2e/observed";
import { MotoStack } from "./helpers/e2e/stack";
import { ALARM_KEY, asTrailguardOwn, type CloudTrailEvent, loadFixture, readOnly } from "./helpers/fixtures";
import { invokeBundle } from "./helpers/invoke-bundle";

const { python, unavailable } = e2eAvailability();
if (unavailable) console.warn(`e2e skipped: ${unavailable}`);

const HOME = "us-east-1";
const REGIONS = ["us-east-1", "eu-west-1", "sa-east-1"];
const CHANNEL = "C0123ABCDEF";
const BUCKET = "acme-cloudtrail-logs";
const LISTED = "org-audit-trail";
const CONFIG: TrailguardConfigInput = {
  homeRegion: HOME,
  regions: REGIONS,
  slack: { channel: CHANNEL },
  trails: [{ name: LISTED, s3Bucket: BUCKET, multiRegion: true, logFileValidation: true }],
  remediation: { mode: "enforce", heartbeatMinutes: 5, recreateDeletedTrails: true },
  detections: { include: [...DEFAULT_INCLUDE, "adjacent"] },
  tags: { Owner: "security" },
} as TrailguardConfigInput;

const describeE2e = unavailable ? describe.skip : describe;
if (unavailable) test.skip(`e2e skipped: ${unavailable}`, () => undefined);

describeE2e("trailguard against moto (apply, route, remediate, destroy)", () => {
  let moto: Moto;
  let stack: MotoStack;
  const times: Record<string, number> = {};
  const client = <T>(C: new (c: object) => T, region: string): T => new C({ region, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });

  beforeAll(async () => {
    moto = await Moto.start({ python: python! });
    stack = new MotoStack(CONFIG, { endpoint: moto.endpoint, secrets: { slack_token: E2E_SLACK_TOKEN } });
    times.init = stack.ok(["init", "-input=false"], 120_000).seconds;
    // moto's CloudTrail wants the trail's bucket to exist; the listed trail is logging, as in a real account.
    await createTrail(LISTED, HOME, true);
    times.apply = stack.ok(["apply", "-auto-approve", "-input=false", "-parallelism=30"], 300_000).seconds;
    // To see the suite fail when routing breaks: remove that region's edge target after apply.
    const broken = process.env.TRAILGUARD_E2E_BREAK_EDGE;
    if (broken) await client(EventBridgeClient, broken).send(new RemoveTargetsCommand({ Rule: "trailguard-edge", Ids: ["hub"] }));
  }, 480_000);

  afterAll(async () => {
    if (moto) await moto.stop();
    console.log(`e2e times (s): ${JSON.stringify(times)}`);
  }, 30_000);

  async function createTrail(name: string, region: string, multiRegion: boolean) {
    spawnSync(python!, ["-c", `import boto3; boto3.client("s3", region_name="us-east-1", endpoint_url="${moto.endpoint}", aws_access_key_id="k", aws_secret_access_key="s").create_bucket(Bucket="${BUCKET}")`], { timeout: 20_000 });
    const ct = client(CloudTrailClient, region);
    await ct.send(new CreateTrailCommand({ Name: name, S3BucketName: BUCKET, IsMultiRegionTrail: multiRegion, EnableLogFileValidation: true }));
    await ct.send(new StartLoggingCommand({ Name: name }));
  }

  test("apply creates every resource, each region's edge in its own region", () => {
    const addresses = stack.ok(["state", "list"], 60_000).stdout.trim().split("\n");
    // 4 per region (edge rule and target, dead-letter queue and policy) × 3, the global-service edge rule and
    // target in us-east-1, and 68 in the hub (this config adds the adjacent family's rules).
    expect(addresses.length).toBe(82);
    for (const r of REGIONS) {
      const suffix = r.replace(/-/g, "_");
      expect(addresses).toEqual(expect.arrayContaining([`aws_cloudwatch_event_rule.edge__${suffix}`, `aws_cloudwatch_event_target.edge_hub__${suffix}`, `aws_sqs_queue.dlq__${suffix}`]));
    }
  });

  test("a second plan right after apply has nothing to do", () => {
    const plan = stack.run(["plan", "-input=false", "-detailed-exitcode", "-parallelism=30"], 180_000);
    times.secondPlan = plan.seconds;
    // 0: no changes; 2: changes (listed in the failure).
    expect({ status: plan.status, changes: plan.stdout.split("\n").filter((l) => /^\s+# .* (will|must) be/.test(l)) }).toEqual({ status: 0, changes: [] });
  }, 200_000);

  /** What the observed targets of `region` received since the last call. */
  const drain = (region = HOME) => drainObserved(client(SQSClient, region));

  /** The record as AWS puts it on `region`'s default bus: that region and moto's account. */
  async function emit(event: CloudTrailEvent, region: string): Promise<void> {
    const detail = { ...event.detail, awsRegion: region, recipientAccountId: MOTO_ACCOUNT };
    const r = await client(EventBridgeClient, region).send(new PutEventsCommand({ Entries: [{ Source: event.source, DetailType: event["detail-type"], Detail: JSON.stringify(detail) }] }));
    expect(r.FailedEntryCount).toBe(0);
  }

  async function deadLetters(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const region of REGIONS) {
      const sqs = client(SQSClient, region);
      const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: "trailguard-dlq" }))).QueueUrl!;
      const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages"] }));
      out[region] = Number(a.Attributes!.ApproximateNumberOfMessages);
    }
    return out;
  }

  const transformers = new Map<string, { inputPaths: Record<string, string>; inputTemplate: string }>();
  async function transformerOf(key: string) {
    if (!transformers.has(key)) {
      const [rule, id] = key.split(":");
      const { Targets } = await client(EventBridgeClient, HOME).send(new ListTargetsByRuleCommand({ Rule: rule, EventBusName: "trailguard" }));
      const t = Targets!.find((x) => x.Id === id)!.InputTransformer!;
      transformers.set(key, { inputPaths: t.InputPathsMap ?? {}, inputTemplate: t.InputTemplate! });
    }
    return transformers.get(key)!;
  }

  const bucketOf = (name: string) => (e: CloudTrailEvent) => {
    const copy = structuredClone(e);
    copy.detail.requestParameters.bucketName = name;
    return copy;
  };
  const same = (e: CloudTrailEvent) => e;
  let alarmKey = { arn: "", id: "" };
  const ownAlarmKey = (e: CloudTrailEvent) => JSON.parse(JSON.stringify(asTrailguardOwn(e)).split(ALARM_KEY.arn).join(alarmKey.arn).split(ALARM_KEY.id).join(alarmKey.id));

  // Each family's record, on the default bus of a region that is not the hub's (global services: us-east-1,
  // where AWS delivers them), and the hub rule targets it must reach: nothing more, nothing less.
  const ROUTES: [string, string, string, (e: CloudTrailEvent) => CloudTrailEvent, string[]][] = [
    ["trail: StopLogging", "stop-logging", "eu-west-1", same, ["trailguard-cloudtrail-tamper:remediate", "trailguard-cloudtrail-tamper:slack"]],
    ["trail: PutEventSelectors", "put-event-selectors", "sa-east-1", same, ["trailguard-cloudtrail-tamper:remediate", "trailguard-cloudtrail-tamper:slack"]],
    ["trail: a denied StopLogging (attempt)", "stop-logging-access-denied", "sa-east-1", same, ["trailguard-cloudtrail-tamper-attempt:slack"]],
    // The remediate Lambda gets every tamper event; it restores trails only (CloudTrail Lake is reported).
    ["trail: CloudTrail Lake ingestion stopped", "catalog/trail/stop-event-data-store-ingestion", "eu-west-1", same, ["trailguard-cloudtrail-tamper:remediate", "trailguard-cloudtrail-tamper:slack"]],
    ["delivery: the trail bucket deleted", "catalog/delivery/delete-bucket", "eu-west-1", bucketOf(BUCKET), ["trailguard-delivery:slack"]],
    ["delivery (global): CloudTrail's trusted access disabled", "catalog/delivery/disable-aws-service-access-cloudtrail", "us-east-1", same, ["trailguard-delivery-global:slack"]],
    ["self: trailguard's rule deleted", "catalog/self/delete-rule", "sa-east-1", asTrailguardOwn, ["trailguard-self:slack", "trailguard-self:sns"]],
    ["self (global): trailguard's role deleted", "catalog/self/delete-role", "us-east-1", asTrailguardOwn, ["trailguard-self-global:slack", "trailguard-self-global:sns"]],
    // The listed trail names no kmsKeyId, so the delivery family watches every key, this one too.
    ["self: the alarm topic's key scheduled for deletion", "catalog/self/schedule-key-deletion", "us-east-1", ownAlarmKey, ["trailguard-delivery:slack", "trailguard-self-2:slack", "trailguard-self-2:sns"]],
    ["adjacent: VPC flow logs deleted", "catalog/adjacent/delete-flow-logs", "eu-west-1", same, ["trailguard-adjacent:slack"]],
  ];
  const NEAR_MISSES: [string, string, string, (e: CloudTrailEvent) => CloudTrailEvent][] = [
    ["an EC2 call", "run-instances", "eu-west-1", same],
    ["a read-only CloudTrail call", "stop-logging", "eu-west-1", readOnly],
    ["another bucket deleted", "catalog/delivery/delete-bucket", "eu-west-1", bucketOf("someone-elses-bucket")],
    ["another rule deleted", "catalog/self/delete-rule", "sa-east-1", same],
    ["another role deleted", "catalog/self/delete-role", "us-east-1", same],
    ["a global-service call seen outside us-east-1", "catalog/self/delete-role", "eu-west-1", asTrailguardOwn],
  ];

  describe("route: a record on a region's default bus reaches exactly its hub rules", () => {
    beforeAll(async () => {
      const state = JSON.parse(stack.ok(["show", "-json"], 60_000).stdout);
      const key = state.values.root_module.resources.find((r: { address: string }) => r.address === "aws_kms_key.alarms").values;
      alarmKey = { arn: key.arn, id: key.key_id };
      await drain();
    }, 90_000);

    test.each(ROUTES)("%s (%s in %s)", async (_name, fixture, region, prepare, expected) => {
      await emit(prepare(loadFixture(fixture)), region);
      const got = await drain();
      expect({ region, arrived: got.map((g) => g.key) }).toEqual({ region, arrived: expected });
      for (const g of got.filter((x) => x.key.endsWith(":slack"))) {
        expect(structureProblems(await transformerOf(g.key), g.input)).toEqual([]);
        expect(JSON.parse(g.input).channel).toBe(CHANNEL);
      }
      for (const r of REGIONS.filter((x) => x !== HOME)) expect(await drain(r)).toEqual([]);
    });

    test.each(NEAR_MISSES)("%s arrives nowhere (%s in %s)", async (_name, fixture, region, prepare) => {
      await emit(prepare(loadFixture(fixture)), region);
      expect(await drain()).toEqual([]);
    });

    test("no dead letters in any region after routing", async () => {
      expect(await deadLetters()).toEqual({ "us-east-1": 0, "eu-west-1": 0, "sa-east-1": 0 });
    });
  });

  describe("remediate: the shipped bundle restores trails in moto's CloudTrail", () => {
    let env: Record<string, string>;
    const ct = (region: string) => client(CloudTrailClient, region);
    const isLogging = async (name: string, region: string) => (await ct(region).send(new GetTrailStatusCommand({ Name: name }))).IsLogging;

    beforeAll(async () => {
      const fn = await client(LambdaClient, HOME).send(new GetFunctionConfigurationCommand({ FunctionName: "trailguard-remediate" }));
      env = fn.Environment!.Variables!;
      await drain();
    }, 60_000);

    /** The event the tamper rule handed to the remediate Lambda, for `record` emitted in `region`. */
    async function tamperEvent(record: CloudTrailEvent, region: string): Promise<unknown> {
      await emit(record, region);
      const got = await drain();
      const input = got.find((g) => g.key === "trailguard-cloudtrail-tamper:remediate");
      if (!input) throw new Error(`the tamper rule did not hand ${record.detail.eventName} in ${region} to remediate: ${JSON.stringify(got.map((g) => g.key))}`);
      return JSON.parse(input.input);
    }

    async function remediate(event: unknown, extraEnv: Record<string, string> = {}) {
      const run = await invokeBundle("remediate", event, {
        endpoint: moto.endpoint,
        region: HOME,
        env: { ...env, ...extraEnv },
        budgetMs: 60_000,
        functionArn: `arn:aws:lambda:${HOME}:${MOTO_ACCOUNT}:function:trailguard-remediate`,
      });
      expect(run.outcome).toBe("resolved");
      const report = run.lines.find((l) => l.message === "remediation report");
      return { run, report, reports: (await drain()).filter((g) => g.key === "trailguard-remediation-report:slack") };
    }

    const stopLoggingOf = (name: string, region: string): CloudTrailEvent => {
      const e = loadFixture("stop-logging");
      e.detail.requestParameters = { name: `arn:aws:cloudtrail:${region}:${MOTO_ACCOUNT}:trail/${name}` };
      return e;
    };

    test("a stopped listed trail, stopped from eu-west-1 by its ARN, logs again and the report reaches Slack's rule", async () => {
      await ct(HOME).send(new StopLoggingCommand({ Name: `arn:aws:cloudtrail:${HOME}:${MOTO_ACCOUNT}:trail/${LISTED}` }));
      expect(await isLogging(LISTED, HOME)).toBe(false);
      const { report, reports } = await remediate(await tamperEvent(stopLoggingOf(LISTED, HOME), "eu-west-1"));
      expect({ result: report?.result, actions: report?.actions, logging: await isLogging(LISTED, HOME) }).toEqual({ result: "restored", actions: ["StartLogging (logging is off)"], logging: true });
      expect(reports).toHaveLength(1);
      expect(structureProblems(await transformerOf(reports[0].key), reports[0].input)).toEqual([]);
      expect(JSON.stringify(JSON.parse(reports[0].input))).toMatch(/StartLogging/);
    });

    test("an unlisted trail of sa-east-1, stopped there, logs again", async () => {
      await createTrail("team-trail", "sa-east-1", false);
      await ct("sa-east-1").send(new StopLoggingCommand({ Name: "team-trail" }));
      const { report } = await remediate(await tamperEvent(stopLoggingOf("team-trail", "sa-east-1"), "sa-east-1"));
      expect({ result: report?.result, actions: report?.actions, logging: await isLogging("team-trail", "sa-east-1") }).toEqual({ result: "restored", actions: ["StartLogging (logging is off)"], logging: true });
    });

    test("dry-run writes nothing: the trail stays stopped, and the report says what it would do", async () => {
      await ct(HOME).send(new StopLoggingCommand({ Name: LISTED }));
      const settings = { ...JSON.parse(env.TRAILGUARD_SETTINGS), mode: "dry-run" };
      try {
        const { report, reports } = await remediate(await tamperEvent(stopLoggingOf(LISTED, HOME), "eu-west-1"), { TRAILGUARD_SETTINGS: JSON.stringify(settings) });
        expect({ result: report?.result, actions: report?.actions, logging: await isLogging(LISTED, HOME) }).toEqual({ result: "planned", actions: ["StartLogging (logging is off)"], logging: false });
        expect(reports).toHaveLength(1);
      } finally {
        await ct(HOME).send(new StartLoggingCommand({ Name: LISTED })); // as the next test expects it
      }
    });

    test("an updated listed trail gets its known-good settings back", async () => {
      await ct(HOME).send(new UpdateTrailCommand({ Name: LISTED, EnableLogFileValidation: false, IsMultiRegionTrail: false }));
      const e = loadFixture("update-trail");
      e.detail.requestParameters = { name: LISTED, enableLogFileValidation: false, isMultiRegionTrail: false };
      e.detail.responseElements = { ...(e.detail.responseElements ?? {}), name: LISTED, trailARN: `arn:aws:cloudtrail:${HOME}:${MOTO_ACCOUNT}:trail/${LISTED}` };
      const { report } = await remediate(await tamperEvent(e, HOME));
      const { Trail } = await ct(HOME).send(new GetTrailCommand({ Name: LISTED }));
      expect({ result: report?.result, actions: report?.actions, validation: Trail!.LogFileValidationEnabled, multiRegion: Trail!.IsMultiRegionTrail }).toEqual({
        result: "restored",
        actions: ["UpdateTrail (multi-region off, expected on; log file validation off, expected on)"],
        validation: true,
        multiRegion: true,
      });
    });

    test("a deleted listed trail is re-created, logging", async () => {
      await ct(HOME).send(new DeleteTrailCommand({ Name: LISTED }));
      const e = loadFixture("delete-trail");
      e.detail.requestParameters = { name: LISTED };
      const { report } = await remediate(await tamperEvent(e, HOME));
      expect({ result: report?.result, actions: report?.actions, logging: await isLogging(LISTED, HOME) }).toEqual({ result: "restored", actions: ["CreateTrail (trail was deleted)", "StartLogging (a re-created trail does not log until started)"], logging: true });
    });
  });

  describe("self-check: the shipped heartbeat bundle reads back what Terraform applied", () => {
    test("every rule, target digest, Lambda, queue, topic and key agrees; only Slack (unreachable here) cannot be checked", async () => {
      // The schedule would fire this; moto runs no schedules. The rule's own target input transformer
      // (as applied, read back from moto) renders the scheduled event, as EventBridge would.
      const { Targets } = await client(EventBridgeClient, HOME).send(new ListTargetsByRuleCommand({ Rule: "trailguard-heartbeat" }));
      const t = Targets!.find((x) => x.Id === "heartbeat")!;
      const scheduled = {
        version: "0",
        id: "e2e-heartbeat",
        "detail-type": "Scheduled Event",
        source: "aws.events",
        account: MOTO_ACCOUNT,
        time: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
        region: HOME,
        resources: [`arn:aws:events:${HOME}:${MOTO_ACCOUNT}:rule/trailguard-heartbeat`],
        detail: {},
      };
      const input = JSON.parse(evaluateInputTransformer({ inputPaths: t.InputTransformer!.InputPathsMap ?? {}, inputTemplate: t.InputTransformer!.InputTemplate! }, scheduled));
      const fn = await client(LambdaClient, HOME).send(new GetFunctionConfigurationCommand({ FunctionName: "trailguard-heartbeat" }));
      await drain();
      const run = await invokeBundle("heartbeat", input, {
        endpoint: moto.endpoint,
        region: HOME,
        env: fn.Environment!.Variables!,
        budgetMs: 120_000,
        functionArn: `arn:aws:lambda:${HOME}:${MOTO_ACCOUNT}:function:trailguard-heartbeat`,
      });
      const result = run.lines.find((l) => /^self-check (passed|found problems)$/.test(l.message));
      expect({ outcome: run.outcome, problems: (result?.problems ?? []).map((p: string) => p.replace(/: .*$/, ": …")) }).toEqual({
        outcome: "resolved",
        problems: ["Slack token could not be checked: …"],
      });
    }, 150_000);
  });

  test("destroy leaves nothing trailguard created", () => {
    times.destroy = stack.ok(["destroy", "-auto-approve", "-input=false", "-parallelism=30"], 300_000).seconds;
    const r = spawnSync(python!, [join(__dirname, "helpers", "e2e", "leftovers.py"), moto.endpoint, "trailguard", ...REGIONS], { encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual([]);
  }, 320_000);
});

/** The gaps helpers/e2e/moto_server.py patches, by patch name (see stock_gaps.py for each reproduction). */
const GAPS = [
  "cloudtrail_trail_by_arn",
  "cloudtrail_describe_trails_by_name",
  "cloudtrail_default_event_selectors",
  "events_delivery.lambda_target",
  "events_delivery.placeholder_encoding",
  "events_delivery.forwarding",
  "events_delivery.scheduled_rule",
  "events_delivery.disabled_rule",
  "event_pattern_arrays_of_objects",
  "lambda_logging_config",
];

describeE2e("moto's gaps, each patched for the suite above", () => {
  const gaps = async (stock: boolean): Promise<Record<string, { present: boolean; saw: string }>> => {
    const moto = await Moto.start({ python: python!, stock });
    try {
      const r = spawnSync(python!, [join(__dirname, "helpers", "e2e", "stock_gaps.py"), moto.endpoint], { encoding: "utf8", timeout: 60_000 });
      if (r.status !== 0) throw new Error(`stock_gaps.py failed: ${r.stderr.trim().split("\n").pop()}`);
      return JSON.parse(r.stdout);
    } finally {
      await moto.stop();
    }
  };

  test("stock moto still has every gap (when one is gone, drop its patch from moto_server.py)", async () => {
    const found = await gaps(true);
    expect(Object.fromEntries(Object.entries(found).map(([k, v]) => [k, v.present ? "still there" : `fixed: ${v.saw}`]))).toEqual(Object.fromEntries(GAPS.map((g) => [g, "still there"])));
  }, 90_000);

  test("patched moto has none of them", async () => {
    const found = await gaps(false);
    expect(Object.fromEntries(Object.entries(found).map(([k, v]) => [k, v.present ? `still there: ${v.saw}` : "patched"]))).toEqual(Object.fromEntries(GAPS.map((g) => [g, "patched"])));
  }, 90_000);
});
