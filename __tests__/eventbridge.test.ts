import { evaluateInputTransformer, resolvePath } from "../modules/eventbridge/input-transformer";
import { matchesPattern } from "../modules/eventbridge/pattern";

// The EC2 example event of the AWS "Transforming Amazon EventBridge target input" page.
const EC2_EVENT = {
  version: "0",
  id: "7bf73129-1428-4cd3-a780-95db273d1602",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "123456789012",
  time: "2015-11-11T21:29:54Z",
  region: "us-east-1",
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
  detail: { "instance-id": "i-0123456789", state: "RUNNING" },
};
const PATHS = { timestamp: "$.time", instance: "$.detail.instance-id", state: "$.detail.state" };
const run = (inputTemplate: string, event: unknown = EC2_EVENT) =>
  evaluateInputTransformer({ inputPaths: PATHS, inputTemplate }, event);

describe("input transformer evaluator (the AWS documentation's examples)", () => {
  test("a simple string pastes the values as raw text", () => {
    expect(run('"instance <instance> is in <state>"')).toBe('"instance i-0123456789 is in RUNNING"');
  });

  test("an unquoted placeholder becomes a JSON value", () => {
    expect(JSON.parse(run('{"instance" : <instance>, "state": <state>}'))).toEqual({
      instance: "i-0123456789",
      state: "RUNNING",
    });
  });

  test("a mix of variables and static values in an array", () => {
    expect(JSON.parse(run('{"instance" : <instance>, "state": [ 9, <state>, true ], "Transformed" : "Yes"}'))).toEqual({
      instance: "i-0123456789",
      state: [9, "RUNNING", true],
      Transformed: "Yes",
    });
  });

  test("values are not escaped inside quotes: a quote in the value breaks the JSON", () => {
    const event = { ...EC2_EVENT, detail: { ...EC2_EVENT.detail, state: 'RUN"NING' } };
    expect(run('{"s": "<state>"}', event)).toBe('{"s": "RUN"NING"}');
    expect(() => JSON.parse(run('{"s": "<state>"}', event))).toThrow();
  });

  test("a variable whose path is missing is not created: empty inside quotes, invalid JSON unquoted", () => {
    const inputPaths = { nope: "$.detail.nope" };
    expect(evaluateInputTransformer({ inputPaths, inputTemplate: '{"a": "x<nope>y"}' }, EC2_EVENT)).toBe('{"a": "xy"}');
    expect(() => JSON.parse(evaluateInputTransformer({ inputPaths, inputTemplate: '{"a": <nope>}' }, EC2_EVENT))).toThrow();
    expect(
      evaluateInputTransformer({ inputPaths, inputTemplate: '{"a": "x<nope>y"}' }, EC2_EVENT, { missing: "stays-literal" }),
    ).toBe('{"a": "x<nope>y"}');
  });

  test("angle brackets that name no variable stay as text, and escapes in the template are kept", () => {
    expect(run('"<b>\\"<state>\\"</b>"')).toBe('"<b>\\"RUNNING\\"</b>"');
  });

  test("paths follow dots and array indices", () => {
    expect(resolvePath(EC2_EVENT, "$.resources[0]")).toBe("arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111");
    expect(resolvePath(EC2_EVENT, "$.detail.instance-id")).toBe("i-0123456789");
    expect(resolvePath(EC2_EVENT, "$.detail.missing.deeper")).toBeUndefined();
  });
});

// Examples adapted from the AWS "Content filtering in Amazon EventBridge event patterns" page.
describe("event pattern matcher (the AWS documentation's operators)", () => {
  const event = {
    source: "aws.ec2",
    detail: {
      state: "running",
      "instance-id": "i-0123456789",
      c_count: 5,
      d_count: 10,
      tags: ["prod", "web"],
      location: "us-east-1a",
      filename: "image.png",
      eventName: "CreateFunction20150331",
      nullish: null,
    },
  };
  const m = (detail: object) => matchesPattern({ source: ["aws.ec2"], detail }, event);

  test("exact values: any listed value may match", () => {
    expect(m({ state: ["pending", "running"] })).toBe(true);
    expect(m({ state: ["stopped"] })).toBe(false);
    expect(m({ nullish: [null] })).toBe(true);
  });

  test("an array in the event matches if any element matches", () => {
    expect(m({ tags: ["web"] })).toBe(true);
    expect(m({ tags: ["dev"] })).toBe(false);
  });

  test("prefix, suffix, equals-ignore-case and wildcard", () => {
    expect(m({ eventName: [{ prefix: "CreateFunction" }] })).toBe(true);
    expect(m({ eventName: [{ prefix: "DeleteFunction" }] })).toBe(false);
    expect(m({ filename: [{ suffix: ".png" }] })).toBe(true);
    expect(m({ state: [{ "equals-ignore-case": "RUNNING" }] })).toBe(true);
    expect(m({ location: [{ wildcard: "us-*-1a" }] })).toBe(true);
    expect(m({ location: [{ wildcard: "eu-*" }] })).toBe(false);
  });

  test("anything-but: a value, a list, a prefix; a missing field does not match", () => {
    expect(m({ state: [{ "anything-but": "stopped" }] })).toBe(true);
    expect(m({ state: [{ "anything-but": ["running", "stopped"] }] })).toBe(false);
    expect(m({ state: [{ "anything-but": { prefix: "run" } }] })).toBe(false);
    expect(m({ absent: [{ "anything-but": "x" }] })).toBe(false);
  });

  test("exists: true for a present leaf, false for a missing field", () => {
    expect(m({ state: [{ exists: true }] })).toBe(true);
    expect(m({ errorCode: [{ exists: false }] })).toBe(true);
    expect(m({ errorCode: [{ exists: true }] })).toBe(false);
    expect(m({ state: [{ exists: false }] })).toBe(false);
  });

  test("numeric ranges", () => {
    expect(m({ c_count: [{ numeric: [">", 0, "<=", 5] }] })).toBe(true);
    expect(m({ d_count: [{ numeric: ["<", 10] }] })).toBe(false);
    expect(m({ d_count: [{ numeric: ["=", 10] }] })).toBe(true);
  });

  test("$or: any sub-pattern may match, combined with the other fields", () => {
    expect(m({ $or: [{ c_count: [{ numeric: [">", 10] }] }, { d_count: [10] }] })).toBe(true);
    expect(m({ $or: [{ c_count: [{ numeric: [">", 10] }] }, { d_count: [11] }] })).toBe(false);
  });

  test("nested objects must exist in the event; every field must match", () => {
    expect(matchesPattern({ detail: { missing: { x: ["y"] } } }, event)).toBe(false);
    expect(matchesPattern({ source: ["aws.ec2"], detail: { state: ["running"], c_count: [6] } }, event)).toBe(false);
  });

  test("an unknown operator is an error, not a silent miss", () => {
    expect(() => m({ state: [{ prefixx: "run" }] })).toThrow(/unknown matcher operator prefixx/);
  });
});
