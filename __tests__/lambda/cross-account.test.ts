import { FakeAws, oneTrailAccount, SeenRequest, serveDuringTests } from "../helpers/fake-aws";
import { loadFixture } from "../helpers/fixtures";
import { invokeBundle } from "../helpers/invoke-bundle";

/**
 * The remediate bundle in an organization, over real HTTP: a member account's trail is restarted through
 * the member role (sts:AssumeRole against the local fake, answered in the Query protocol's XML), signed with
 * the member session's credentials for the trail's home region; the report goes to the hub bus with the
 * Lambda's own. A refused AssumeRole is reported, and the invocation ends normally.
 */
const HUB = "123456789012";
const MEMBER = "111122223333";
const TRAIL_HOME = "eu-west-1";
const TRAIL_ARN = `arn:aws:cloudtrail:${TRAIL_HOME}:${MEMBER}:trail/member-trail`;
const MEMBER_KEY = "ASIAMEMBERSESSION000";

let refuse = false;
const member = oneTrailAccount(TRAIL_ARN, TRAIL_HOME);
const fake = new FakeAws((req: SeenRequest) => {
  if (req.op === "AssumeRole") {
    if (refuse) {
      return {
        status: 403,
        xml: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
      };
    }
    return {
      xml:
        `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>` +
        `<AccessKeyId>${MEMBER_KEY}</AccessKeyId><SecretAccessKey>member-secret</SecretAccessKey><SessionToken>member-token</SessionToken>` +
        `<Expiration>2030-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROAMEMBER:trailguard</AssumedRoleId>` +
        `<Arn>arn:aws:sts::${MEMBER}:assumed-role/trailguard-member-remediation/trailguard</Arn></AssumedRoleUser></AssumeRoleResult>` +
        `<ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    };
  }
  return member(req);
});

const SETTINGS = {
  mode: "enforce",
  unlistedTrails: "restart",
  recreateDeletedTrails: false,
  reportEventBus: "trailguard",
  trails: [],
  memberRoleName: "trailguard-member-remediation",
  accountNames: { [MEMBER]: "prod-payments" },
};

const endpoint = serveDuringTests(fake, () => {
  refuse = false;
});

/** A real StopLogging record, as if made in the member account against its own trail. */
function memberStopLogging() {
  const event = loadFixture("stop-logging-assumed-role");
  event.account = MEMBER;
  event.region = TRAIL_HOME;
  event.detail.awsRegion = TRAIL_HOME;
  event.detail.recipientAccountId = MEMBER;
  event.detail.requestParameters.name = TRAIL_ARN;
  return event;
}

const invoke = (event: unknown) =>
  invokeBundle("remediate", event, {
    endpoint: endpoint(),
    region: "us-east-1",
    budgetMs: 30_000,
    functionArn: `arn:aws:lambda:us-east-1:${HUB}:function:trailguard-remediate`,
    env: { AWS_MAX_ATTEMPTS: "1", TRAILGUARD_SETTINGS: JSON.stringify(SETTINGS) },
  });

test("a member account's trail is restarted as the member role, in the trail's home region; the event ID names the session", async () => {
  const event = memberStopLogging();
  const run = await invoke(event);
  expect(run.outcome).toBe("resolved");
  const assume = fake.seen.find((r) => r.op === "AssumeRole")!;
  expect([assume.service, assume.region, assume.accessKeyId]).toEqual(["sts", "us-east-1", "fake-lambda-role-key-id"]);
  expect(assume.body.RoleArn).toBe(`arn:aws:iam::${MEMBER}:role/trailguard-member-remediation`);
  expect(assume.body.RoleSessionName).toBe(`trailguard-${event.id}`);
  const start = fake.seen.find((r) => r.op === "StartLogging")!;
  expect([start.region, start.accessKeyId, start.body]).toEqual([TRAIL_HOME, MEMBER_KEY, { Name: TRAIL_ARN }]);
  // Every CloudTrail call is the member's; the report goes to the hub bus with the Lambda's own role.
  expect(new Set(fake.seen.filter((r) => r.service === "cloudtrail").map((r) => r.accessKeyId))).toEqual(new Set([MEMBER_KEY]));
  const put = fake.seen.find((r) => r.op === "AWSEvents.PutEvents")!;
  expect([put.region, put.accessKeyId]).toEqual(["us-east-1", "fake-lambda-role-key-id"]);
  const detail = JSON.parse(put.body.Entries[0].Detail);
  expect(detail.result).toBe("restored");
  expect(JSON.stringify(detail.slack.blocks)).toContain(`*Account*\\n${MEMBER} (prod-payments)`);
});

test("a refused AssumeRole is reported, not thrown: no CloudTrail call, the report says why", async () => {
  refuse = true;
  const run = await invoke(memberStopLogging());
  expect(run.outcome).toBe("resolved");
  expect(fake.seen.filter((r) => r.service === "cloudtrail")).toEqual([]);
  const detail = JSON.parse(fake.seen.find((r) => r.op === "AWSEvents.PutEvents")!.body.Entries[0].Detail);
  expect([detail.result, detail.errorCode]).toEqual(["failed", "AccessDenied"]);
  expect(detail.reason).toBe("could not assume trailguard-member-remediation in account 111122223333: AccessDenied: User is not authorized to perform: sts:AssumeRole");
});

test("a trail of this account needs no role", async () => {
  const event = memberStopLogging();
  event.account = HUB;
  event.detail.recipientAccountId = HUB;
  event.detail.requestParameters.name = "member-trail";
  await invoke(event);
  expect(fake.seen.find((r) => r.op === "AssumeRole")).toBeUndefined();
});
