import { FakeAws, oneTrailAccount, SeenRequest, serveDuringTests } from "../helpers/fake-aws";
import { loadFixture } from "../helpers/fixtures";
import { BundleRun, invokeBundle } from "../helpers/invoke-bundle";

/**
 * The bundled remediate Lambda under faults, over real HTTP against the local fake: throttling that does
 * not stop, an endpoint that never answers, a report that cannot be sent. In each case the Lambda uses its
 * time (not 30 s of it idle, not past it), reports what happened, and fails the invocation so Lambda
 * retries the event and finally hands it to the on-failure destination.
 */
const ACCOUNT = "123456789012";
const TRAIL_ARN = `arn:aws:cloudtrail:us-east-2:${ACCOUNT}:trail/example-trail`;

type Fault = "throttle" | "hang" | "report-fails";
let fault: Fault = "throttle";
const account = oneTrailAccount(TRAIL_ARN, "us-east-2");
const fake = new FakeAws((req: SeenRequest) => {
  if (req.op === "GetTrailStatus" && fault === "throttle") return { status: 400, body: { __type: "ThrottlingException", message: "Rate exceeded" } };
  if (req.op === "GetTrailStatus" && fault === "hang") return { hang: true };
  if (req.op === "AWSEvents.PutEvents" && fault === "report-fails") return { status: 500, body: { __type: "InternalException", message: "try again" } };
  return account(req);
});
const endpoint = serveDuringTests(fake);

/** Invoke the bundle with a Lambda context whose remaining time starts at `budgetMs`. */
function invoke(budgetMs: number): Promise<BundleRun> {
  const event = loadFixture("stop-logging-assumed-role");
  event.detail.requestParameters.name = "example-trail";
  return invokeBundle("remediate", event, {
    endpoint: endpoint(),
    region: "us-east-1",
    budgetMs,
    env: {
      TRAILGUARD_SETTINGS: JSON.stringify({
        mode: "enforce",
        recreateDeletedTrails: false,
        reportEventBus: "trailguard",
        trails: [{ name: "example-trail", homeRegion: "us-east-2", multiRegion: true, includeGlobalEvents: true, logFileValidation: true, s3Bucket: "audit-logs", managementEvents: "All" }],
      }),
    },
  });
}

const reportOf = (run: BundleRun) => run.lines.find((l) => l.message === "remediation report");

jest.setTimeout(30_000);

test("throttling that does not stop: adaptive retries use the time, then the failure is reported and the event retried", async () => {
  fault = "throttle";
  const run = await invoke(12_000);
  const attempts = fake.seen.filter((r) => r.op === "GetTrailStatus").length;
  expect(attempts).toBeGreaterThan(3); // the SDK's defaults stopped after 3, in about 2 s
  expect(run.ms).toBeLessThan(12_000);
  expect(reportOf(run)).toMatchObject({ result: "failed", retryable: true, requestId: "req-fault-1" });
  expect(fake.seen.filter((r) => r.op === "AWSEvents.PutEvents")).toHaveLength(1);
  expect(run.outcome).toBe("rejected RetryableFailure");
  // Every line carries the request and event IDs.
  for (const line of run.lines) expect(line).toMatchObject({ requestId: "req-fault-1", eventId: expect.any(String) });
});

test("an endpoint that never answers: each attempt times out, the report goes out before the Lambda's time is up", async () => {
  fault = "hang";
  const run = await invoke(10_000);
  expect(fake.seen.filter((r) => r.op === "GetTrailStatus").length).toBeGreaterThanOrEqual(2); // 3 s a try, then again
  expect(run.ms).toBeLessThan(10_000);
  expect(reportOf(run)).toMatchObject({ result: "failed", retryable: true });
  expect(fake.seen.filter((r) => r.op === "AWSEvents.PutEvents")).toHaveLength(1);
  expect(run.outcome).toBe("rejected RetryableFailure");
});

test("a report that cannot be sent (PutEvents answers 500): logged, and the event retried", async () => {
  fault = "report-fails";
  const run = await invoke(10_000);
  expect(fake.seen.filter((r) => r.op === "StartLogging")).toHaveLength(1);
  expect(fake.seen.filter((r) => r.op === "AWSEvents.PutEvents").length).toBeGreaterThan(1); // retried within the budget
  expect(run.ms).toBeLessThan(10_000);
  expect(run.lines).toContainEqual(expect.objectContaining({ level: "error", message: "could not send the report", retryable: true }));
  expect(run.outcome).toBe("rejected RetryableFailure");
});
