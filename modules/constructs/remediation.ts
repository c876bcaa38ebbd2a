import { Construct } from "constructs";
import type { LambdaName } from "../../lambda-src/handlers";
import { SETTINGS_ENV } from "../../lambda-src/lib/settings";
import { REPORT_SOURCE, trailArn } from "../../lambda-src/lib/contract";
import { CloudwatchLogGroup, IamRole, LambdaFunction, LambdaFunctionEventInvokeConfig, LambdaPermission } from "../aws";
import { AssetType, Fn, type ITerraformDependable, Lazy, ref, TerraformAsset, Token } from "../cdk";
import type { TrailguardConfig } from "../config";
import { lambdaTrustPolicy, policyOf, remediationPolicy, SelfCheckPolicyProps, selfCheckStatements } from "../iam/remediation-role";
import { memberRemediationRoleName, remediationSettings } from "../remediation/settings";
import { SELF_CHECK_ENV } from "../../lambda-src/lib/self-check-settings";
import { functionExpectationsHcl, heartbeatInput } from "../remediation/self-check";
import type { SelfCheckSettingsAtSynth } from "../remediation/self-check";
import { EventRule } from "./event-rule";
import type { Home } from "./regional";
import { Role } from "./role";
import type { TrailLocals } from "./trail-locals";
import type { PolicyDocument } from "../iam/policy";
import { jsonWithTerraform, TerraformJson } from "../terraform-json";

export interface RemediationProps {
  readonly home: Home;
  readonly config: TrailguardConfig;
  /** The account ID (a Terraform expression), for the ARNs the role may touch. */
  readonly account: string;
  /** Deployment package of each handler (dist/lambda/<name>.zip, reproducible), copied into the stack. */
  readonly bundles: Readonly<Record<LambdaName, string>>;
  /** The hub bus: reports go there (by name), and the role may put events on it (by ARN). */
  readonly hubBus: { readonly name: string; readonly arn: string };
  /** The home region's dead-letter queue: undelivered schedule events and failed async invocations. */
  readonly deadLetterQueueArn: string;
  /**
   * The heartbeat's self-check: what to verify (read once every rule and target exists) and the ARNs its
   * role may read and publish to.
   */
  readonly selfCheck: {
    readonly settings: () => SelfCheckSettingsAtSynth;
    /** TRAILGUARD_SELFCHECK_DIGESTS (see remediation/self-check.ts selfCheckDigests). */
    readonly digests: () => Readonly<Record<string, string>>;
    /** The alarm topic's KMS key (a Terraform expression). */
    readonly alarmKeyArn: string;
    readonly access: Omit<SelfCheckPolicyProps, "functionArns" | "alarmKeyArn">;
  };
  /** What the heartbeat Lambda is created after (the Slack probe's secret value). */
  readonly heartbeatAfter?: readonly ITerraformDependable[];
  readonly tags: Readonly<Record<string, string>>;
  /** The generated module's inputs, decided at plan instead of synth. */
  readonly terraform?: RemediationVariables;
}

/** What the generated module decides at plan: HCL of its variables, and its trails as locals. */
export interface RemediationVariables {
  /** `var.remediation_mode`: "enforce" or "dry-run"; both policies are written and Terraform picks one. */
  readonly mode: string;
  /** `var.slack_channel` (null: the incoming webhook). */
  readonly slackChannel: string;
  readonly trails: TrailLocals;
  /** The packages are module files (`${path.module}/lambda/<name>.zip`), not assets copied at synth. */
  readonly bundlesAreModuleFiles: true;
}

// Small and short: the handler makes a handful of API calls. arm64 costs less for the same work.
const functionDefaults = () => ({ runtime: "nodejs22.x", architectures: ["arm64"], handler: "index.handler", memorySize: 256, timeout: 30 });

/**
 * The remediation Lambdas, both in the home region: `remediate`, invoked by the hub's tamper rule (it calls
 * CloudTrail in each trail's home region, wherever the event came from), and `heartbeat` on a schedule.
 * One role, limited to the listed trails. Failed asynchronous invocations go to the dead-letter queue,
 * which an alarm watches.
 */
export class Remediation extends Construct {
  /** The remediate Lambda's role. */
  readonly role: IamRole;
  /** The heartbeat's role: the same trail permissions, and the self-check's reads. */
  readonly heartbeatRole: IamRole;
  readonly remediate: LambdaFunction;
  readonly heartbeat: LambdaFunction;
  readonly heartbeatRule: EventRule;
  private readonly props: RemediationProps;

  constructor(scope: Construct, id: string, props: RemediationProps) {
    super(scope, id);
    this.props = props;
    const { home, config, account, tags } = props;
    const prefix = config.namePrefix;
    const mode = config.remediation.mode;
    if (mode === "off") throw new Error("Remediation is not built when remediation.mode is off");

    const logGroupArn = (fn: LambdaName) => `arn:aws:logs:${home.region}:${account}:log-group:/aws/lambda/${prefix}-${fn}:*`;
    const tf = props.terraform;
    // `account` is a Terraform expression: the account is known only at apply.
    const trailArns = tf ? tf.trails.trailArns("local.account_id") : config.trails.map((t) => trailArn(t.homeRegion, account, t.name));
    const cloudWatchLogsRoleArns = tf
      ? tf.trails.logDeliveryRoleArns("local.account_id")
      : [...new Set(config.trails.flatMap((t) => (t.cloudWatchLogGroup && t.cloudWatchLogsRoleArn ? [t.cloudWatchLogsRoleArn] : [])))];
    const trailStatements = (fn: LambdaName, m: Exclude<typeof mode, "off">) =>
      remediationPolicy({
        mode: m,
        recreateDeletedTrails: config.remediation.recreateDeletedTrails,
        trailArns,
        anyTrailArn: config.remediation.unlistedTrails === "restart" ? `arn:aws:cloudtrail:*:${account}:trail/*` : undefined,
        reportSource: REPORT_SOURCE,
        cloudWatchLogsRoleArns,
        eventBusArns: [props.hubBus.arn],
        logGroupArns: [logGroupArn(fn)],
        failureQueueArns: [props.deadLetterQueueArn],
        // Only the remediate Lambda acts in member accounts; the heartbeat checks this account.
        memberRole:
          fn === "remediate" && config.organization
            ? { arnLike: `arn:aws:iam::*:role/${memberRemediationRoleName(config.namePrefix)}`, orgId: config.organization.id }
            : undefined,
      }).Statement;
    /** The role's policy; in the module, both modes' documents, picked at plan by `var.remediation_mode`. */
    const trailPolicy = (fn: LambdaName, extra: PolicyDocument["Statement"] = []): PolicyDocument | string =>
      tf
        ? Token.asString(
            Fn.conditional(
              ref(`${tf.mode} == "enforce"`),
              Fn.jsonencode(policyOf([...trailStatements(fn, "enforce"), ...extra])),
              Fn.jsonencode(policyOf([...trailStatements(fn, "dry-run"), ...extra])),
            ),
          )
        : policyOf([...trailStatements(fn, mode as Exclude<typeof mode, "off">), ...extra]);
    this.role = new Role(this, "role", {
      logicalName: "remediation",
      name: `${prefix}-remediation`,
      description: "trailguard: lets the remediate Lambda restore the listed CloudTrail trails and report",
      trust: lambdaTrustPolicy(),
      policyName: "restore-listed-trails",
      policy: trailPolicy("remediate"),
      tags,
    }).role;
    this.heartbeatRole = new Role(this, "heartbeat_role", {
      logicalName: "heartbeat",
      name: `${prefix}-heartbeat`,
      description: "trailguard: lets the heartbeat check and restore the listed trails, and check the alert path",
      trust: lambdaTrustPolicy(),
      policyName: "check-trails-and-alert-path",
      policy: trailPolicy(
        "heartbeat",
        selfCheckStatements({
          ...props.selfCheck.access,
          functionArns: (["remediate", "heartbeat"] as const).map((fn) => `arn:aws:lambda:${home.region}:${account}:function:${prefix}-${fn}`),
          alarmKeyArn: props.selfCheck.alarmKeyArn,
        }),
      ),
      tags,
    }).role;

    this.remediate = this.lambda("remediate", "trailguard: restores CloudTrail logging and known-good trail settings, then reports", this.role);
    // Read when the stack is synthesized, after every rule and target exists. The region list is
    // `jsonencode(local.regions)`, not a second copy of it.
    const selfCheck = Lazy.stringValue({ produce: () => jsonWithTerraform(props.selfCheck.settings()) });
    this.heartbeat = this.lambda("heartbeat", "trailguard: checks the listed trails and the alert path on a schedule", this.heartbeatRole, {
      [SELF_CHECK_ENV]: selfCheck,
    }, props.heartbeatAfter);
    this.heartbeatRule = this.schedule();
  }

  /** Let `rule` invoke the remediate Lambda (the permission names the rule: source_arn). */
  invokedBy(rule: EventRule): void {
    const permission = new LambdaPermission(this, "remediate_permission", {
      region: this.props.home.region,
      statementId: "AllowTamperRule",
      action: "lambda:InvokeFunction",
      functionName: this.remediate.functionName,
      principal: "events.amazonaws.com",
      sourceArn: rule.rule.arn,
    });
    permission.overrideLogicalId("remediate");
    rule.addTarget({ suffix: "remediate", targetId: "remediate", arn: this.remediate.arn, deadLetterQueueArn: this.props.deadLetterQueueArn });
  }

  private lambda(name: LambdaName, description: string, role: IamRole, extraEnv: Record<string, string> = {}, after: readonly ITerraformDependable[] = []): LambdaFunction {
    const { home, config, tags } = this.props;
    const prefix = config.namePrefix;
    const logs = new CloudwatchLogGroup(this, `${name}_logs`, {
      region: home.region,
      name: `/aws/lambda/${prefix}-${name}`,
      retentionInDays: config.remediation.logRetentionDays,
      tags: { ...tags },
    });
    logs.overrideLogicalId(name);
    const tf = this.props.terraform;
    const code = tf ? this.props.bundles[name] : new TerraformAsset(this, `${name}_code`, { path: this.props.bundles[name], type: AssetType.FILE }).path;
    const settings = remediationSettings(config, this.props.hubBus.name);
    const settingsJson = tf
      ? jsonWithTerraform({
          ...settings,
          mode: Token.asString(ref(tf.mode)),
          slackChannel: new TerraformJson(Token.asString(ref(`jsonencode(${tf.slackChannel})`))),
          trails: tf.trails.settings,
        })
      : JSON.stringify(settings);
    const fn = new LambdaFunction(this, name, {
      ...functionDefaults(),
      region: home.region,
      functionName: `${prefix}-${name}`,
      description,
      role: role.arn,
      filename: code,
      sourceCodeHash: Fn.filebase64sha256(code),
      environment: { variables: { [SETTINGS_ENV]: settingsJson, ...extraEnv, LOG_LEVEL: config.remediation.logLevel, NODE_OPTIONS: "--enable-source-maps" } },
      // One remediate at a time: a burst of tamper events is one incident, with one report.
      reservedConcurrentExecutions: name === "remediate" ? (config.remediation.reservedConcurrency ?? undefined) : undefined,
      loggingConfig: { logFormat: "Text", logGroup: logs.name },
      tags: { ...tags },
      dependsOn: after.length > 0 ? [...after] : undefined,
    });
    fn.overrideLogicalId(name);
    // Asynchronous invocations (EventBridge's): two retries, then the dead-letter queue, which an alarm watches.
    new LambdaFunctionEventInvokeConfig(this, `${name}_invoke_config`, {
      region: home.region,
      functionName: fn.functionName,
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 3600,
      destinationConfig: { onFailure: { destination: this.props.deadLetterQueueArn } },
    }).overrideLogicalId(name);
    return fn;
  }

  /** The heartbeat's schedule: scheduled rules exist only on the default bus. */
  private schedule(): EventRule {
    const { home, config, tags } = this.props;
    const minutes = config.remediation.heartbeatMinutes;
    const rule = new EventRule(this, "heartbeat_rule", {
      placement: home,
      logicalName: "heartbeat",
      ruleName: `${config.namePrefix}-heartbeat`,
      description: "trailguard: backstop check of every listed trail (tamper events may stop once logging is off)",
      eventBusName: "default",
      scheduleExpression: `rate(${minutes} ${minutes === 1 ? "minute" : "minutes"})`,
      tags,
    });
    new LambdaPermission(this, "heartbeat_permission", {
      region: home.region,
      statementId: "AllowHeartbeatSchedule",
      action: "lambda:InvokeFunction",
      functionName: this.heartbeat.functionName,
      principal: "events.amazonaws.com",
      sourceArn: rule.rule.arn,
    }).overrideLogicalId("heartbeat");
    // The scheduled event's account and region, and the digests of the alert path (known after apply, so
    // not in the Lambda's environment, which the plan should keep showing).
    const digests = Lazy.stringValue({ produce: () => JSON.stringify(this.props.selfCheck.digests()) });
    const expression = (hcl: string) => Token.asString(ref(hcl));
    // The concurrency is a number: TerraformJson writes it unquoted, so it lands in the JSON as one.
    const functionsJson = jsonWithTerraform(
      Object.fromEntries(
        Object.entries(functionExpectationsHcl(["remediate", "heartbeat"])).map(([n, f]) => [
          n,
          { code: expression(f.code), role: expression(f.role), env: expression(f.env), concurrency: new TerraformJson(expression(f.concurrency)) },
        ]),
      ),
    );
    rule.addTarget({
      suffix: "target",
      targetId: "heartbeat",
      arn: this.heartbeat.arn,
      deadLetterQueueArn: this.props.deadLetterQueueArn,
      input: { transformer: heartbeatInput({ digestsJson: digests, functionsJson, alarmKeyArn: this.props.selfCheck.alarmKeyArn }) },
    });
    return rule;
  }
}
