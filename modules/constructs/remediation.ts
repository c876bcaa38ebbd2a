import { Construct } from "constructs";
import type { LambdaName } from "../../lambda-src/handlers";
import { SETTINGS_ENV } from "../../lambda-src/lib/settings";
import { CloudwatchEventRule, CloudwatchEventTarget, CloudwatchLogGroup, IamRole, IamRolePolicy, LambdaFunction, LambdaPermission } from "../aws";
import { AssetType, Fn, TerraformAsset, Token } from "../cdk";
import type { TrailguardConfig } from "../config";
import { lambdaTrustPolicy, remediationPolicy } from "../iam/remediation-role";
import { trailArn } from "../../lambda-src/lib/tamper-event";
import { remediationSettings } from "../remediation/settings";
import { AlertRule, TARGET_RETRY } from "./alert-rule";
import { DeadLetterQueue } from "./dead-letter-queue";
import { Regions } from "./regional";

export interface RemediationProps {
  readonly regions: Regions;
  readonly config: TrailguardConfig;
  /** The account ID (a Terraform expression), for the ARNs the role may touch. */
  readonly account: string;
  /** Deployment package of each handler (dist/lambda/<name>.zip, reproducible), copied into the stack. */
  readonly bundles: Readonly<Record<LambdaName, string>>;
  /** Successful tamper calls invoke the remediate Lambda of their region. */
  readonly tamperRule: AlertRule;
  readonly deadLetterQueue: DeadLetterQueue;
  readonly tags: Readonly<Record<string, string>>;
}

// Small and short: the handler makes a handful of API calls. arm64 costs less for the same work.
const functionDefaults = () => ({ runtime: "nodejs22.x", architectures: ["arm64"], handler: "index.handler", memorySize: 256, timeout: 30 });

/**
 * The remediation Lambdas: `remediate` in every region (EventBridge invokes a Lambda only in the rule's
 * region; each region handles its own events, with no cross-region forwarding to fail), and `heartbeat`
 * on a schedule in the home region. One global role, limited to the listed trails.
 */
export class Remediation extends Construct {
  readonly role: IamRole;
  readonly remediate: LambdaFunction;
  readonly heartbeat: LambdaFunction;
  readonly heartbeatRule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: RemediationProps) {
    super(scope, id);
    const { regions, config, tags } = props;
    const prefix = config.namePrefix;
    const home = config.homeRegion;
    const mode = config.remediation.mode;
    if (mode === "off") throw new Error("Remediation is not built when remediation.mode is off");

    this.role = new IamRole(this, "role", {
      name: `${prefix}-remediation`,
      description: "trailguard: lets the remediation Lambdas restore the listed CloudTrail trails and report",
      assumeRolePolicy: Fn.jsonencode(lambdaTrustPolicy()),
      tags: { ...tags },
    });
    this.role.overrideLogicalId("remediation");

    const { account } = props;
    const logGroupArn = (fn: string) => `arn:aws:logs:%s:%s:log-group:/aws/lambda/${prefix}-${fn}:*`;
    const policy = new IamRolePolicy(this, "policy", {
      name: "restore-listed-trails",
      role: this.role.id,
      policy: Fn.jsonencode(
        remediationPolicy({
          mode,
          recreateDeletedTrails: config.remediation.recreateDeletedTrails,
          // `account` is a Terraform expression: the account is known only at apply.
          trailArns: config.trails.map((t) => trailArn(t.homeRegion, account, t.name)),
          eventBusArns: regions.arnPerRegion("arn:aws:events:%s:%s:event-bus/default", account),
          logGroupArns: Token.asList(
            Fn.concat([
              regions.arnPerRegion(logGroupArn("remediate"), account),
              // Fn.format, not a template string: cdktf cannot nest a ${} string inside a function call.
              [Fn.format(logGroupArn("heartbeat"), [home, account])],
            ]),
          ),
        }),
      ),
    });
    policy.overrideLogicalId("remediation");

    const environment = { variables: { [SETTINGS_ENV]: JSON.stringify(remediationSettings(config)), NODE_OPTIONS: "--enable-source-maps" } };
    const code = (name: LambdaName) => {
      const asset = new TerraformAsset(this, `${name}_code`, { path: props.bundles[name], type: AssetType.FILE });
      return { filename: asset.path, sourceCodeHash: Fn.filebase64sha256(asset.path) };
    };
    const logGroup = (name: LambdaName, region: string, perRegion: boolean) => {
      const g = new CloudwatchLogGroup(this, `${name}_logs`, {
        ...(perRegion ? { forEach: regions.iterator } : {}),
        region,
        name: `/aws/lambda/${prefix}-${name}`,
        retentionInDays: config.remediation.logRetentionDays,
        tags: { ...tags },
      });
      g.overrideLogicalId(name);
      return g;
    };

    // remediate: one per region, invoked by that region's tamper rule.
    const remediateLogs = logGroup("remediate", regions.region, true);
    const remediateCode = code("remediate");
    this.remediate = new LambdaFunction(this, "remediate", {
      ...functionDefaults(),
      forEach: regions.iterator,
      region: regions.region,
      functionName: `${prefix}-remediate`,
      description: "trailguard: restores CloudTrail logging and known-good trail settings, then reports",
      role: this.role.arn,
      ...remediateCode,
      environment,
      loggingConfig: { logFormat: "Text", logGroup: regions.sameRegion(remediateLogs, "name") },
      tags: { ...tags },
    });
    this.remediate.overrideLogicalId("remediate");
    const permission = new LambdaPermission(this, "remediate_permission", {
      forEach: regions.iterator,
      region: regions.region,
      statementId: "AllowTamperRule",
      action: "lambda:InvokeFunction",
      functionName: regions.sameRegion(this.remediate, "function_name"),
      principal: "events.amazonaws.com",
      sourceArn: regions.sameRegion(props.tamperRule.rule, "arn"),
    });
    permission.overrideLogicalId("remediate");
    props.tamperRule.addTarget({ suffix: "remediate", targetId: "remediate", destination: this.remediate, deadLetterQueue: props.deadLetterQueue.queue });

    // heartbeat: once, in the home region, on a schedule.
    const heartbeatLogs = logGroup("heartbeat", home, false);
    this.heartbeat = new LambdaFunction(this, "heartbeat", {
      ...functionDefaults(),
      region: home,
      functionName: `${prefix}-heartbeat`,
      description: "trailguard: checks every listed trail on a schedule and restores what drifted",
      role: this.role.arn,
      ...code("heartbeat"),
      environment,
      loggingConfig: { logFormat: "Text", logGroup: heartbeatLogs.name },
      tags: { ...tags },
    });
    this.heartbeat.overrideLogicalId("heartbeat");
    const minutes = config.remediation.heartbeatMinutes;
    this.heartbeatRule = new CloudwatchEventRule(this, "heartbeat_rule", {
      region: home,
      name: `${prefix}-heartbeat`,
      description: "trailguard: backstop check of every listed trail (tamper events may stop once logging is off)",
      scheduleExpression: `rate(${minutes} ${minutes === 1 ? "minute" : "minutes"})`,
      state: "ENABLED",
      tags: { ...tags },
    });
    this.heartbeatRule.overrideLogicalId("heartbeat");
    new LambdaPermission(this, "heartbeat_permission", {
      region: home,
      statementId: "AllowHeartbeatSchedule",
      action: "lambda:InvokeFunction",
      functionName: this.heartbeat.functionName,
      principal: "events.amazonaws.com",
      sourceArn: this.heartbeatRule.arn,
    }).overrideLogicalId("heartbeat");
    new CloudwatchEventTarget(this, "heartbeat_target", {
      region: home,
      rule: this.heartbeatRule.name,
      targetId: "heartbeat",
      arn: this.heartbeat.arn,
      retryPolicy: TARGET_RETRY,
      deadLetterConfig: { arn: Token.asString(Fn.lookupNested(props.deadLetterQueue.queue.fqn, [home, "arn"])) },
    }).overrideLogicalId("heartbeat");
  }
}
