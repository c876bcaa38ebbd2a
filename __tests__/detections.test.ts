import {
  ADJACENT_DETECTIONS,
  buildCatalog,
  CatalogContext,
  cloudTrailCallPattern,
  DEFAULT_INCLUDE,
  Detection,
  groupDetections,
  groupPattern,
  groupRegions,
  selectDetections,
  selectionWarnings,
  TRAIL_DETECTIONS,
} from "../modules/detections";
import { EVENT_DATA_STORE_EVENTS } from "../lambda-src/lib/contract";
import { parseTamperEvent } from "../lambda-src/lib/tamper-event";
import { evaluateInputTransformer } from "../modules/eventbridge/input-transformer";
import { matchesPattern } from "../modules/eventbridge/pattern";
import { alertTransformer } from "../modules/messages";
import { byAwsService, isFailed, loadFixture, tamperFixtures } from "./helpers/fixtures";

const CTX: CatalogContext = { namePrefix: "trailguard", trailBuckets: [], trailKeys: [], trailLogGroups: [] };

describe("cloudTrailCallPattern", () => {
  test("matches CloudTrail records of the service's calls", () => {
    expect(cloudTrailCallPattern({ service: "cloudtrail", eventNames: ["StopLogging"] })).toEqual({
      source: ["aws.cloudtrail"],
      "detail-type": ["AWS API Call via CloudTrail"],
      detail: { eventSource: ["cloudtrail.amazonaws.com"], eventName: ["StopLogging"] },
    });
  });

  test("outcome adds an errorCode exists filter", () => {
    const failed = cloudTrailCallPattern({ service: "cloudtrail", eventNames: ["StopLogging"], outcome: "failed" });
    const ok = cloudTrailCallPattern({ service: "cloudtrail", eventNames: ["StopLogging"], outcome: "succeeded" });
    expect((failed.detail as Record<string, unknown>).errorCode).toEqual([{ "anything-but": "" }]);
    // Some successful records carry errorCode "": still a success.
    expect((ok.detail as Record<string, unknown>).errorCode).toEqual([{ exists: false }, ""]);
  });

  test("refuses an empty event list and a service that is not a prefix", () => {
    expect(() => cloudTrailCallPattern({ service: "cloudtrail", eventNames: [] })).toThrow(/must not be empty/);
    expect(() => cloudTrailCallPattern({ service: "cloudtrail.amazonaws.com", eventNames: ["X"] })).toThrow(/service/);
  });
});

describe("the trail group on real CloudTrail records", () => {
  const [trail] = groupDetections(TRAIL_DETECTIONS);
  const succeeded = groupPattern(trail, "succeeded");
  const failed = groupPattern(trail, "failed");

  test("is one rule per outcome over the whole tamper family, named as in the first slice", () => {
    expect(trail).toMatchObject({ logicalName: "tamper", key: "cloudtrail-tamper", severity: "critical", outcomes: ["succeeded", "failed"] });
    expect(succeeded).toEqual(
      cloudTrailCallPattern({
        service: "cloudtrail",
        eventNames: ["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "PutInsightSelectors", "StopEventDataStoreIngestion", "DeleteEventDataStore", "UpdateEventDataStore"],
        outcome: "succeeded",
      }),
    );
  });

  test.each(tamperFixtures())("%s is caught by exactly the rule of its outcome", (_name, event) => {
    expect(matchesPattern(succeeded, event)).toBe(!isFailed(event));
    expect(matchesPattern(failed, event)).toBe(isFailed(event));
  });

  test("UpdateEventDataStore reaches the remediate Lambda as a CloudTrail Lake call: parsed, with no trail to restore", () => {
    const parsed = parseTamperEvent(loadFixture("catalog/trail/update-event-data-store"));
    expect(parsed.ok && [parsed.event.eventName, parsed.event.trail]).toEqual(["UpdateEventDataStore", undefined]);
    expect(EVENT_DATA_STORE_EVENTS).toEqual(["StopEventDataStoreIngestion", "DeleteEventDataStore", "UpdateEventDataStore"]);
  });

  test("a call made by an AWS service is caught too", () => {
    expect(matchesPattern(succeeded, byAwsService(loadFixture("stop-logging")))).toBe(true);
  });

  test("RunInstances and a read-only GetTrailStatus match neither rule", () => {
    const status = loadFixture("stop-logging");
    status.detail.eventName = "GetTrailStatus";
    for (const e of [loadFixture("run-instances"), status]) {
      expect(matchesPattern(succeeded, e)).toBe(false);
      expect(matchesPattern(failed, e)).toBe(false);
    }
  });
});

describe("selection", () => {
  const catalog = buildCatalog(CTX);
  const ids = (ds: readonly Detection[]) => ds.map((d) => d.id);

  test("the default selection is trail, delivery path and self; the adjacent family is opt-in", () => {
    const selected = selectDetections(catalog, { include: DEFAULT_INCLUDE, exclude: [] });
    expect(new Set(selected.map((d) => d.family))).toEqual(new Set(["trail", "delivery", "self"]));
    expect(ids(selected)).not.toContain("organization-left");
    expect(ADJACENT_DETECTIONS.every((d) => d.optIn)).toBe(true);
  });

  test("include takes ids or families; exclude wins; the trail family always stays", () => {
    const selected = selectDetections(catalog, { include: ["trail", "flow-logs-deleted", "self"], exclude: ["self-lambda", "trail-delete"] });
    expect(ids(selected)).toEqual([
      ...ids(TRAIL_DETECTIONS),
      "self-eventbridge",
      "self-stacksets",
      "self-queue",
      "self-alarm-topic",
      "self-alarms",
      "self-logs",
      "self-iam",
      "self-organization-access",
      "self-organization-accounts",
      "self-organization-policies",
      "flow-logs-deleted",
    ]);
  });

  test("each group has one severity and outcome policy, and few rules: 7 by default, 10 with everything", () => {
    const count = (include: string[]) =>
      groupDetections(selectDetections(catalog, { include, exclude: [] })).reduce((n, g) => n + g.outcomes.length, 0);
    expect(count([...DEFAULT_INCLUDE])).toBe(7); // tamper, tamper_attempt, delivery, delivery_global, self, self_2, self_global
    expect(count([...DEFAULT_INCLUDE, "adjacent"])).toBe(10); // + adjacent, adjacent_global (x2 outcomes)
  });

  test("the Organizations calls of the delivery and self families get the us-east-1 rules delivery_global and self_global", () => {
    const groups = groupDetections(selectDetections(catalog, { include: [...DEFAULT_INCLUDE], exclude: [] })).filter((g) => g.scope === "global");
    expect(groups.map((g) => [g.logicalName, g.title, g.detections.map((d) => d.id)])).toEqual([
      ["delivery_global", "CloudTrail's trusted access to the organization disabled, or its delegated administrator removed", ["trail-organization-access"]],
      ["self_global", "trailguard itself changed", ["self-iam", "self-organization-access", "self-organization-accounts", "self-organization-policies"]],
    ]);
    for (const g of groups) expect(groupRegions(g, ["eu-west-1", "us-east-1"])).toEqual(["us-east-1"]);
  });

  test("a family whose pattern would pass 2,048 characters is split into rules that fit, in catalog order", () => {
    const groups = groupDetections(selectDetections(catalog, { include: ["self"], exclude: [] })).filter((g) => g.family === "self");
    expect(groups.map((g) => [g.key, g.logicalName, g.detections.map((d) => d.id)])).toEqual([
      ["self", "self", ["self-eventbridge", "self-lambda", "self-stacksets", "self-queue"]],
      ["self-2", "self_2", ["self-alarm-topic", "self-alarms", "self-logs"]],
      ["self-global", "self_global", ["self-iam", "self-organization-access", "self-organization-accounts", "self-organization-policies"]],
    ]);
    for (const g of groups) expect(JSON.stringify(groupPattern(g, "succeeded")).length).toBeLessThanOrEqual(2048);
  });

  test("global detections get a rule only in us-east-1, and a warning when us-east-1 is not configured", () => {
    const groups = groupDetections(selectDetections(catalog, { include: ["adjacent"], exclude: [] }));
    const global = groups.find((g) => g.scope === "global")!;
    expect(global.detections.map((d) => d.id)).toEqual(["organization-left"]);
    expect(groupRegions(global, ["eu-west-1", "us-east-1"])).toEqual(["us-east-1"]);
    expect(groupRegions(global, ["eu-west-1"])).toEqual([]);
    expect(selectionWarnings(groups, ["eu-west-1"])).toEqual([expect.stringContaining("organization-left watch a global service")]);
    expect(selectionWarnings(groups, ["us-east-1"])).toEqual([]);
  });
});

describe("alerts on Organizations calls", () => {
  const groups = groupDetections(selectDetections(buildCatalog(CTX), { include: [...DEFAULT_INCLUDE], exclude: [] }));
  const summary = (logicalName: string, fixture: string): string => {
    const g = groups.find((x) => x.logicalName === logicalName)!;
    const transformer = alertTransformer({ outcome: "succeeded", severity: g.severity, title: g.title, detectionIds: g.detections.map((d) => d.id), resource: g.resource, channel: "C0123ABCDEF" });
    return JSON.parse(evaluateInputTransformer(transformer, loadFixture(fixture))).text;
  };

  test("a DisableAWSServiceAccess alert names the service principal whose trusted access was disabled", () => {
    expect(summary("delivery_global", "catalog/delivery/disable-aws-service-access-cloudtrail")).toBe(
      "HIGH CloudTrail's trusted access to the organization disabled, or its delegated administrator removed: DisableAWSServiceAccess on cloudtrail.amazonaws.com in account <MANAGEMENT_ACCT_ID> (us-east-1) by <MANAGEMENT_ACCT_ID>",
    );
    expect(summary("self_global", "catalog/self/disable-aws-service-access-stacksets")).toBe(
      "HIGH trailguard itself changed: DisableAWSServiceAccess on member.org.stacksets.cloudformation.amazonaws.com in account <MANAGEMENT_ACCT_ID> (us-east-1) by <MANAGEMENT_ACCT_ID>",
    );
  });

  test("a DeregisterDelegatedAdministrator alert names the service principal (not the account: the rule's title says what was removed)", () => {
    expect(summary("delivery_global", "catalog/delivery/deregister-delegated-administrator-cloudtrail")).toBe(
      "HIGH CloudTrail's trusted access to the organization disabled, or its delegated administrator removed: DeregisterDelegatedAdministrator on cloudtrail.amazonaws.com in account <MANAGEMENT_ACCT_ID> (us-east-1) by <MANAGEMENT_ACCT_ID>",
    );
    expect(summary("self_global", "catalog/self/deregister-delegated-administrator-stacksets")).toBe(
      "HIGH trailguard itself changed: DeregisterDelegatedAdministrator on member.org.stacksets.cloudformation.amazonaws.com in account <MANAGEMENT_ACCT_ID> (us-east-1) by <MANAGEMENT_ACCT_ID>",
    );
  });
});
