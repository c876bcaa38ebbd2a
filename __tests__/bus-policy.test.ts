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
