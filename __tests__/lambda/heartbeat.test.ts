import {
  CloudTrailClient,
  CreateTrailCommand,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  StartLoggingCommand,
} from "@aws-sdk/client-cloudtrail";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import { runHeartbeat } from "../../lambda-src/lib/heartbeat";
import { describedTrail, FIXTURE_ACCOUNT, FIXTURE_ARN, FIXTURE_TRAIL, testDeps } from "./deps";

const ct = mockClient(CloudTrailClient);
const eb = mockClient(EventBridgeClient);

beforeEach(() => {
  ct.reset();
  eb.reset();
  ct.on(DescribeTrailsCommand).resolves(describedTrail());
  ct.on(GetEventSelectorsCommand).resolves({ EventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: true }] });
  ct.on(StartLoggingCommand).resolves({});
  eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
});

test("a healthy trail sends nothing", async () => {
  ct.on(GetTrailStatusCommand).resolves({ IsLogging: true });
  expect(await runHeartbeat(testDeps(), FIXTURE_ACCOUNT, "us-east-1")).toEqual([]);
  expect(eb.calls()).toHaveLength(0);
});

test("a trail found not logging is restarted in its home region and reported with the blind window since StopLoggingTime", async () => {
  ct.on(GetTrailStatusCommand).resolves({ IsLogging: false, StopLoggingTime: new Date("2024-07-31T12:07:24Z") });
  const [report] = await runHeartbeat(testDeps(), FIXTURE_ACCOUNT, "us-east-1");
  expect(ct.commandCalls(StartLoggingCommand)[0].args[0].input).toEqual({ Name: FIXTURE_ARN });
  expect(await (ct.commandCalls(StartLoggingCommand)[0].thisValue as CloudTrailClient).config.region()).toBe(FIXTURE_TRAIL.homeRegion);
  expect(report).toMatchObject({ trigger: "heartbeat", result: "restored", blindWindowSeconds: 3600 });
  expect(eb.commandCalls(PutEventsCommand)).toHaveLength(1);
});

test("dry run only reports", async () => {
  ct.on(GetTrailStatusCommand).resolves({ IsLogging: false });
  const [report] = await runHeartbeat(testDeps({ mode: "dry-run" }), FIXTURE_ACCOUNT, "us-east-1");
  expect(ct.commandCalls(StartLoggingCommand)).toHaveLength(0);
  expect(report.result).toBe("planned");
});

test("a missing trail is critical; re-created only when configured", async () => {
  ct.on(DescribeTrailsCommand).resolves({ trailList: [] });
  ct.on(CreateTrailCommand).resolves({});
  const [skipped] = await runHeartbeat(testDeps(), FIXTURE_ACCOUNT, "us-east-1");
  expect(skipped).toMatchObject({ severity: "critical", result: "skipped" });
  expect(ct.commandCalls(CreateTrailCommand)).toHaveLength(0);
  const [recreated] = await runHeartbeat(testDeps({ recreateDeletedTrails: true }), FIXTURE_ACCOUNT, "us-east-1");
  expect(recreated).toMatchObject({ severity: "critical", result: "restored" });
  expect(ct.commandCalls(CreateTrailCommand)).toHaveLength(1);
});

test("an AWS error on one trail is reported, the next trail is still checked, and a retryable one fails the run", async () => {
  const other = { ...FIXTURE_TRAIL, name: "second-trail" };
  ct.on(DescribeTrailsCommand, { trailNameList: [FIXTURE_TRAIL.name], includeShadowTrails: true }).rejects(Object.assign(new Error("slow down"), { name: "ThrottlingException" }));
  ct.on(DescribeTrailsCommand, { trailNameList: ["second-trail"], includeShadowTrails: true }).resolves(describedTrail({ Name: "second-trail", TrailARN: FIXTURE_ARN.replace(FIXTURE_TRAIL.name, "second-trail") }));
  ct.on(GetTrailStatusCommand).resolves({ IsLogging: false });
  // Both trails are reported; then the run fails so it is retried (throttling may pass).
  await expect(runHeartbeat(testDeps({ trails: [FIXTURE_TRAIL, other] }), FIXTURE_ACCOUNT, "us-east-1")).rejects.toThrow("ThrottlingException");
  const sent = eb.commandCalls(PutEventsCommand).map((c) => JSON.parse(c.args[0].input.Entries![0].Detail!));
  expect(sent.map((r) => [r.result, r.errorCode])).toEqual([["failed", "ThrottlingException"], ["restored", undefined]]);
});

test("mode off does nothing", async () => {
  expect(await runHeartbeat(testDeps({ mode: "off" }), FIXTURE_ACCOUNT, "us-east-1")).toEqual([]);
  expect(ct.calls()).toHaveLength(0);
});
