import { driftNeedingAHuman, logsAllManagementEvents, planReconcile, planRecreate, restoredSelectors, TrailState, uncheckedSettings } from "../../lambda-src/lib/reconcile";
import type { KnownGoodTrail } from "../../lambda-src/lib/settings";

const GOOD: KnownGoodTrail = {
  name: "org-trail",
  homeRegion: "us-east-1",
  multiRegion: true,
  includeGlobalEvents: true,
  logFileValidation: true,
  s3Bucket: "audit-logs",
  kmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
  managementEvents: "All",
};
const ARN = "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail";
const HEALTHY: TrailState = {
  arn: ARN,
  name: "org-trail",
  homeRegion: "us-east-1",
  multiRegion: true,
  includeGlobalEvents: true,
  logFileValidation: true,
  s3Bucket: "audit-logs",
  kmsKeyId: GOOD.kmsKeyId,
};
const ALL_MGMT = { basic: [{ ReadWriteType: "All" as const, IncludeManagementEvents: true }] };

describe("settings beyond the bucket and key", () => {
  const CWL = { cloudWatchLogGroup: "org-trail-logs", cloudWatchLogsRoleArn: "arn:aws:iam::111122223333:role/CloudTrail_CloudWatchLogs_Role" };
  const delivering = {
    ...HEALTHY,
    cloudWatchLogsLogGroupArn: "arn:aws:logs:us-east-1:111122223333:log-group:org-trail-logs:*",
    cloudWatchLogsRoleArn: CWL.cloudWatchLogsRoleArn,
    organizationTrail: true,
  };

  test("CloudWatch Logs delivery removed by UpdateTrail is put back, with the configured role", () => {
    expect(planReconcile(delivering, true, ALL_MGMT, { ...GOOD, ...CWL })).toEqual([]);
    const [update] = planReconcile({ ...delivering, cloudWatchLogsLogGroupArn: undefined, cloudWatchLogsRoleArn: undefined }, true, ALL_MGMT, { ...GOOD, ...CWL });
    expect(update).toMatchObject({
      op: "UpdateTrail",
      input: { Name: ARN, CloudWatchLogsLogGroupArn: "arn:aws:logs:us-east-1:111122223333:log-group:org-trail-logs:*", CloudWatchLogsRoleArn: CWL.cloudWatchLogsRoleArn },
      why: ["CloudWatch Logs delivery (none), expected arn:aws:logs:us-east-1:111122223333:log-group:org-trail-logs:*"],
    });
  });

  test("without a configured role, CloudWatch Logs delivery is watched (by the delivery detection) but not restored", () => {
    expect(planReconcile({ ...delivering, cloudWatchLogsLogGroupArn: undefined }, true, ALL_MGMT, { ...GOOD, cloudWatchLogGroup: "org-trail-logs" })).toEqual([]);
  });

  test("an organization trail turned into a single-account trail is turned back, when the config says it is one", () => {
    const [update] = planReconcile({ ...delivering, organizationTrail: false }, true, ALL_MGMT, { ...GOOD, ...CWL, organizationTrail: true });
    expect(update).toMatchObject({ op: "UpdateTrail", input: { Name: ARN, IsOrganizationTrail: true }, why: ["organization trail off, expected on"] });
    expect(planReconcile({ ...delivering, organizationTrail: false }, true, ALL_MGMT, { ...GOOD, ...CWL })).toEqual([]);
  });

  test("a KMS key of another account is drift: restored when a key is configured, flagged for a human when none is", () => {
    const foreign = { ...HEALTHY, kmsKeyId: "arn:aws:kms:us-east-1:999999999999:key/attacker-key" };
    expect(planReconcile(foreign, true, ALL_MGMT, GOOD)[0]).toMatchObject({ op: "UpdateTrail", input: { KmsKeyId: GOOD.kmsKeyId } });
    const noKey = { ...GOOD, kmsKeyId: undefined };
    expect(planReconcile(foreign, true, ALL_MGMT, noKey)).toEqual([]);
    expect(driftNeedingAHuman(foreign, noKey)).toEqual([
      "the trail encrypts with arn:aws:kms:us-east-1:999999999999:key/attacker-key, a key of account 999999999999: whoever holds it can read (or stop) the logs; set kmsKeyId to restore a known-good key",
    ]);
    expect(driftNeedingAHuman({ ...HEALTHY, kmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/own" }, noKey)).toEqual([]);
  });
});

describe("planReconcile", () => {
  test("a healthy, logging trail needs nothing", () => {
    expect(planReconcile(HEALTHY, true, ALL_MGMT, GOOD)).toEqual([]);
  });

  test("a stopped trail is started first", () => {
    const steps = planReconcile({ ...HEALTHY, multiRegion: false }, false, ALL_MGMT, GOOD);
    expect(steps.map((s) => s.op)).toEqual(["StartLogging", "UpdateTrail"]);
  });

  test("each weakened setting is put back, and only those", () => {
    const weakened = { ...HEALTHY, multiRegion: false, includeGlobalEvents: false, logFileValidation: false, s3Bucket: "attacker-bucket", kmsKeyId: undefined };
    const [update] = planReconcile(weakened, true, ALL_MGMT, GOOD);
    expect(update).toMatchObject({
      op: "UpdateTrail",
      input: {
        Name: ARN,
        IsMultiRegionTrail: true,
        IncludeGlobalServiceEvents: true,
        EnableLogFileValidation: true,
        S3BucketName: "audit-logs",
        KmsKeyId: GOOD.kmsKeyId,
      },
    });
    expect(update.why).toContain("bucket attacker-bucket, expected audit-logs");
    const onlyValidation = planReconcile({ ...HEALTHY, logFileValidation: false }, true, ALL_MGMT, GOOD);
    expect(onlyValidation).toEqual([
      { op: "UpdateTrail", input: { Name: ARN, EnableLogFileValidation: true }, why: ["log file validation off, expected on"] },
    ]);
  });

  test("a swapped KMS key is put back; adding a key where config has none is left alone", () => {
    const swapped = planReconcile({ ...HEALTHY, kmsKeyId: "arn:aws:kms:us-east-1:444455556666:key/evil" }, true, ALL_MGMT, GOOD);
    expect(swapped[0]).toMatchObject({ op: "UpdateTrail", input: { KmsKeyId: GOOD.kmsKeyId } });
    expect(planReconcile(HEALTHY, true, ALL_MGMT, { ...GOOD, kmsKeyId: undefined })).toEqual([]);
  });

  test("selectors that drop management events are restored", () => {
    const steps = planReconcile(HEALTHY, true, { basic: [{ ReadWriteType: "All", IncludeManagementEvents: false }] }, GOOD);
    expect(steps.map((s) => s.op)).toEqual(["PutEventSelectors"]);
  });
});

describe("management event selectors", () => {
  test.each([
    ["basic: all management events", { basic: [{ ReadWriteType: "All", IncludeManagementEvents: true }] }, true],
    ["basic: write-only", { basic: [{ ReadWriteType: "WriteOnly", IncludeManagementEvents: true }] }, false],
    ["basic: management excluded", { basic: [{ ReadWriteType: "All", IncludeManagementEvents: false }] }, false],
    ["basic: KMS events excluded", { basic: [{ ReadWriteType: "All", IncludeManagementEvents: true, ExcludeManagementEventSources: ["kms.amazonaws.com"] }] }, false],
    ["basic: no selectors", { basic: [] }, false],
    ["advanced: management", { advanced: [{ FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }] }] }, true],
    ["advanced: read-only management", { advanced: [{ FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }, { Field: "readOnly", Equals: ["true"] }] }] }, false],
    ["advanced: data events only", { advanced: [{ FieldSelectors: [{ Field: "eventCategory", Equals: ["Data"] }, { Field: "resources.type", Equals: ["AWS::S3::Object"] }] }] }, false],
  ] as const)("%s -> %s", (_label, selectors, expected) => {
    expect(logsAllManagementEvents(selectors as never)).toBe(expected);
  });

  test("restoring basic selectors adds a management selector and leaves a WriteOnly data selector as it was", () => {
    const data = [{ Type: "AWS::S3::Object", Values: ["arn:aws:s3:::bucket/"] }];
    const dataSelector = { ReadWriteType: "WriteOnly" as const, IncludeManagementEvents: false, DataResources: data };
    expect(restoredSelectors(ARN, { basic: [dataSelector] })).toEqual({
      TrailName: ARN,
      EventSelectors: [dataSelector, { ReadWriteType: "All", IncludeManagementEvents: true, ExcludeManagementEventSources: [] }],
    });
  });

  test("with five selectors, the first one without data resources is made the management selector; data selectors are never rewritten", () => {
    const data = (n: number) => ({ ReadWriteType: "WriteOnly" as const, IncludeManagementEvents: false, DataResources: [{ Type: "AWS::S3::Object", Values: [`arn:aws:s3:::b${n}/`] }] });
    const narrowed = { ReadWriteType: "ReadOnly" as const, IncludeManagementEvents: true };
    const out = restoredSelectors(ARN, { basic: [data(1), narrowed, data(2), data(3), data(4)] });
    expect(out.EventSelectors).toEqual([data(1), { ReadWriteType: "All", IncludeManagementEvents: true, ExcludeManagementEventSources: [] }, data(2), data(3), data(4)]);
    expect(() => restoredSelectors(ARN, { basic: [data(1), data(2), data(3), data(4), data(5)] })).toThrow("all 5 event selectors hold data resources");
  });

  test("restoring advanced selectors replaces narrowed management selectors and keeps data selectors", () => {
    const dataSel = { Name: "s3", FieldSelectors: [{ Field: "eventCategory", Equals: ["Data"] }] };
    const narrowed = { FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }, { Field: "readOnly", Equals: ["true"] }] };
    const out = restoredSelectors(ARN, { advanced: [narrowed, dataSel] });
    expect(out.AdvancedEventSelectors).toEqual([
      { Name: "All management events (restored by trailguard)", FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }] },
      dataSel,
    ]);
    expect(logsAllManagementEvents({ advanced: out.AdvancedEventSelectors })).toBe(true);
  });
});

test("planRecreate creates the trail from its known-good settings, then starts it", () => {
  const steps = planRecreate(GOOD);
  expect(steps.map((s) => s.op)).toEqual(["CreateTrail", "StartLogging"]);
  expect(steps[0]).toMatchObject({ input: { Name: "org-trail", S3BucketName: "audit-logs", IsMultiRegionTrail: true, EnableLogFileValidation: true } });
});

describe("uncheckedSettings: what planReconcile does not compare, named in a compliant report", () => {
  const CWL = { cloudWatchLogGroup: "org-trail-logs", cloudWatchLogsRoleArn: "arn:aws:iam::111122223333:role/CloudTrail_CloudWatchLogs_Role" };

  test("a config that pins nothing optional leaves key prefix, KMS key, organization flag, CloudWatch Logs delivery, data and insight selectors and the SNS topic unchecked", () => {
    const bare: KnownGoodTrail = { ...GOOD, kmsKeyId: undefined };
    expect(uncheckedSettings(bare)).toEqual([
      "S3 key prefix (s3KeyPrefix unset)",
      "KMS key (kmsKeyId unset: only a key of another account is flagged)",
      "organization trail flag (organizationTrail unset)",
      "CloudWatch Logs delivery and its role (cloudWatchLogGroup and cloudWatchLogsRoleArn not both set)",
      "data event selectors, basic and advanced (only that all management events are recorded is checked)",
      "insight selectors",
      "SNS topic",
    ]);
  });

  test("a config that pins every optional setting leaves only data and insight selectors and the SNS topic unchecked", () => {
    expect(uncheckedSettings({ ...GOOD, s3KeyPrefix: "logs", organizationTrail: false, ...CWL })).toEqual([
      "data event selectors, basic and advanced (only that all management events are recorded is checked)",
      "insight selectors",
      "SNS topic",
    ]);
  });

  test("a log group without its role is not checked: delivery is compared only when both are set", () => {
    expect(uncheckedSettings({ ...GOOD, s3KeyPrefix: "logs", organizationTrail: true, cloudWatchLogGroup: CWL.cloudWatchLogGroup })).toEqual([
      "CloudWatch Logs delivery and its role (cloudWatchLogGroup and cloudWatchLogsRoleArn not both set)",
      "data event selectors, basic and advanced (only that all management events are recorded is checked)",
      "insight selectors",
      "SNS topic",
    ]);
  });

  test("what it calls unchecked is what planReconcile ignores: each such weakening alone plans nothing", () => {
    const bare: KnownGoodTrail = { ...GOOD, kmsKeyId: undefined };
    const weakened: TrailState = { ...HEALTHY, kmsKeyId: undefined, s3KeyPrefix: "elsewhere", organizationTrail: false, cloudWatchLogsLogGroupArn: undefined };
    const dataSelectorsGone = { advanced: [{ Name: "mgmt", FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }] }] };
    expect(planReconcile({ ...HEALTHY, kmsKeyId: undefined }, true, ALL_MGMT, bare)).toEqual([]);
    expect(planReconcile(weakened, true, dataSelectorsGone, { ...bare, cloudWatchLogGroup: CWL.cloudWatchLogGroup })).toEqual([]);
  });
});
