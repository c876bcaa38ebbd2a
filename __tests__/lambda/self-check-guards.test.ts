import { alarmTopicProblems, AlarmTopicObservation, functionProblems, FunctionObservation } from "../../lambda-src/lib/self-check-guards";
import type { FunctionExpectation } from "../../lambda-src/lib/self-check-settings";

const DEPLOYED: FunctionExpectation = {
  code: "k0a1tHx0Zg0vTn3C8ySgz3m0rHn7vC1n2x3y4z5a6b8=",
  role: "arn:aws:iam::123456789012:role/trailguard-remediation",
  env: "0123456789abcdef",
  concurrency: 1,
};
const AS_DEPLOYED: FunctionObservation = { name: "trailguard-remediate", ...DEPLOYED };

describe("functionProblems: a Lambda as Terraform deployed it, or how it changed", () => {
  test("as deployed: no problem", () => {
    expect(functionProblems(AS_DEPLOYED, DEPLOYED)).toEqual([]);
  });

  test.each<[string, Partial<FunctionObservation>, string[]]>([
    ["new code", { code: "AAAAbbbbCCCCddddEEEEffffGGGGhhhhIIIIjjjjKKKK" }, ["Lambda trailguard-remediate runs other code than trailguard deployed (CodeSha256 AAAAbbbbCCCCddddEEEEffffGGGGhhhhIIIIjjjjKKKK)"]],
    ["another role", { role: "arn:aws:iam::123456789012:role/attacker" }, ["Lambda trailguard-remediate runs as arn:aws:iam::123456789012:role/attacker, not arn:aws:iam::123456789012:role/trailguard-remediation"]],
    ["other settings (dry run instead of enforce)", { env: "fedcba9876543210" }, ["Lambda trailguard-remediate has other environment variables than trailguard set"]],
    ["zero concurrency", { concurrency: 0 }, ["Lambda trailguard-remediate has reserved concurrency 0, not 1: it cannot run"]],
    ["unreserved", { concurrency: -1 }, ["Lambda trailguard-remediate has reserved concurrency none, not 1"]],
    ["deleted", { error: "ResourceNotFoundException" }, ["Lambda trailguard-remediate is missing"]],
    ["unreadable", { error: "AccessDeniedException" }, ["Lambda trailguard-remediate could not be checked: AccessDeniedException"]],
  ])("%s", (_label, change, expected) => {
    expect(functionProblems({ ...AS_DEPLOYED, ...change }, DEPLOYED)).toEqual(expected);
  });
});

describe("alarmTopicProblems: the independent path", () => {
  const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const TOPIC = "arn:aws:sns:us-east-1:123456789012:trailguard-alarms";
  const SUB = `${TOPIC}:0d3c5b8e-9a51-4b7f-9f1e-5f0e7a520a01`;
  const HEALTHY: AlarmTopicObservation = { topic: TOPIC, key: KEY, keyState: "Enabled", confirmed: [SUB], filtered: [] };
  const settings = { alarmKey: KEY, expectSubscriber: true };

  test("encrypted with its key, the key enabled, one confirmed subscriber without a filter: no problem", () => {
    expect(alarmTopicProblems(HEALTHY, settings)).toEqual([]);
  });

  test.each<[string, Partial<AlarmTopicObservation>, string[]]>([
    ["the key scheduled for deletion", { keyState: "PendingDeletion" }, [`the alarm topic's key ${KEY} is PendingDeletion, not Enabled: the topic cannot deliver`]],
    ["the key disabled", { keyState: "Disabled" }, [`the alarm topic's key ${KEY} is Disabled, not Enabled: the topic cannot deliver`]],
    [
      "the topic re-keyed",
      { key: "arn:aws:kms:us-east-1:999999999999:key/other" },
      [`alarm topic ${TOPIC} is encrypted with arn:aws:kms:us-east-1:999999999999:key/other, not trailguard's key ${KEY}`],
    ],
    ["the only subscriber unsubscribed", { confirmed: [] }, [`alarm topic ${TOPIC} has no confirmed subscription: alarms and self-alerts reach nobody`]],
    ["a filter policy that drops every alarm", { filtered: [SUB] }, [`alarm topic ${TOPIC}: subscription ${SUB} has a filter policy (or could not be read): it may drop alarms`]],
    ["the topic deleted", { error: "NotFound", key: undefined, confirmed: undefined }, [`alarm topic ${TOPIC} is missing`]],
  ])("%s", (_label, change, expected) => {
    expect(alarmTopicProblems({ ...HEALTHY, ...change }, settings)).toEqual(expected);
  });

  test("without alarms.email, no subscriber is the user's choice, not a problem", () => {
    expect(alarmTopicProblems({ ...HEALTHY, confirmed: [] }, { alarmKey: KEY, expectSubscriber: false })).toEqual([]);
  });
});
