import { cloudTrailCallPattern, TRAIL_TAMPER_EVENTS, trailTamperPattern } from "../modules/detections";
import { matchesPattern } from "./helpers/eventbridge-pattern";
import { byAwsService, isFailed, loadFixture, tamperFixtures } from "./helpers/fixtures";

describe("cloudTrailCallPattern", () => {
  test("matches CloudTrail records of the service's calls on the default bus's envelope fields", () => {
    expect(cloudTrailCallPattern({ service: "cloudtrail", eventNames: ["StopLogging"] })).toEqual({
      source: ["aws.cloudtrail"],
      "detail-type": ["AWS API Call via CloudTrail"],
      detail: { eventSource: ["cloudtrail.amazonaws.com"], eventName: ["StopLogging"] },
    });
  });

  test("outcome adds an errorCode exists filter", () => {
    const failed = cloudTrailCallPattern({ service: "cloudtrail", eventNames: ["StopLogging"], outcome: "failed" });
    const ok = cloudTrailCallPattern({ service: "cloudtrail", eventNames: ["StopLogging"], outcome: "succeeded" });
    expect((failed.detail as Record<string, unknown>).errorCode).toEqual([{ exists: true }]);
    expect((ok.detail as Record<string, unknown>).errorCode).toEqual([{ exists: false }]);
  });

  test("refuses an empty event list and a service that is not a prefix", () => {
    expect(() => cloudTrailCallPattern({ service: "cloudtrail", eventNames: [] })).toThrow(/must not be empty/);
    expect(() => cloudTrailCallPattern({ service: "cloudtrail.amazonaws.com", eventNames: ["X"] })).toThrow(/service/);
  });
});

describe("trail tamper patterns on real CloudTrail records", () => {
  const succeeded = trailTamperPattern("succeeded");
  const failed = trailTamperPattern("failed");

  test("cover the whole tamper family", () => {
    expect((succeeded.detail as Record<string, unknown>).eventName).toEqual([...TRAIL_TAMPER_EVENTS]);
  });

  test.each(tamperFixtures())("%s is caught by exactly the rule of its outcome", (_name, event) => {
    expect(matchesPattern(succeeded, event)).toBe(!isFailed(event));
    expect(matchesPattern(failed, event)).toBe(isFailed(event));
  });

  test("a call made by an AWS service is caught too", () => {
    expect(matchesPattern(succeeded, byAwsService(loadFixture("stop-logging")))).toBe(true);
  });

  test("RunInstances matches neither rule", () => {
    const runInstances = loadFixture("run-instances");
    expect(matchesPattern(succeeded, runInstances)).toBe(false);
    expect(matchesPattern(failed, runInstances)).toBe(false);
  });

  test("a read-only CloudTrail call (GetTrailStatus) matches neither rule", () => {
    const status = loadFixture("stop-logging");
    status.detail.eventName = "GetTrailStatus";
    expect(matchesPattern(succeeded, status)).toBe(false);
    expect(matchesPattern(failed, status)).toBe(false);
  });
});
