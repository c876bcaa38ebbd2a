import {
  CloudTrailClient,
  CreateTrailCommand,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  UpdateTrailCommand,
} from "@aws-sdk/client-cloudtrail";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import { handleTamperEvent } from "../../lambda-src/lib/remediate";
import { REPORT_DETAIL_TYPE, REPORT_SOURCE } from "../../lambda-src/lib/report";
import { hostileVariants, loadFixture } from "../helpers/fixtures";
import { expectValidBlockKit } from "../helpers/slack";
import { describedTrail, FIXTURE_ARN, FIXTURE_TRAIL, testDeps } from "./deps";

const ct = mockClient(CloudTrailClient);
const eb = mockClient(EventBridgeClient);
const ALL_MGMT = { EventSelectors: [{ ReadWriteType: "All" as const, IncludeManagementEvents: true }] };

beforeEach(() => {
  ct.reset();
  eb.reset();
  // Prepare: the fixture trail exists, is stopped, and otherwise healthy.
  ct.on(DescribeTrailsCommand).resolves(describedTrail());
  ct.on(GetTrailStatusCommand).resolves({ IsLogging: false, StopLoggingTime: new Date("2024-07-31T13:06:24Z") });
  ct.on(GetEventSelectorsCommand).resolves(ALL_MGMT);
  ct.on(StartLoggingCommand).resolves({});
  eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "1" }] });
});

const sentReport = () => JSON.parse(eb.commandCalls(PutEventsCommand)[0].args[0].input.Entries![0].Detail!);
const regionOf = async (call: { thisValue: unknown }) => (call.thisValue as CloudTrailClient).config.region();

describe("StopLogging", () => {
  test("restarts logging in the trail's home region and reports the blind window", async () => {
    const deps = testDeps();
    const report = await handleTamperEvent(loadFixture("stop-logging"), deps);
    const start = ct.commandCalls(StartLoggingCommand);
    expect(start).toHaveLength(1);
    expect(start[0].args[0].input).toEqual({ Name: FIXTURE_ARN });
    expect(await regionOf(start[0])).toBe(FIXTURE_TRAIL.homeRegion);
    expect(report).toMatchObject({ result: "restored", actions: ["StartLogging (logging is off)"], blindWindowSeconds: 60 });
    const entry = eb.commandCalls(PutEventsCommand)[0].args[0].input.Entries![0];
    expect(entry).toMatchObject({ Source: REPORT_SOURCE, DetailType: REPORT_DETAIL_TYPE });
    expect(sentReport()).toMatchObject({
      trail: "stratus-red-team-ct-stop-trail-buykxbqejv",
      principal: "arn:aws:iam::143434273843:user/christophe",
      userAgent: "stratus-red-team_c97089f1-1ae3-4ecc-b006-f5e8fd0f2571",
      sourceIp: "86.245.153.234",
      blindWindowSeconds: 60,
      slack: { channel: "C0123ABCDEF" },
    });
  });

  test("is idempotent: a second delivery finds the trail logging and calls no write API", async () => {
    ct.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    const report = await handleTamperEvent(loadFixture("stop-logging"), testDeps());
    expect(ct.commandCalls(StartLoggingCommand)).toHaveLength(0);
    expect(report?.result).toBe("compliant");
  });

  test("dry run reports the plan and calls no write API", async () => {
    const report = await handleTamperEvent(loadFixture("stop-logging"), testDeps({ mode: "dry-run" }));
    expect(ct.commandCalls(StartLoggingCommand)).toHaveLength(0);
    expect(report).toMatchObject({ result: "planned", mode: "dry-run", actions: ["StartLogging (logging is off)"] });
  });

  test("a home region other than the event's: the trail is looked up, then started, in its home region", async () => {
    const event = loadFixture("stop-logging");
    event.region = "eu-west-1";
    ct.on(DescribeTrailsCommand).resolves(describedTrail({ HomeRegion: "us-east-2", TrailARN: FIXTURE_ARN.replace(FIXTURE_TRAIL.homeRegion, "us-east-2") }));
    const deps = testDeps({ trails: [{ ...FIXTURE_TRAIL, homeRegion: "us-east-2" }] });
    await handleTamperEvent(event, deps);
    expect(await regionOf(ct.commandCalls(DescribeTrailsCommand)[0])).toBe("eu-west-1");
    expect(ct.commandCalls(DescribeTrailsCommand)[0].args[0].input).toEqual({ trailNameList: [FIXTURE_TRAIL.name], includeShadowTrails: true });
    expect(await regionOf(ct.commandCalls(StartLoggingCommand)[0])).toBe("us-east-2");
  });

  test("a trail named by ARN is looked up in the ARN's region", async () => {
    const event = loadFixture("stop-logging-assumed-role"); // name = arn:aws:cloudtrail:us-west-2:123456789012:trail/example-trail
    ct.on(DescribeTrailsCommand).resolves(describedTrail({ Name: "example-trail", TrailARN: event.detail.requestParameters.name, HomeRegion: "us-west-2" }));
    const deps = testDeps({ trails: [{ ...FIXTURE_TRAIL, name: "example-trail", homeRegion: "us-west-2" }] });
    const report = await handleTamperEvent(event, deps);
    expect(await regionOf(ct.commandCalls(DescribeTrailsCommand)[0])).toBe("us-west-2");
    expect(report?.result).toBe("restored");
  });

  test("an organization trail owned by another account is reported, not touched", async () => {
    ct.on(DescribeTrailsCommand).resolves(describedTrail({ TrailARN: FIXTURE_ARN.replace("143434273843", "999999999999"), IsOrganizationTrail: true }));
    const report = await handleTamperEvent(loadFixture("stop-logging"), testDeps());
    expect(ct.commandCalls(StartLoggingCommand)).toHaveLength(0);
    expect(report).toMatchObject({ result: "skipped", reason: expect.stringContaining("belongs to account 999999999999") });
  });

  test("a trail not in config gets its logging restarted and nothing else (unlistedTrails: restart, the default)", async () => {
    const report = await handleTamperEvent(loadFixture("stop-logging"), testDeps({ trails: [] }));
    expect(ct.commandCalls(StartLoggingCommand)).toHaveLength(1);
    expect(ct.commandCalls(GetEventSelectorsCommand)).toHaveLength(0);
    expect(ct.commandCalls(UpdateTrailCommand)).toHaveLength(0);
    expect(report).toMatchObject({ result: "restored", actions: ["StartLogging (logging is off)"], reason: "not in trailguard's config: only logging is restored, its other settings are not checked" });
  });

  test("with unlistedTrails: report, a trail not in config is reported, not touched", async () => {
    const report = await handleTamperEvent(loadFixture("stop-logging"), testDeps({ trails: [], unlistedTrails: "report" }));
    expect(ct.commandCalls(StartLoggingCommand)).toHaveLength(0);
    expect(report).toMatchObject({ result: "skipped", reason: "trail is not in trailguard's config" });
  });

  test("a failed call (errorCode) is skipped without a report: nothing to undo", async () => {
    const deps = testDeps();
    expect(await handleTamperEvent(loadFixture("stop-logging-access-denied"), deps)).toBeUndefined();
    expect(ct.calls()).toHaveLength(0);
    expect(eb.calls()).toHaveLength(0);
    expect(deps.lines).toEqual([expect.objectContaining({ message: "skipped failed call: nothing to undo", errorCode: "AccessDenied" })]);
  });
});

describe("a listed trail weakened only where its config pins nothing", () => {
  test("is reported as 'no checked setting drifted', naming every setting of the trail that was not checked", async () => {
    // FIXTURE_TRAIL pins no key prefix, KMS key, organization flag or CloudWatch Logs delivery: each is weakened here.
    ct.on(DescribeTrailsCommand).resolves(describedTrail({ S3KeyPrefix: "elsewhere", IsOrganizationTrail: false }));
    ct.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    // The data selectors are gone; the management selector is all that is left.
    ct.on(GetEventSelectorsCommand).resolves({ AdvancedEventSelectors: [{ Name: "mgmt", FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }] }] });
    const report = await handleTamperEvent(loadFixture("stop-logging"), testDeps());
    expect(ct.commandCalls(UpdateTrailCommand)).toHaveLength(0);
    expect(ct.commandCalls(PutEventSelectorsCommand)).toHaveLength(0);
    const unchecked = [
      "S3 key prefix (s3KeyPrefix unset)",
      "KMS key (kmsKeyId unset: only a key of another account is flagged)",
      "organization trail flag (organizationTrail unset)",
      "CloudWatch Logs delivery and its role (cloudWatchLogGroup and cloudWatchLogsRoleArn not both set)",
      "data event selectors, basic and advanced (only that all management events are recorded is checked)",
      "insight selectors",
      "SNS topic",
    ];
    expect(report).toMatchObject({ result: "compliant", actions: [], unchecked });
    const slack = sentReport().slack;
    expectValidBlockKit(slack);
    expect(slack.blocks[0].text.text).toBe(":information_source: No checked setting drifted on trail stratus-red-team-ct-stop-trail-buykxbqejv");
    expect(slack.blocks[2].text).toEqual({
      type: "mrkdwn",
      text:
        "*Not checked* (the config does not pin these; this report does not vouch for them):\n" +
        "• S3 key prefix (s3KeyPrefix unset)\n" +
        "• KMS key (kmsKeyId unset: only a key of another account is flagged)\n" +
        "• organization trail flag (organizationTrail unset)\n" +
        "• CloudWatch Logs delivery and its role (cloudWatchLogGroup and cloudWatchLogsRoleArn not both set)\n" +
        "• data event selectors, basic and advanced (only that all management events are recorded is checked)\n" +
        "• insight selectors\n" +
        "• SNS topic",
    });
  });

  test("a trail whose config pins every optional setting names only what no config pins", async () => {
    const cwl = { cloudWatchLogGroup: "ct-logs", cloudWatchLogsRoleArn: "arn:aws:iam::143434273843:role/ct-logs" };
    const good = { ...FIXTURE_TRAIL, s3KeyPrefix: "logs", kmsKeyId: "arn:aws:kms:apiso-centralnorth-2r:143434273843:key/1234abcd-12ab-34cd-56ef-1234567890ab", organizationTrail: false, ...cwl };
    ct.on(DescribeTrailsCommand).resolves(
      describedTrail({
        S3KeyPrefix: "logs",
        KmsKeyId: good.kmsKeyId,
        IsOrganizationTrail: false,
        CloudWatchLogsLogGroupArn: "arn:aws:logs:apiso-centralnorth-2r:143434273843:log-group:ct-logs:*",
        CloudWatchLogsRoleArn: cwl.cloudWatchLogsRoleArn,
      }),
    );
    ct.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    const report = await handleTamperEvent(loadFixture("stop-logging"), testDeps({ trails: [good] }));
    expect(report).toMatchObject({
      result: "compliant",
      unchecked: ["data event selectors, basic and advanced (only that all management events are recorded is checked)", "insight selectors", "SNS topic"],
    });
  });

  test("a restored trail's report lists nothing as unchecked", async () => {
    const report = await handleTamperEvent(loadFixture("stop-logging"), testDeps());
    expect(report?.result).toBe("restored");
    expect(report).not.toHaveProperty("unchecked");
  });
});

describe("AWS errors are reported; the ones that may pass are rethrown after the report", () => {
  test("StartLogging refused with AccessDeniedException: reported, not rethrown (a retry would fail the same way)", async () => {
    const message = "User is not authorized to perform: cloudtrail:StartLogging";
    ct.on(StartLoggingCommand).rejects(Object.assign(new Error(message), { name: "AccessDeniedException" }));
    const report = await handleTamperEvent(loadFixture("stop-logging"), testDeps());
    expect(report).toMatchObject({ result: "failed", errorCode: "AccessDeniedException", reason: message });
    expect(report).not.toHaveProperty("retryable");
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  test("StartLogging throttled: reported as retryable, then rethrown so Lambda retries the event", async () => {
    ct.on(StartLoggingCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
    await expect(handleTamperEvent(loadFixture("stop-logging"), testDeps())).rejects.toThrow("ThrottlingException: stratus-red-team-ct-stop-trail-buykxbqejv: Rate exceeded");
    const sent = JSON.parse(eb.commandCalls(PutEventsCommand)[0].args[0].input.Entries![0].Detail!);
    expect(sent).toMatchObject({ result: "failed", errorCode: "ThrottlingException", retryable: true });
  });

  test("a second event for the same trail in one incident, finding nothing to do, sends no second report", async () => {
    ct.on(GetTrailStatusCommand).resolvesOnce({ IsLogging: false }).resolves({ IsLogging: true });
    const deps = testDeps();
    await expect(handleTamperEvent(loadFixture("stop-logging"), deps)).resolves.toMatchObject({ result: "restored" });
    await expect(handleTamperEvent(loadFixture("stop-logging"), deps)).resolves.toBeUndefined();
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(1);
    expect(deps.lines).toContainEqual(expect.objectContaining({ message: "trail already reported in this incident; nothing to do, no second report" }));
  });

  test("a record without eventTime gets no invented time: the blind window comes from the trail's StopLoggingTime", async () => {
    const event = loadFixture("stop-logging");
    delete event.detail.eventTime;
    delete (event as { time?: string }).time;
    ct.on(GetTrailStatusCommand).resolves({ IsLogging: false, StopLoggingTime: new Date("2024-07-31T13:07:04Z") });
    const report = await handleTamperEvent(event, testDeps());
    expect(report?.eventTime).toBeUndefined();
    expect(report?.blindWindowSeconds).toBe(20); // testDeps' clock: 13:07:24
  });

  test("a trail that no longer exists (TrailNotFoundException) is reported as failed", async () => {
    ct.on(DescribeTrailsCommand).rejects(Object.assign(new Error("Unknown trail"), { name: "TrailNotFoundException" }));
    const report = await handleTamperEvent(loadFixture("stop-logging"), testDeps());
    expect(report).toMatchObject({ result: "failed", errorCode: "TrailNotFoundException" });
  });

  test("a report that cannot be sent is logged, and the handler still returns", async () => {
    eb.on(PutEventsCommand).rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
    const deps = testDeps();
    await expect(handleTamperEvent(loadFixture("stop-logging"), deps)).resolves.toMatchObject({ result: "restored" });
    expect(deps.lines).toContainEqual(expect.objectContaining({ level: "error", message: "could not send the report", errorCode: "AccessDeniedException" }));
  });
});

describe("UpdateTrail and PutEventSelectors", () => {
  test("UpdateTrail that turned multi-region and validation off is undone", async () => {
    ct.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    ct.on(DescribeTrailsCommand).resolves(describedTrail({ IsMultiRegionTrail: false, LogFileValidationEnabled: false }));
    ct.on(UpdateTrailCommand).resolves({});
    const event = loadFixture("stop-logging");
    event.detail.eventName = "UpdateTrail";
    const report = await handleTamperEvent(event, testDeps());
    expect(ct.commandCalls(UpdateTrailCommand)[0].args[0].input).toEqual({ Name: FIXTURE_ARN, IsMultiRegionTrail: true, EnableLogFileValidation: true });
    expect(report?.result).toBe("restored");
    expect(report?.blindWindowSeconds).toBeUndefined();
  });

  test("PutEventSelectors that excluded management events (real record) is undone", async () => {
    const event = loadFixture("put-event-selectors");
    const trailName = event.detail.requestParameters.trailName;
    const arn = `arn:aws:cloudtrail:${event.region}:${event.account}:trail/${trailName}`;
    ct.on(DescribeTrailsCommand).resolves(describedTrail({ Name: trailName, TrailARN: arn, HomeRegion: event.region }));
    ct.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    // What GetEventSelectors returns after this call: the record's selectors, in the API's PascalCase.
    const selectors = event.detail.requestParameters.eventSelectors.map((s: any) => ({
      ReadWriteType: s.readWriteType,
      IncludeManagementEvents: s.includeManagementEvents,
      ExcludeManagementEventSources: s.excludeManagementEventSources,
      DataResources: s.dataResources.map((d: any) => ({ Type: d.type, Values: d.values })),
    }));
    ct.on(GetEventSelectorsCommand).resolves({ EventSelectors: selectors });
    ct.on(PutEventSelectorsCommand).resolves({});
    const deps = testDeps({ trails: [{ ...FIXTURE_TRAIL, name: trailName, homeRegion: event.region }] });
    const report = await handleTamperEvent(event, deps);
    const put = ct.commandCalls(PutEventSelectorsCommand)[0].args[0].input;
    expect(put.TrailName).toBe(arn);
    // The attacker's ReadOnly data selector is left as it is; a full management selector is added.
    expect(put.EventSelectors).toEqual([selectors[0], { ReadWriteType: "All", IncludeManagementEvents: true, ExcludeManagementEventSources: [] }]);
    expect(report?.result).toBe("restored");
  });
});

describe("DeleteTrail", () => {
  test("is reported as critical and not re-created by default", async () => {
    const report = await handleTamperEvent(loadFixture("delete-trail"), testDeps({ trails: [{ ...FIXTURE_TRAIL, name: loadFixture("delete-trail").detail.requestParameters.name, homeRegion: loadFixture("delete-trail").region }] }));
    expect(report).toMatchObject({ severity: "critical", result: "skipped", reason: "not re-created: recreateDeletedTrails is off" });
    expect(ct.calls()).toHaveLength(0);
  });

  test("is re-created from the known-good settings and started when recreateDeletedTrails is on", async () => {
    const event = loadFixture("delete-trail");
    const good = { ...FIXTURE_TRAIL, name: event.detail.requestParameters.name, homeRegion: event.region };
    ct.on(CreateTrailCommand).resolves({});
    const report = await handleTamperEvent(event, testDeps({ trails: [good], recreateDeletedTrails: true }));
    expect(ct.commandCalls(CreateTrailCommand)[0].args[0].input).toMatchObject({ Name: good.name, S3BucketName: good.s3Bucket, IsMultiRegionTrail: true });
    expect(ct.commandCalls(StartLoggingCommand)[0].args[0].input).toEqual({ Name: `arn:aws:cloudtrail:${event.region}:${event.account}:trail/${good.name}` });
    expect(report).toMatchObject({ severity: "critical", result: "restored" });
  });

  test("a retry that finds the trail its first attempt created (TrailAlreadyExistsException) goes on to start it", async () => {
    const event = loadFixture("delete-trail");
    const good = { ...FIXTURE_TRAIL, name: event.detail.requestParameters.name, homeRegion: event.region };
    ct.on(CreateTrailCommand).rejects(Object.assign(new Error("Trail already exists"), { name: "TrailAlreadyExistsException" }));
    const report = await handleTamperEvent(event, testDeps({ trails: [good], recreateDeletedTrails: true }));
    expect(ct.commandCalls(StartLoggingCommand)).toHaveLength(1);
    expect(report).toMatchObject({ result: "restored" });
  });
});

describe("bad input logs one structured line with the event id and returns", () => {
  test.each<[string, unknown]>([
    ["no detail", { id: "ev-1", account: "1", region: "us-east-1" }],
    ["unknown eventName", { ...loadFixture("run-instances"), id: "ev-1" }],
    ["malformed trail name", { ...loadFixture("stop-logging"), id: "ev-1", detail: { ...loadFixture("stop-logging").detail, requestParameters: { name: "bad\"name\n" } } }],
  ])("%s", async (_label, input) => {
    const deps = testDeps();
    await expect(handleTamperEvent(input, deps)).resolves.toBeUndefined();
    expect(deps.lines).toEqual([expect.objectContaining({ level: "warn", message: "ignored event", eventId: "ev-1" })]);
    expect(ct.calls()).toHaveLength(0);
  });
});

test("hostile user agents reach the report as data, within Slack's limits", async () => {
  for (const [label, event] of hostileVariants(loadFixture("stop-logging"))) {
    eb.resetHistory();
    await handleTamperEvent(event, testDeps());
    const detail = sentReport();
    const agent: string = event.detail.userAgent;
    if (label === "huge") expect(detail.userAgent).toBe(`${agent.slice(0, 4095)}…`);
    else expect(detail.userAgent).toBe(agent);
    expectValidBlockKit(detail.slack);
  }
});

describe("a call made with trailguard's own remediation role", () => {
  // The real UpdateTrail record (fixtures/update-trail.json), re-signed by a role session: `issuer` issued it, `session` names it.
  const UPDATE = loadFixture("update-trail");
  const ACCOUNT = UPDATE.account; // 0123456789012, the record's (13 digits: AWS's sample)
  const ARN = UPDATE.detail.requestParameters.name; // arn:aws:cloudtrail:us-west-2:0123456789012:trail/TEST-trail
  const GOOD = { ...FIXTURE_TRAIL, name: "TEST-trail", homeRegion: "us-west-2" };
  function updateTrailBy(issuer: string, session: string, issuerAccount = ACCOUNT) {
    const event = loadFixture("update-trail");
    event.detail.userIdentity = {
      type: "AssumedRole",
      principalId: `AROAEXAMPLEROLEID0001:${session}`,
      arn: `arn:aws:sts::${issuerAccount}:assumed-role/${issuer}/${session}`,
      accountId: issuerAccount,
      accessKeyId: "ASIAEXAMPLEKEY000001",
      sessionContext: {
        sessionIssuer: { type: "Role", principalId: "AROAEXAMPLEROLEID0001", arn: `arn:aws:iam::${issuerAccount}:role/${issuer}`, accountId: issuerAccount, userName: issuer },
        webIdFederationData: {},
        attributes: { mfaAuthenticated: "false", creationDate: "2020-01-08T20:58:40Z" },
      },
    };
    event.detail.userAgent = "aws-sdk-js/3.0.0";
    return event;
  }
  /** The trail as the check finds it: healthy (nothing to restore), or as the record left it (log file validation off). */
  function trailIs(state: "compliant" | "drifted") {
    ct.on(DescribeTrailsCommand).resolves(describedTrail({ Name: "TEST-trail", TrailARN: ARN, HomeRegion: "us-west-2", LogFileValidationEnabled: state === "compliant" }));
    ct.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    ct.on(UpdateTrailCommand).resolves({});
  }
  const deps = (over: Parameters<typeof testDeps>[0] = {}) => ({ ...testDeps({ trails: [GOOD], ...over }), ownAccount: ACCOUNT });
  const WARNING = "This call was made with trailguard's remediation role: someone may be using it (role trailguard-remediation, session trailguard-remediate).";

  test("trailguard's own restore (the hub Lambda's session of its role), trail compliant: labelled as trailguard's own restore", async () => {
    trailIs("compliant");
    const report = await handleTamperEvent(updateTrailBy("trailguard-remediation", "trailguard-remediate"), deps());
    expect(ct.commandCalls(UpdateTrailCommand)).toHaveLength(0);
    expect(report).toMatchObject({
      result: "compliant",
      severity: "high",
      remediationRole: { kind: "own-restore", role: "trailguard-remediation", session: "trailguard-remediate" },
    });
    const slack = sentReport().slack;
    expectValidBlockKit(slack);
    expect(slack.blocks[0].text).toEqual({
      type: "plain_text",
      text: ":robot_face: trailguard's own restore of trail arn:aws:cloudtrail:us-west-2:0123456789012:trail/TEST-trail (session trailguard-remediate)",
      emoji: true,
    });
    expect(slack.blocks[1].text.text).toBe(
      "UpdateTrail by arn:aws:sts::0123456789012:assumed-role/trailguard-remediation/trailguard-remediate at 2020-01-08T20:58:45Z.\n" +
        "This call was trailguard's own restore (role trailguard-remediation, session trailguard-remediate); nothing was left to restore.",
    );
    expect(slack.text).toMatch(/^trailguard's own restore of trail arn:aws:cloudtrail:us-west-2:0123456789012:trail\/TEST-trail \(session trailguard-remediate\): compliant; not checked: /);
    expect(JSON.stringify(slack)).not.toContain("someone may be using it");
  });

  test("the same session and role, trail drifted: restored and reported as usual, with the warning that someone may be using the role", async () => {
    trailIs("drifted");
    const report = await handleTamperEvent(updateTrailBy("trailguard-remediation", "trailguard-remediate"), deps());
    expect(ct.commandCalls(UpdateTrailCommand)[0].args[0].input).toEqual({ Name: ARN, EnableLogFileValidation: true });
    expect(report).toMatchObject({
      result: "restored",
      actions: ["UpdateTrail (log file validation off, expected on)"],
      remediationRole: { kind: "someone-else", role: "trailguard-remediation", session: "trailguard-remediate" },
    });
    const slack = sentReport().slack;
    expectValidBlockKit(slack);
    expect(slack.blocks[0].text.text).toBe(":white_check_mark: trailguard restored CloudTrail trail arn:aws:cloudtrail:us-west-2:0123456789012:trail/TEST-trail");
    expect(slack.blocks[1].text.text).toBe(
      "UpdateTrail by arn:aws:sts::0123456789012:assumed-role/trailguard-remediation/trailguard-remediate at 2020-01-08T20:58:45Z.\n" +
        `${WARNING}\n` +
        "Called:\n• UpdateTrail (log file validation off, expected on)",
    );
    expect(slack.text).toBe(
      "trailguard restored CloudTrail trail arn:aws:cloudtrail:us-west-2:0123456789012:trail/TEST-trail: restored; made with trailguard's remediation role: someone may be using it",
    );
    expect(JSON.stringify(slack)).not.toContain("own restore");
  });

  test("another role's UpdateTrail, trail compliant: the unchanged 'no checked setting drifted' report", async () => {
    trailIs("compliant");
    const report = await handleTamperEvent(updateTrailBy("Admin", "alice"), deps());
    expect(report?.result).toBe("compliant");
    expect(report).not.toHaveProperty("remediationRole");
    const slack = sentReport().slack;
    expect(slack.blocks[0].text.text).toBe(":information_source: No checked setting drifted on trail arn:aws:cloudtrail:us-west-2:0123456789012:trail/TEST-trail");
    expect(slack.blocks[1].text.text).toBe("UpdateTrail by arn:aws:sts::0123456789012:assumed-role/Admin/alice at 2020-01-08T20:58:45Z.");
  });

  test("the record's own principal (an IAM user), trail compliant: unchanged", async () => {
    trailIs("compliant");
    const report = await handleTamperEvent(UPDATE, deps());
    expect(report).toMatchObject({ result: "compliant", principal: "arn:aws:iam::0123456789012:user/Alice" });
    expect(report).not.toHaveProperty("remediationRole");
    expect(sentReport().slack.blocks[0].text.text).toBe(":information_source: No checked setting drifted on trail arn:aws:cloudtrail:us-west-2:0123456789012:trail/TEST-trail");
  });

  test.each<[string, string, string]>([
    ["another role", "Admin", ACCOUNT],
    ["a role named like the hub's in another account", "trailguard-remediation", "999999999999"],
    ["a role named like the member role when the deployment has none", "trailguard-member-remediation", ACCOUNT],
  ])("a session named trailguard-… issued by %s is not labelled trailguard's", async (_label, issuer, issuerAccount) => {
    trailIs("compliant");
    const report = await handleTamperEvent(updateTrailBy(issuer, "trailguard-2225a341-4d9c-5063-a44b-d2bf0c0ccf7b", issuerAccount), deps());
    expect(report?.result).toBe("compliant");
    expect(report).not.toHaveProperty("remediationRole");
    expect(sentReport().slack.blocks[0].text.text).toBe(":information_source: No checked setting drifted on trail arn:aws:cloudtrail:us-west-2:0123456789012:trail/TEST-trail");
  });

  test("another namePrefix: the hub Lambda's session is its function name, acme-remediate, and its restore is labelled", async () => {
    trailIs("compliant");
    const report = await handleTamperEvent(updateTrailBy("acme-remediation", "acme-remediate"), deps({ reportEventBus: "acme" }));
    expect(report?.result).toBe("compliant");
    expect(report?.remediationRole).toEqual({ kind: "own-restore", role: "acme-remediation", session: "acme-remediate" });
  });

  test("the hub role with a session named neither like the Lambda nor like trailguard's, trail compliant: no label and no warning", async () => {
    trailIs("compliant");
    const report = await handleTamperEvent(updateTrailBy("acme-remediation", "trailguard-0d3c5b8e"), deps({ reportEventBus: "acme" }));
    expect(report?.result).toBe("compliant");
    expect(report).not.toHaveProperty("remediationRole");
  });

  test("the hub role with a session trailguard did not name, trail drifted: the warning", async () => {
    trailIs("drifted");
    const report = await handleTamperEvent(updateTrailBy("acme-remediation", "mallory"), deps({ reportEventBus: "acme" }));
    expect(report).toMatchObject({ result: "restored", remediationRole: { kind: "someone-else", role: "acme-remediation", session: "mallory" } });
    expect(sentReport().slack.blocks[1].text.text).toContain(
      "This call was made with trailguard's remediation role: someone may be using it (role acme-remediation, session mallory).",
    );
  });

  test("trailguard's session on a trail it does not list (only logging is checked there): the warning, not the label", async () => {
    trailIs("compliant");
    const report = await handleTamperEvent(updateTrailBy("trailguard-remediation", "trailguard-remediate"), deps({ trails: [] }));
    expect(report).toMatchObject({ result: "compliant", remediationRole: { kind: "someone-else" } });
    expect(sentReport().slack.blocks[0].text.text).toBe(":information_source: No checked setting drifted on trail arn:aws:cloudtrail:us-west-2:0123456789012:trail/TEST-trail");
  });

  test("trailguard's session in dry run (trailguard makes no call): the warning, not the label", async () => {
    trailIs("compliant");
    const report = await handleTamperEvent(updateTrailBy("trailguard-remediation", "trailguard-remediate"), deps({ mode: "dry-run" }));
    expect(report).toMatchObject({ result: "compliant", remediationRole: { kind: "someone-else" } });
  });

  test("the warning is sent even inside an incident already reported; trailguard's own restore there is not", async () => {
    trailIs("compliant");
    const d = deps();
    d.incidents.set(ARN, d.now().getTime());
    await expect(handleTamperEvent(updateTrailBy("trailguard-remediation", "trailguard-remediate"), d)).resolves.toBeUndefined();
    await expect(handleTamperEvent(updateTrailBy("trailguard-remediation", "trailguard-remediate"), { ...d, settings: { ...d.settings, trails: [] } })).resolves.toMatchObject({
      remediationRole: { kind: "someone-else" },
    });
    expect(eb.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  test("the member role in a member account (trailguard only restarts logging there): the warning, naming the event its session claims", async () => {
    const MEMBER = "111122223333";
    const memberArn = `arn:aws:cloudtrail:us-west-2:${MEMBER}:trail/TEST-trail`;
    const event = updateTrailBy("trailguard-member-remediation", "trailguard-2225a341-4d9c-5063-a44b-d2bf0c0ccf7b", MEMBER);
    event.account = MEMBER;
    event.detail.recipientAccountId = MEMBER;
    event.detail.requestParameters.name = memberArn;
    ct.on(DescribeTrailsCommand).resolves(describedTrail({ Name: "TEST-trail", TrailARN: memberArn, HomeRegion: "us-west-2" }));
    ct.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    const base = deps({ memberRoleName: "trailguard-member-remediation" });
    const report = await handleTamperEvent(event, { ...base, clients: { ...base.clients, inAccount: async () => base.clients } });
    expect(report).toMatchObject({
      result: "compliant",
      remediationRole: { kind: "someone-else", role: "trailguard-member-remediation", session: "trailguard-2225a341-4d9c-5063-a44b-d2bf0c0ccf7b", restoreOf: "2225a341-4d9c-5063-a44b-d2bf0c0ccf7b" },
    });
    expect(sentReport().slack.blocks[1].text.text).toContain(
      "This call was made with trailguard's remediation role: someone may be using it (role trailguard-member-remediation, session trailguard-2225a341-4d9c-5063-a44b-d2bf0c0ccf7b, restoring after EventBridge event 2225a341-4d9c-5063-a44b-d2bf0c0ccf7b).",
    );
  });
});
