import { FakeAws, oneTrailAccount, SeenRequest, serveDuringTests } from "../helpers/fake-aws";
import { loadFixture } from "../helpers/fixtures";
import { invokeBundle } from "../helpers/invoke-bundle";

/**
 * The bundled Lambdas (dist/lambda/<name>/index.js, as shipped) over real HTTP: a fresh node process
 * requires the bundle and invokes its handler, the SDK talks to a local server that speaks the CloudTrail
 * and EventBridge JSON APIs (AWS_ENDPOINT_URL), and the test reads what the server saw.
 */

const TRAIL_HOME = "us-east-2";
const ACCOUNT = "123456789012";
const TRAIL_ARN = `arn:aws:cloudtrail:${TRAIL_HOME}:${ACCOUNT}:trail/example-trail`;
let logging = false;

const account = oneTrailAccount(TRAIL_ARN, TRAIL_HOME, () => logging);
const fake = new FakeAws((req: SeenRequest) => {
  if (req.op === "StartLogging") logging = true;
  return account(req);
});

const SETTINGS = {
  mode: "enforce",
  recreateDeletedTrails: false,
  slackChannel: "C0123ABCDEF",
  reportEventBus: "trailguard",
  trails: [{ name: "example-trail", homeRegion: TRAIL_HOME, multiRegion: true, includeGlobalEvents: true, logFileValidation: true, s3Bucket: "audit-logs", managementEvents: "All" }],
};

const endpoint = serveDuringTests(fake, () => {
  logging = false;
});

const invoke = (name: string, event: unknown, region: string) =>
  invokeBundle(name, event, { endpoint: endpoint(), region, env: { AWS_MAX_ATTEMPTS: "1", TRAILGUARD_SETTINGS: JSON.stringify(SETTINGS) } });

test("remediate bundle: a real StopLogging event restarts the trail, signed for its home region, and reports", async () => {
  // Prepare: a real StopLogging record, made in eu-west-1 against a trail whose home region is us-east-2.
  const event = loadFixture("stop-logging-assumed-role");
  event.region = "eu-west-1";
  event.detail.awsRegion = "eu-west-1";
  event.detail.requestParameters.name = "example-trail";

  // Act
  const run = await invoke("remediate", event, "eu-west-1");

  // Assess
  expect(run.outcome).toBe("resolved");
  const cloudTrailCalls = fake.seen.filter((r) => r.service === "cloudtrail").map((r) => `${r.op}@${r.region}`);
  expect(cloudTrailCalls[0]).toBe("DescribeTrails@eu-west-1");
  expect(cloudTrailCalls).toContain("GetTrailStatus@us-east-2");
  expect(cloudTrailCalls.indexOf("StartLogging@us-east-2")).toBeGreaterThan(cloudTrailCalls.indexOf("GetTrailStatus@us-east-2"));
  expect(fake.seen.find((r) => r.op === "StartLogging")?.body).toEqual({ Name: TRAIL_ARN });
  const put = fake.seen.find((r) => r.op === "AWSEvents.PutEvents")!;
  expect(put).toMatchObject({ region: "eu-west-1", service: "events" });
  expect(put.body.Entries[0].EventBusName).toBe("trailguard");
  const detail = JSON.parse(put.body.Entries[0].Detail);
  expect(detail).toMatchObject({ result: "restored", trail: "example-trail", principal: "arn:aws:sts::123456789012:assumed-role/tester" });
  expect(detail.slack.channel).toBe("C0123ABCDEF");
  const lines = run.stdout.trim().split("\n").map((l) => JSON.parse(l));
  expect(lines.find((l) => l.message === "remediation report")).toMatchObject({ service: "trailguard", result: "restored" });
});

test("remediate bundle: a second delivery of the same event calls no write API", async () => {
  logging = true;
  const run = await invoke("remediate", loadFixture("stop-logging-assumed-role"), "us-west-2");
  expect(run.outcome).toBe("resolved");
  const ops = fake.seen.map((r) => r.op);
  // It did look (so the absence of a write is a decision, not a crash), then wrote nothing.
  expect(ops).toEqual(expect.arrayContaining(["DescribeTrails", "GetTrailStatus", "AWSEvents.PutEvents"]));
  expect(ops.filter((op) => ["StartLogging", "UpdateTrail", "PutEventSelectors", "CreateTrail"].includes(op))).toEqual([]);
  expect(JSON.parse(fake.seen.find((r) => r.op === "AWSEvents.PutEvents")!.body.Entries[0].Detail).result).toBe("compliant");
});

test("remediate bundle: a malformed event logs one line and exits cleanly without calling AWS", async () => {
  const run = await invoke("remediate", { id: "bad-1", detail: "nope" }, "us-east-1");
  expect(run.outcome).toBe("resolved");
  expect(fake.seen).toHaveLength(0);
  expect(JSON.parse(run.stdout.trim())).toMatchObject({ level: "warn", message: "ignored event", eventId: "bad-1" });
});

test("heartbeat bundle: a stopped trail is restarted in its home region", async () => {
  const run = await invoke("heartbeat", { id: "sched-1", account: ACCOUNT, region: "us-east-1", "detail-type": "Scheduled Event" }, "us-east-1");
  expect(run.outcome).toBe("resolved");
  expect(fake.seen.filter((r) => r.op === "StartLogging").map((r) => r.region)).toEqual([TRAIL_HOME]);
  expect(fake.seen.some((r) => r.op === "AWSEvents.PutEvents")).toBe(true);
});
