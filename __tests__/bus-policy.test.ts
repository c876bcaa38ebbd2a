import { WorstCase } from "../modules/quotas";
import { evaluate, Statement } from "./helpers/iam-evaluate";
import { CHANNEL_CONFIG, synthStack } from "./helpers/synth";

/** The hub bus policy as IAM receives it, with the account and ARNs filled in. */
const stack = synthStack(CHANNEL_CONFIG);
const worst = new WorstCase(stack, { longestRegion: "us-east-1" });
const busPolicy: Statement[] = JSON.parse(worst.template(stack.resource.aws_cloudwatch_event_bus_policy.hub.policy) as string).Statement;
const BUS = "arn:aws:events:us-east-1:123456789012:event-bus/trailguard";
const putEvents = (principalArn: string) => ({ principalArn, action: "events:PutEvents", resource: BUS });
/** An identity policy as broad as an administrator's. */
const ADMIN: Statement[] = [{ Effect: "Allow", Action: "events:*", Resource: "*" }];

test("the policy names the edge, remediation and heartbeat roles of this account", () => {
  expect(busPolicy[0].Principal).toEqual({
    AWS: ["arn:aws:iam::123456789012:role/trailguard-edge", "arn:aws:iam::123456789012:role/trailguard-remediation", "arn:aws:iam::123456789012:role/trailguard-heartbeat"],
  });
});

test("the edge role (as the edge rules' target role) may put events, with its own identity policy or without", () => {
  const edgePolicy: Statement[] = JSON.parse(worst.template(stack.resource.aws_iam_role_policy.edge.policy) as string).Statement;
  expect(evaluate(putEvents("arn:aws:iam::123456789012:role/trailguard-edge"), busPolicy, edgePolicy)).toBe("allowed");
  expect(evaluate(putEvents("arn:aws:iam::123456789012:role/trailguard-edge"), busPolicy, [])).toBe("allowed");
});

test("the remediation and heartbeat roles may put their reports", () => {
  expect(evaluate(putEvents("arn:aws:iam::123456789012:role/trailguard-remediation"), busPolicy, [])).toBe("allowed");
  expect(evaluate(putEvents("arn:aws:iam::123456789012:role/trailguard-heartbeat"), busPolicy, [])).toBe("allowed");
});

test("an administrator of the same account is denied, whatever their identity policy allows", () => {
  expect(evaluate(putEvents("arn:aws:iam::123456789012:role/Admin"), busPolicy, ADMIN)).toBe("denied");
  expect(evaluate(putEvents("arn:aws:iam::123456789012:user/alice"), busPolicy, ADMIN)).toBe("denied");
});

test("a role named like trailguard's in another account is denied", () => {
  expect(evaluate(putEvents("arn:aws:iam::999999999999:role/trailguard-edge"), busPolicy, ADMIN)).toBe("denied");
});

test("the policy denies only PutEvents: reading the bus is left to IAM", () => {
  expect(evaluate({ principalArn: "arn:aws:iam::123456789012:role/Admin", action: "events:DescribeEventBus", resource: BUS }, busPolicy, ADMIN)).toBe("allowed");
});

describe("reports (source trailguard) come from the remediation and heartbeat Lambdas only", () => {
  const send = (principalArn: string, eventSource: string) => ({ principalArn, action: "events:PutEvents", resource: BUS, eventSource });
  const edgePolicy: Statement[] = JSON.parse(worst.template(stack.resource.aws_iam_role_policy.edge.policy) as string).Statement;

  test("the edge role forwards CloudTrail's events but cannot send a report", () => {
    expect(evaluate(send("arn:aws:iam::123456789012:role/trailguard-edge", "aws.cloudtrail"), busPolicy, edgePolicy)).toBe("allowed");
    expect(evaluate(send("arn:aws:iam::123456789012:role/trailguard-edge", "trailguard"), busPolicy, edgePolicy)).toBe("denied");
  });

  test("the remediation and heartbeat roles may send reports", () => {
    expect(evaluate(send("arn:aws:iam::123456789012:role/trailguard-remediation", "trailguard"), busPolicy, [])).toBe("allowed");
    expect(evaluate(send("arn:aws:iam::123456789012:role/trailguard-heartbeat", "trailguard"), busPolicy, [])).toBe("allowed");
  });

  test("with remediation off, nobody may send one", () => {
    const off = synthStack({ ...CHANNEL_CONFIG, remediation: { mode: "off" } });
    const policy: Statement[] = JSON.parse(new WorstCase(off, { longestRegion: "us-east-1" }).template(off.resource.aws_cloudwatch_event_bus_policy.hub.policy) as string).Statement;
    expect(policy.map((s) => s.Sid)).toEqual(["TrailguardRolesMayWrite", "OnlyTrailguardLambdasSendReports", "NobodyElseMayWrite"]);
    expect(evaluate(send("arn:aws:iam::123456789012:role/trailguard-edge", "trailguard"), policy, edgePolicy)).toBe("denied");
    expect(evaluate(send("arn:aws:iam::123456789012:role/trailguard-edge", "aws.cloudtrail"), policy, edgePolicy)).toBe("allowed");
  });
});

describe("the edge role trusts its edge rules by exact name, in every region, and no rule of another bus", () => {
  const trust: Statement[] = JSON.parse(worst.template(stack.resource.aws_iam_role.edge.assume_role_policy) as string).Statement;
  const assume = (sourceArn: string, sourceAccount = "123456789012") => ({
    principalArn: "",
    principalService: "events.amazonaws.com",
    action: "sts:AssumeRole",
    resource: "arn:aws:iam::123456789012:role/trailguard-edge",
    sourceArn,
    sourceAccount,
  });

  test.each([
    ["the regional edge rule in eu-west-1", "arn:aws:events:eu-west-1:123456789012:rule/trailguard-edge", "allowed"],
    ["the global edge rule in us-east-1", "arn:aws:events:us-east-1:123456789012:rule/trailguard-edge-global", "allowed"],
    ["a rule on a custom bus named trailguard-edge-relay", "arn:aws:events:us-east-1:123456789012:rule/trailguard-edge-relay/innocuous", "denied"],
    ["a default-bus rule whose name only starts like an edge's", "arn:aws:events:us-east-1:123456789012:rule/trailguard-edge-relay", "denied"],
    ["the edge rule's name in another account", "arn:aws:events:eu-west-1:999999999999:rule/trailguard-edge", "denied"],
  ])("%s: %s is %s", (_what, sourceArn, expected) => {
    expect(evaluate(assume(sourceArn, sourceArn.split(":")[4]), trust, [])).toBe(expected);
  });
});
