import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, parseConfig } from "../modules/config";
import { matchesPattern } from "../modules/eventbridge/pattern";
import { WorstCase } from "../modules/quotas";
import { catalogFixtures, readOnly } from "./helpers/fixtures";
import { evaluate, type Statement } from "./helpers/iam-evaluate";
import { OfflineTerraform, terraformUnavailable } from "./helpers/offline-terraform";
import { CHANNEL_CONFIG, synthStack, synthToDisk } from "./helpers/synth";

const ORG = { id: "o-a1b2c3d4e5", organizationalUnits: ["r-ab12", "ou-ab12-11111111"], accountNames: { "111122223333": "prod-payments" } };
const CONFIG = { ...CHANNEL_CONFIG, organization: ORG };
/** Every family on: the regional edge pattern takes two rules. */
const ALL_FAMILIES = { ...CONFIG, detections: { include: ["trail", "delivery", "self", "custom", "adjacent"] } };
const HUB_BUS = "arn:aws:events:us-east-1:123456789012:event-bus/trailguard";

let stack: any;
let regional: any;
let global: any;

/** A StackSet's template as CloudFormation receives it: the hub bus ARN filled in, `$${` unescaped. */
function template(body: string): any {
  return JSON.parse(body.replace("${aws_cloudwatch_event_bus.hub.arn}", HUB_BUS).replaceAll("${local.account_id}", "123456789012").replace(/\$\$\{/g, "${"));
}

beforeAll(() => {
  stack = synthStack(CONFIG);
  regional = template(stack.resource.aws_cloudformation_stack_set.member_edges.template_body);
  global = template(stack.resource.aws_cloudformation_stack_set.member_roles.template_body);
});

describe("organization config", () => {
  test.each([
    ["an organization ID of the wrong shape", { ...ORG, id: "o-ABC" }, 'organization.id: must be an organization ID: "o-" and 10-32 lowercase letters or digits'],
    ["an OU ID of the wrong shape", { ...ORG, organizationalUnits: ["ou-1"] }, 'organization.organizationalUnits[0]: must be a root ID ("r-" and 4-32 characters) or an OU ID ("ou-xxxx-xxxxxxxx")'],
    ["no OU", { ...ORG, organizationalUnits: [] }, "organization.organizationalUnits: list at least one OU or root ID"],
    ["an account name keyed by a non-account", { ...ORG, accountNames: { "1234": "x" } }, 'organization.accountNames["1234"]: key must be a 12-digit account ID'],
    ["an unknown callAs", { ...ORG, callAs: "ADMIN" }, "organization.callAs"],
  ])("%s fails, naming the field", (_label, organization, message) => {
    expect(() => parseConfig({ ...CHANNEL_CONFIG, organization })).toThrow(ConfigError);
    expect(() => parseConfig({ ...CHANNEL_CONFIG, organization })).toThrow(message);
  });
});

describe("member edges by StackSets", () => {
  test("two service-managed StackSets, automatic deployment on, nothing retained, administered from the home region", () => {
    const sets = stack.resource.aws_cloudformation_stack_set;
    expect(Object.keys(sets).sort()).toEqual(["member_edges", "member_roles"]);
    for (const set of Object.values<any>(sets)) {
      expect(set).toMatchObject({ permission_model: "SERVICE_MANAGED", auto_deployment: { enabled: true, retain_stacks_on_account_removal: false }, call_as: "SELF", region: "us-east-1" });
    }
    expect(sets.member_roles.capabilities).toEqual(["CAPABILITY_NAMED_IAM"]);
    expect(sets.member_edges.capabilities).toEqual([]);
  });

  test("operations run every account and region at once, one operation at a time, and fail loudly; two hours allowed", () => {
    const sets = stack.resource.aws_cloudformation_stack_set;
    const instances = stack.resource.aws_cloudformation_stack_set_instance;
    for (const set of Object.values<any>(sets)) {
      expect(set.managed_execution).toEqual({ active: true });
      expect(set.operation_preferences).toEqual({ region_concurrency_type: "PARALLEL", max_concurrent_percentage: 100, failure_tolerance_count: 0 });
      expect(set.timeouts).toEqual({ update: "2h" });
    }
    for (const instance of Object.values<any>(instances)) {
      expect(instance.timeouts).toEqual({ create: "2h", update: "2h", delete: "2h" });
      expect(instance.operation_preferences).toEqual({ region_concurrency_type: "PARALLEL", max_concurrent_percentage: 100, failure_tolerance_count: 0, concurrency_mode: "SOFT_FAILURE_TOLERANCE" });
    }
  });

  test("a delegated administrator hub leaves its own account out of the StackSets (it has its edges and roles already)", () => {
    const delegated = synthStack({ ...CONFIG, organization: { ...ORG, callAs: "DELEGATED_ADMIN" } });
    expect(delegated.resource.aws_cloudformation_stack_set_instance.member_edges.deployment_targets).toEqual({
      organizational_unit_ids: ["r-ab12", "ou-ab12-11111111"],
      account_filter_type: "DIFFERENCE",
      accounts: ["${local.account_id}"],
    });
  });

  test("the report rule takes reports from the hub's own account only: a member edge cannot post its own", () => {
    expect(JSON.parse(stack.resource.aws_cloudwatch_event_rule.report.event_pattern)).toEqual({
      source: ["trailguard"],
      "detail-type": ["Trailguard Remediation"],
      account: ["${local.account_id}"],
    });
  });

  test("the instances target the OUs: the roles once (home region), the edges in every configured region", () => {
    const instances = stack.resource.aws_cloudformation_stack_set_instance;
    expect(instances.member_roles.deployment_targets).toEqual({ organizational_unit_ids: ["r-ab12", "ou-ab12-11111111"] });
    expect(instances.member_roles.stack_set_instance_region).toBe("us-east-1");
    expect(instances.member_edges.deployment_targets).toEqual({ organizational_unit_ids: ["r-ab12", "ou-ab12-11111111"] });
    expect(instances.member_edges.for_each).toBe("${toset(local.regions)}");
    expect(instances.member_edges.stack_set_instance_region).toBe("${each.value}");
    expect(instances.member_edges.depends_on).toEqual(["aws_cloudformation_stack_set_instance.member_roles"]);
  });

  test("a member account and region gets at most 6 CloudFormation resources (default detections), and no Lambda, connection or token", () => {
    expect(Object.entries<any>(regional.Resources).map(([id, r]) => [id, r.Type, r.Condition])).toEqual([
      ["DeadLetterQueue", "AWS::SQS::Queue", undefined],
      ["DeadLetterQueuePolicy", "AWS::SQS::QueuePolicy", undefined],
      ["DeadLetterAlarm", "AWS::CloudWatch::Alarm", undefined],
      ["Edge", "AWS::Events::Rule", undefined],
      ["EdgeGlobal", "AWS::Events::Rule", "GlobalServicesRegion"],
      ["EdgeAlarm", "AWS::Events::Rule", undefined],
    ]);
    expect(regional.Conditions).toEqual({ GlobalServicesRegion: { "Fn::Equals": [{ Ref: "AWS::Region" }, "us-east-1"] } });
    expect(Object.entries<any>(global.Resources).map(([id, r]) => [id, r.Type])).toEqual([
      ["EdgeRole", "AWS::IAM::Role"],
      ["MemberRemediationRole", "AWS::IAM::Role"],
    ]);
    // With the opt-in adjacent family too, the regional pattern needs a second rule: 7 in us-east-1.
    const all = template(synthStack(ALL_FAMILIES).resource.aws_cloudformation_stack_set.member_edges.template_body);
    expect(Object.keys(all.Resources)).toEqual(["DeadLetterQueue", "DeadLetterQueuePolicy", "DeadLetterAlarm", "Edge", "Edge2", "EdgeGlobal", "EdgeAlarm"]);
  });

  test("the member templates write no partition: every ARN they build says ${AWS::Partition} (GovCloud, China); the hub's come from Terraform", () => {
    const all = synthStack(ALL_FAMILIES).resource.aws_cloudformation_stack_set;
    for (const body of [all.member_edges.template_body, all.member_roles.template_body]) {
      expect(body).not.toContain("arn:aws:");
      expect(body).toContain("arn:$${AWS::Partition}:");
    }
    expect(regional.Resources.DeadLetterQueuePolicy.Properties.PolicyDocument.Statement[0]).toMatchObject({
      Resource: { "Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:trailguard-dlq" },
      Condition: { ArnLike: { "aws:SourceArn": [{ "Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/trailguard-*" }] } },
    });
  });

  test("the member dead-letter queue goes with its stack (deleted, not retained, on delete and on replacement)", () => {
    expect(regional.Resources.DeadLetterQueue).toMatchObject({ DeletionPolicy: "Delete", UpdateReplacePolicy: "Delete" });
  });

  test("each member edge forwards to the hub bus in one hop, through the account's edge role, with a dead-letter queue", () => {
    expect(regional.Resources.Edge.Properties.Targets).toEqual([
      {
        Id: "hub",
        Arn: HUB_BUS,
        RoleArn: { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/trailguard-edge" },
        DeadLetterConfig: { Arn: { "Fn::GetAtt": ["DeadLetterQueue", "Arn"] } },
        RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
      },
    ]);
  });

  test("the templates' patterns are the Terraform edges' patterns, character for character", () => {
    const rules = stack.resource.aws_cloudwatch_event_rule;
    expect(regional.Resources.Edge.Properties.EventPattern).toEqual(JSON.parse(rules.edge.event_pattern));
    expect(regional.Resources.EdgeGlobal.Properties.EventPattern).toEqual(JSON.parse(rules.edge_global.event_pattern));
  });

  test("on every fixture and its read-only near miss, the member edges forward exactly what the Terraform edges forward (every family on)", () => {
    const all = synthStack(ALL_FAMILIES);
    const rules = Object.values<any>(all.resource.aws_cloudwatch_event_rule).filter((r) => r.event_bus_name === "default" && r.event_pattern);
    const memberRules = template(all.resource.aws_cloudformation_stack_set.member_edges.template_body).Resources;
    // EdgeAlarm forwards the member's dead-letter alarm, which the hub account does not have: no CloudTrail call.
    const edges = Object.entries<any>(memberRules).filter(([id, r]) => r.Type === "AWS::Events::Rule" && id !== "EdgeAlarm").map(([, r]) => r);
    expect([rules.length, edges.length]).toEqual([3, 3]);
    expect(catalogFixtures().filter(([, e]) => matchesPattern(memberRules.EdgeAlarm.Properties.EventPattern, e))).toEqual([]);
    const terraform = (e: object) => rules.some((r) => matchesPattern(JSON.parse(r.event_pattern), e));
    const member = (e: object) => edges.some((r) => matchesPattern(r.Properties.EventPattern, e));
    const fixtures = catalogFixtures();
    let forwarded = 0;
    for (const [name, event] of fixtures) {
      for (const e of [event, readOnly(event)]) {
        expect([name, member(e)]).toEqual([name, terraform(e)]);
        if (member(e)) forwarded++;
      }
    }
    expect(forwarded).toBeGreaterThan(20);
  });

  test("the member edge role: trusted by EventBridge for this account's edge rules only, may only put events on the hub bus", () => {
    const role = global.Resources.EdgeRole.Properties;
    expect(role.RoleName).toBe("trailguard-edge");
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Sid: "EventBridgeRulesOfThisStack",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: ["sts:AssumeRole"],
        Condition: {
          StringEquals: { "aws:SourceAccount": { "Fn::Sub": "${AWS::AccountId}" } },
          ArnLike: {
            "aws:SourceArn": [
              { "Fn::Sub": "arn:${AWS::Partition}:events:*:${AWS::AccountId}:rule/trailguard-edge" },
              { "Fn::Sub": "arn:${AWS::Partition}:events:*:${AWS::AccountId}:rule/trailguard-edge-global" },
              { "Fn::Sub": "arn:${AWS::Partition}:events:*:${AWS::AccountId}:rule/trailguard-edge-alarm" },
            ],
          },
        },
      },
    ]);
    expect(role.Policies).toEqual([{ PolicyName: "forward-to-hub-bus", PolicyDocument: { Version: "2012-10-17", Statement: [{ Sid: "ForwardToTheHubBus", Effect: "Allow", Action: ["events:PutEvents"], Resource: HUB_BUS }] } }]);
  });
});

describe("cross-account remediation", () => {
  const HUB_ROLE = "arn:aws:iam::123456789012:role/trailguard-remediation";

  test("the member role: only the hub's remediate role, from the organization, may assume it; it may only restart this account's trails", () => {
    const role = template(stack.resource.aws_cloudformation_stack_set.member_roles.template_body.replace("${aws_iam_role.remediation.arn}", HUB_ROLE)).Resources.MemberRemediationRole.Properties;
    expect(role.RoleName).toBe("trailguard-member-remediation");
    // The hub account as principal and the role as a condition: a re-created hub role keeps working.
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "TheHubRemediateLambda",
          Effect: "Allow",
          Principal: { AWS: { "Fn::Sub": "arn:${AWS::Partition}:iam::123456789012:root" } },
          Action: ["sts:AssumeRole"],
          Condition: { ArnEquals: { "aws:PrincipalArn": HUB_ROLE }, StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
        },
      ],
    });
    expect(role.Policies[0].PolicyDocument.Statement).toEqual([
      { Sid: "FindTrails", Effect: "Allow", Action: ["cloudtrail:DescribeTrails"], Resource: "*" },
      { Sid: "RestartTrailsOfThisAccount", Effect: "Allow", Action: ["cloudtrail:GetTrailStatus", "cloudtrail:StartLogging"], Resource: { "Fn::Sub": "arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*" } },
    ]);
  });

  test("the hub's remediate role may assume that role in accounts of the organization; the heartbeat's may not", () => {
    const worst = new WorstCase(stack, { longestRegion: "us-east-1" });
    const statements = (role: string) => JSON.parse(worst.template(stack.resource.aws_iam_role_policy[role].policy) as string).Statement;
    expect(statements("remediation").find((s: { Sid: string }) => s.Sid === "RestartTrailsOfMemberAccounts")).toEqual({
      Sid: "RestartTrailsOfMemberAccounts",
      Effect: "Allow",
      Action: ["sts:AssumeRole"],
      Resource: "arn:aws:iam::*:role/trailguard-member-remediation",
      Condition: { StringEquals: { "aws:ResourceOrgID": "o-a1b2c3d4e5" } },
    });
    expect(JSON.stringify(statements("heartbeat"))).not.toContain("sts:AssumeRole");
  });

  test("the remediate Lambda knows the member role's name and the account names", () => {
    const settings = JSON.parse(stack.resource.aws_lambda_function.remediate.environment.variables.TRAILGUARD_SETTINGS);
    expect([settings.memberRoleName, settings.accountNames]).toEqual(["trailguard-member-remediation", { "111122223333": "prod-payments" }]);
  });
});

describe("the hub bus policy with an organization", () => {
  const worst = () => new WorstCase(stack, { longestRegion: "us-east-1" });
  const policy = (): Statement[] => JSON.parse(worst().template(stack.resource.aws_cloudwatch_event_bus_policy.hub.policy) as string).Statement;
  const put = (principalArn: string, principalOrgId?: string) => ({ principalArn, action: "events:PutEvents", resource: HUB_BUS, principalOrgId });
  const EDGE_ROLE_POLICY: Statement[] = [{ Effect: "Allow", Action: ["events:PutEvents"], Resource: HUB_BUS }];
  const ADMIN: Statement[] = [{ Effect: "Allow", Action: "events:*", Resource: "*" }];

  test("a member account's edge role, in the organization, may put events", () => {
    expect(evaluate(put("arn:aws:iam::111122223333:role/trailguard-edge", "o-a1b2c3d4e5"), policy(), EDGE_ROLE_POLICY)).toBe("allowed");
  });

  test("the same role name in an account outside the organization may not", () => {
    expect(evaluate(put("arn:aws:iam::999988887777:role/trailguard-edge", "o-zzzzzzzzzz"), policy(), EDGE_ROLE_POLICY)).toBe("denied");
    expect(evaluate(put("arn:aws:iam::999988887777:role/trailguard-edge"), policy(), EDGE_ROLE_POLICY)).toBe("denied");
  });

  test("another role of a member account, even an administrator, may not; nor this account's administrator", () => {
    expect(evaluate(put("arn:aws:iam::111122223333:role/Admin", "o-a1b2c3d4e5"), policy(), ADMIN)).toBe("denied");
    expect(evaluate(put("arn:aws:iam::123456789012:role/Admin", "o-a1b2c3d4e5"), policy(), ADMIN)).toBe("denied");
  });

  test("the hub's own edge, remediation and heartbeat roles still may", () => {
    for (const role of ["edge", "remediation", "heartbeat"]) {
      expect(evaluate(put(`arn:aws:iam::123456789012:role/trailguard-${role}`, "o-a1b2c3d4e5"), policy(), [])).toBe("allowed");
    }
  });
});

(terraformUnavailable() ? describe.skip : describe)("offline terraform plan of the hub with the StackSets (provider 5.100.0 mirror)", () => {
  test("plans: the StackSets and an edge instance per region", () => {
    const tf = new OfflineTerraform(synthToDisk({ ...CONFIG, regions: ["us-east-1", "eu-west-1"] }, mkdtempSync(join(tmpdir(), "tg-synth-"))));
    tf.ok(["init", "-input=false", "-no-color"]);
    const plan = tf.ok(["plan", "-input=false", "-no-color"], { slack_token: ["xoxb", "0", "organization-test"].join("-") });
    expect(plan).toContain('aws_cloudformation_stack_set_instance.member_edges["eu-west-1"] will be created');
    expect(plan).toContain("aws_cloudformation_stack_set.member_roles will be created");
    expect(plan).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy\./);
  }, 120_000);
});

describe("the management account's edge when the hub is a delegated administrator (edgeOnly)", () => {
  const EDGE_ONLY = { edgeOnly: { hubEventBusArn: "arn:aws:events:us-east-1:444455556666:event-bus/trailguard" }, regions: ["us-east-1", "eu-west-1"] };
  let edge: any;
  beforeAll(() => {
    edge = synthStack(EDGE_ONLY);
  });

  test("the config: no Slack or organization beside edgeOnly; Slack still required without it", () => {
    expect(() => parseConfig({ ...EDGE_ONLY, slack: { channel: "C0123ABCDEF" } })).toThrow("slack: an edge-only deployment has no slack: the hub's config holds it");
    expect(() => parseConfig({ ...EDGE_ONLY, edgeOnly: { hubEventBusArn: "trailguard" } })).toThrow("edgeOnly.hubEventBusArn: must be an event bus ARN");
    expect(() => parseConfig({ regions: ["us-east-1"] })).toThrow('slack: required: set "channel" (chat.postMessage with a bot token) or "incomingWebhook": true');
  });

  test("holds only edges: rules and targets, dead-letter queues, the edge role; no bus, Slack, Lambda or alarm", () => {
    expect(Object.keys(edge.resource).sort()).toEqual(["aws_cloudwatch_event_rule", "aws_cloudwatch_event_target", "aws_iam_role", "aws_iam_role_policy", "aws_sqs_queue", "aws_sqs_queue_policy"]);
    expect(Object.keys(edge.resource.aws_cloudwatch_event_rule).sort()).toEqual(["edge", "edge_global"]);
    expect(edge.resource.aws_cloudwatch_event_target.edge_hub.arn).toBe("arn:aws:events:us-east-1:444455556666:event-bus/trailguard");
    expect(edge.resource.aws_iam_role.edge.name).toBe("trailguard-edge");
  });

  test("forwards what the hub's own edges forward (the same patterns), with the role name the hub's bus policy admits", () => {
    expect(JSON.parse(edge.resource.aws_cloudwatch_event_rule.edge.event_pattern)).toEqual(JSON.parse(stack.resource.aws_cloudwatch_event_rule.edge.event_pattern));
    const worst = new WorstCase(stack, { longestRegion: "us-east-1" });
    const policy: Statement[] = JSON.parse(worst.template(stack.resource.aws_cloudwatch_event_bus_policy.hub.policy) as string).Statement;
    const put = { principalArn: "arn:aws:iam::444455556666:role/trailguard-edge", action: "events:PutEvents", resource: HUB_BUS, principalOrgId: "o-a1b2c3d4e5" };
    expect(evaluate(put, policy, [{ Effect: "Allow", Action: ["events:PutEvents"], Resource: HUB_BUS }])).toBe("allowed");
  });

  test("with the hub's remediate role named, it also holds the member role the hub restarts the management account's trails with", () => {
    const hubRole = "arn:aws:iam::444455556666:role/trailguard-remediation";
    const withRole = synthStack({ ...EDGE_ONLY, edgeOnly: { ...EDGE_ONLY.edgeOnly, hubRemediationRoleArn: hubRole, organizationId: "o-a1b2c3d4e5" } });
    const role = withRole.resource.aws_iam_role.member_remediation;
    expect(role.name).toBe("trailguard-member-remediation");
    expect(JSON.parse(new WorstCase(withRole, { longestRegion: "us-east-1" }).template(role.assume_role_policy) as string).Statement).toEqual([
      {
        Sid: "TheHubRemediateLambda",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::444455556666:root" },
        Action: ["sts:AssumeRole"],
        Condition: { ArnEquals: { "aws:PrincipalArn": hubRole }, StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
      },
    ]);
    expect(() => parseConfig({ ...EDGE_ONLY, edgeOnly: { ...EDGE_ONLY.edgeOnly, hubRemediationRoleArn: hubRole } })).toThrow("set hubRemediationRoleArn and organizationId together");
  });

  (terraformUnavailable() ? test.skip : test)("plans offline", () => {
    const tf = new OfflineTerraform(synthToDisk(EDGE_ONLY, mkdtempSync(join(tmpdir(), "tg-synth-"))));
    tf.ok(["init", "-input=false", "-no-color"]);
    expect(tf.ok(["plan", "-input=false", "-no-color"])).toContain("Plan: 12 to add, 0 to change, 0 to destroy.");
  }, 120_000);
});
