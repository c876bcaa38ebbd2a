import { Construct } from "constructs";
import type { LambdaName } from "../../lambda-src/handlers";
import { Fn, type IResolvable, ref, TerraformLocal, Token } from "../cdk";
import { shippedBundles } from "../lambda-bundles";
import { parseConfig, type TrailguardConfig, type TrailguardConfigProps } from "../config";
import { GLOBAL_EVENTS_REGION, KNOWN_REGIONS } from "../config/regions";
import { buildCatalog, CustomRule, DetectionGroup, edgePlan, groupPattern, MEMBER_DEAD_LETTERS, memberDeadLetterAlarmName, memberDeadLetterPattern, plannedGroups, remediationReportPattern } from "../detections";
import { eventBridgeTrustPolicy, invokeApiDestinationsPolicy } from "../iam/eventbridge-role";
import { AlertProps, alertTransformer, type InputTransformer, memberDeadLettersSnsTransformer, memberDeadLettersTransformer, reportTransformer, snsAlertTransformer } from "../messages";
import { checkQuotasAtSynth } from "./quota-check";
import { DEAD_LETTER_ALARM } from "../dead-letter-alarm";
import type { Value } from "../quotas/worst-case";
import { AlarmTopic } from "./alarm-topic";
import { DeadLetterQueue } from "./dead-letter-queue";
import { edgeRole as newEdgeRole, Edges } from "./edges";
import { EventRule } from "./event-rule";
import { HubBus } from "./hub-bus";
import { Home, Regions } from "./regional";
import { Remediation } from "./remediation";
import { Role } from "./role";
import { SLACK_POST_MESSAGE_URL, SlackDestination, slackProbeSecretArnLike, slackProbeSecretName, type SlackVariables } from "./slack-destination";
import { TrailLocals } from "./trail-locals";
import { OrganizationEdges } from "./organization-edges";
import { TerraformJson } from "../terraform-json";
import { selfCheckDigests, selfCheckSettings, WEBHOOK_URL_PREFIX } from "../remediation/self-check";
import { EVERY_REGION, SELF_CHECK_METRIC } from "../../lambda-src/lib/self-check-settings";

/** Tags every taggable resource carries, under the user's own. */
export const BASE_TAGS = { ManagedBy: "trailguard" } as const;


export interface TrailguardProps {
  /**
   * The configuration, exactly as a config file holds it: the same schema (fields, defaults and errors),
   * documented field by field in the README's Configuration table. Validated here: a bad value throws a
   * ConfigError naming the field. An already-validated config is accepted as it is.
   */
  readonly config: TrailguardConfigProps | TrailguardConfig;
  /**
   * The handlers' deployment packages.
   * @default - the packages that ship with trailguard (`dist/lambda/<name>.zip`)
   */
  readonly bundles?: Readonly<Record<LambdaName, string>>;
  /**
   * Values Terraform decides at plan instead of the config, each as HCL (`var.regions`, ...): what the
   * generated module (terraform/) passes from its variables. The config still decides the rest.
   * @default - every value comes from the config
   */
  readonly terraformInputs?: TrailguardInputs;
}

/** HCL expressions standing in for config fields; see terraform-module/variables.ts for the variables. */
export interface TrailguardInputs {
  /** list(string) of regions. */
  readonly regions: string;
  readonly homeRegion: string;
  readonly namePrefix: string;
  /** map(string), merged over `ManagedBy = trailguard`. */
  readonly tags: string;
  readonly slack: SlackVariables;
  /** string, or null for no subscription. */
  readonly alarmEmail: string;
  /** list of trail objects in snake_case. */
  readonly trails: string;
  /** "enforce" or "dry-run". */
  readonly remediationMode: string;
  /** For the quota preflight: each variable at the longest value its validation allows (`var.<name>`). */
  readonly worstCase: Readonly<Record<string, Value>>;
  /** Where each Lambda package is, as Terraform reads it (`${path.module}/lambda/<name>.zip`). */
  readonly bundles: Readonly<Record<LambdaName, string>>;
}

/** A detection rule on the hub, with the group and outcome it alerts on. */
export interface HubRule {
  readonly group: DetectionGroup;
  readonly outcome: "succeeded" | "failed";
  readonly rule: EventRule;
}

/**
 * trailguard, as edges and one hub, inside the caller's stack: it uses the caller's AWS provider (its
 * default region should be the home region: IAM goes through it) and creates no provider and no backend.
 * - Edges, in every configured region (plan addresses keyed by region): default-bus rules that forward the
 *   CloudTrail calls some detection watches to the hub bus, a dead-letter queue. Global-service calls are
 *   forwarded from us-east-1 only.
 * - The hub, in the home region (plain addresses): a bus only trailguard's roles may write to; one rule per
 *   detection group and outcome, posting a template-built alert to Slack through one connection and API
 *   destination; the remediation Lambda behind the trail rule; the report rule; the heartbeat.
 * - Global: the IAM roles (edge, Slack, remediation).
 */
export class Trailguard extends Construct {
  readonly regions: Regions;
  readonly home: Home;
  readonly hub: HubBus;
  readonly edges: Edges;
  readonly slack: SlackDestination;
  readonly remediation?: Remediation;
  /** The member accounts' edges (StackSets), when the config names an organization. */
  readonly organization?: OrganizationEdges;
  readonly alarms: AlarmTopic;
  /** The detection groups that got rules, in order. */
  readonly groups: readonly DetectionGroup[];
  readonly hubRules: readonly HubRule[];
  /** Things the user should know that do not stop synth (main.ts prints them). */
  readonly warnings: readonly string[];
  /** The validated configuration, defaults applied. */
  readonly config: TrailguardConfig;
  /** What the stack's outputs (and a caller's wiring) read. */
  readonly tamperRule: EventRule;
  readonly deadLetterQueue: DeadLetterQueue;
  readonly edgeRole: Role;
  readonly slackRole: Role;

  constructor(scope: Construct, id: string, props: TrailguardProps) {
    super(scope, id);
    const tf = props.terraformInputs;
    const config = withInputs(parseConfig(props.config, `the config of ${this.node.path}`), tf);
    this.config = config;
    if (!config.slack) throw new Error(`${this.node.path}: an edge-only config (edgeOnly) is deployed with TrailguardEdge, not Trailguard`);
    const slackConfig = config.slack;
    const prefix = config.namePrefix;
    const tags = tf ? Token.asStringMap(Fn.merge([BASE_TAGS, ref(tf.tags)])) : { ...BASE_TAGS, ...config.tags };
    const remediate = config.remediation.mode !== "off";
    const bundles = remediate ? (tf?.bundles ?? props.bundles ?? shippedBundles()) : undefined;
    const trailLocals = tf ? new TrailLocals(this, "trails", { trails: tf.trails, homeRegion: tf.homeRegion }) : undefined;

    const home = (this.home = new Home(config.homeRegion));
    const regions = (this.regions = new Regions(this, tf ? { hcl: tf.regions } : config.regions));
    this.hub = new HubBus(this, "hub", { home, name: prefix, tags });
    // The account, read off an ARN this stack creates: no aws_caller_identity data source, so no API call
    // at plan (and the offline plan in the tests runs the stack as shipped).
    const account = new TerraformLocal(this, "account_id", Fn.element(Fn.split(":", this.hub.bus.arn), 4));
    account.overrideLogicalId("account_id");
    const dlq = (this.deadLetterQueue = new DeadLetterQueue(this, "dlq", { regions, name: `${prefix}-dlq`, namePrefix: prefix, account: account.asString, tags }));
    const homeDlqArn = home.instanceOf(dlq.queue, "arn");
    this.alarms = new AlarmTopic(this, "alarms", { home, namePrefix: prefix, account: account.asString, email: tf ? { hcl: tf.alarmEmail } : config.alarms.email, tags });

    // Detections: the catalog, filtered to this deployment's resources, selected, grouped into few rules.
    const catalog = buildCatalog(
      {
        namePrefix: prefix,
        trailBuckets: trailLocals?.bucketFilter ?? [...new Set(config.trails.map((t) => t.s3Bucket))],
        trailKeys: trailLocals?.keyFilter ?? [...new Set(config.trails.flatMap((t) => (t.kmsKeyId ? [t.kmsKeyId] : [])))],
        trailLogGroups: trailLocals?.logGroupFilter ?? [...new Set(config.trails.flatMap((t) => (t.cloudWatchLogGroup ? [t.cloudWatchLogGroup] : [])))],
        minRetentionDays: config.delivery.minRetentionDays,
        // The alarm topic's key, known at apply: the self-alarm-key detection names it.
        alarmKey: { arn: this.alarms.key.arn, id: this.alarms.key.keyId },
      },
      // The schema checked each `match` against EventBridge's filter syntax (patternProblems).
      config.rules as readonly CustomRule[],
    );
    const planned = plannedGroups(catalog, config.detections, config.regions);
    const idle =
      remediate && !tf && config.trails.length === 0 && config.remediation.unlistedTrails === "report"
        ? ["remediation is on, but no trail is listed and remediation.unlistedTrails is \"report\": the Lambdas would never restore anything"]
        : [];
    this.warnings = [...planned.warnings, ...idle];
    this.groups = planned.groups;

    // Edges.
    const forwarded = edgePlan(this.groups.flatMap((g) => g.detections), config.regions);
    const edgeRole = (this.edgeRole = newEdgeRole(this, { namePrefix: prefix, account: account.asString, hubBusArn: this.hub.bus.arn, plan: forwarded, tags }));
    this.edges = new Edges(this, "edges", {
      regions,
      globalRegions:
        forwarded.global.length > 0
          ? new Regions(this, tf ? { hcl: `setintersection(["${GLOBAL_EVENTS_REGION}"], local.regions)` } : [GLOBAL_EVENTS_REGION], "global_regions")
          : undefined,
      patterns: forwarded.regional,
      globalPatterns: forwarded.global,
      namePrefix: prefix,
      hubBusArn: this.hub.bus.arn,
      roleArn: edgeRole.role.arn,
      deadLetterQueue: { arnIn: (r) => r.ref(dlq.queue, "arn") },
      tags,
    });

    // Hub: Slack, detection rules, report rule.
    this.slack = new SlackDestination(this, "slack", { home, slack: tf?.slack ?? slackConfig, namePrefix: prefix, tags });
    // A bot token is probed by the heartbeat (auth.test); an incoming webhook's failures are HTTP errors,
    // which EventBridge counts itself (FailedInvocations, InvocationsSentToDlq: alarmed below).
    const probesToken = tf !== undefined || !slackConfig.incomingWebhook;
    const slackRole = (this.slackRole = new Role(this, "eventbridge_slack", {
      logicalName: "eventbridge_slack",
      name: `${prefix}-eventbridge-slack`,
      description: "trailguard: lets the hub's rules post alerts to Slack through the API destination",
      trust: eventBridgeTrustPolicy({ sourceArnLike: `arn:aws:events:${home.region}:${account.asString}:rule/${prefix}/*`, account: account.asString }),
      policyName: "invoke-slack-api-destination",
      policy: invokeApiDestinationsPolicy([this.slack.apiDestination.arn]),
      tags,
    }));
    // The Slack body of a target. In the module, one template whose channel field Terraform writes at plan:
    // `"channel":"C0123",` for chat.postMessage, nothing for the webhook (slack_channel null).
    const channelField = tf ? new TerraformLocal(this, "slack_channel_field", ref(`${tf.slack.channel} == null ? "" : format("\\"channel\\":%s,", jsonencode(${tf.slack.channel}))`)) : undefined;
    channelField?.overrideLogicalId("slack_channel_field");
    const slackTemplate = (render: (channel?: string) => InputTransformer): InputTransformer => {
      if (!channelField) return render(slackConfig.channel);
      const marker = "trailguard-channel-field";
      const t = render(marker);
      const field = `"channel":${JSON.stringify(marker)},`;
      if (!t.inputTemplate.includes(field)) throw new Error(`a Slack template without its channel field: ${t.inputTemplate.slice(0, 80)}`);
      return { ...t, inputTemplate: t.inputTemplate.replace(field, channelField.asString) };
    };
    const hubRule = (logicalName: string, suffix: string, description: string, pattern: EventRule["props"]["pattern"]) =>
      new EventRule(this, logicalName, { placement: home, logicalName, ruleName: `${prefix}-${suffix}`, description, eventBusName: this.hub.bus.name, pattern, tags });
    const toSlack = { suffix: "slack", targetId: "slack", arn: this.slack.apiDestination.arn, roleArn: slackRole.role.arn, deadLetterQueueArn: homeDlqArn };

    this.hubRules = this.groups.flatMap((group) =>
      group.outcomes.map((outcome) => {
        const failed = outcome === "failed";
        const rule = hubRule(
          failed ? `${group.logicalName}_attempt` : group.logicalName,
          failed ? `${group.key}-attempt` : group.key,
          `trailguard: ${group.title}${failed ? " (refused attempts)" : ""}: ${group.detections.map((d) => d.id).join(", ")}`,
          groupPattern(group, outcome),
        );
        const alert: AlertProps = {
          outcome,
          severity: group.severity,
          title: group.title,
          detectionIds: group.detections.map((d) => d.id),
          resource: group.resource,
        };
        rule.addTarget({ ...toSlack, input: { transformer: slackTemplate((channel) => alertTransformer({ ...alert, channel })) } });
        // Self-protection alerts also take the independent path: the Slack path may be what was cut.
        if (group.family === "self" || config.notifications.sns) {
          rule.addTarget({ suffix: "sns", targetId: "sns", arn: this.alarms.topic.arn, deadLetterQueueArn: homeDlqArn, input: { transformer: snsAlertTransformer(alert) } });
        }
        return { group, outcome, rule };
      }),
    );
    const tamperRules = this.hubRules.filter((r) => r.group.family === "trail" && r.outcome === "succeeded");
    // The remediate Lambda has one trigger; the trail family's few names always fit one pattern.
    if (tamperRules.length !== 1) throw new Error(`the trail family needs exactly one hub rule, got ${tamperRules.length}`);
    const tamper = (this.tamperRule = tamperRules[0].rule);

    let reportRule: EventRule | undefined;
    const memberRules: EventRule[] = [];
    const hubEventRules = () => [...this.hubRules.map((r) => r.rule), ...(reportRule ? [reportRule] : []), ...memberRules];
    if (remediate) {
      this.remediation = new Remediation(this, "remediation", {
        home,
        config,
        account: account.asString,
        bundles: bundles!,
        hubBus: { name: prefix, arn: this.hub.bus.arn },
        deadLetterQueueArn: homeDlqArn,
        selfCheck: {
          settings: () =>
            selfCheckSettings({
              hubBus: prefix,
              hubRules: Object.fromEntries(hubEventRules().map((r) => [r.props.ruleName, [...r.targetIds]])),
              // A rule in every configured region is not listed region by region: the variable has 4 KB in all.
              edgeRules: Object.fromEntries(
                this.edges.rules.map((r) => [r.props.ruleName, r.props.placement === regions ? EVERY_REGION : listJson((r.props.placement as Regions).names)]),
              ),
              slackName: `${prefix}-slack`,
              postMessageUrl: tf
                ? new TerraformJson(
                    Token.asString(ref(`jsonencode(${tf.slack.channel} == null ? { equals = null, startsWith = "${WEBHOOK_URL_PREFIX}" } : { equals = "${SLACK_POST_MESSAGE_URL}", startsWith = null })`)),
                  )
                : slackConfig.channel
                  ? SLACK_POST_MESSAGE_URL
                  : undefined,
              deadLetterQueue: `${prefix}-dlq`,
              regions: new TerraformJson(Token.asString(Fn.jsonencode(regions.list))),
              alarmTopic: `${prefix}-alarms`,
              expectSubscriber: tf ? new TerraformJson(Token.asString(ref(`jsonencode(${tf.alarmEmail} != null)`))) : config.alarms.email !== undefined,
              slackProbeSecret: probesToken ? slackProbeSecretName(prefix) : undefined,
            }),
          digests: () =>
            selfCheckDigests({ hubBus: prefix, digests: Object.fromEntries([...hubEventRules(), ...this.edges.rules].map((r) => [r.props.ruleName, r.digests()])) }),
          access: {
            ruleArns: [`arn:aws:events:*:${account.asString}:rule/${prefix}-*`, `arn:aws:events:${home.region}:${account.asString}:rule/${prefix}/*`],
            connectionArn: `arn:aws:events:${home.region}:${account.asString}:connection/${prefix}-slack/*`,
            apiDestinationArn: `arn:aws:events:${home.region}:${account.asString}:api-destination/${prefix}-slack/*`,
            queueArn: `arn:aws:sqs:*:${account.asString}:${prefix}-dlq`,
            alarmTopicArn: this.alarms.topic.arn,
            slackProbeSecretArn: probesToken ? slackProbeSecretArnLike(home.region, account.asString, prefix) : undefined,
          },
          alarmKeyArn: this.alarms.key.arn,
        },
        // The first heartbeat after apply finds the token's secret written (else: one false "secret missing").
        heartbeatAfter: this.slack.probe ? [this.slack.probe.version] : [],
        tags,
        terraform: tf && trailLocals ? { mode: tf.remediationMode, slackChannel: tf.slack.channel, trails: trailLocals, bundlesAreModuleFiles: true } : undefined,
      });
      this.remediation.invokedBy(tamper);
      // The report's blocks were built (and escaped) by the Lambda; the target writes the channel itself.
      const report = hubRule("report", "remediation-report", "trailguard: the remediation Lambda's report, posted to Slack", remediationReportPattern(account.asString));
      report.addTarget({ ...toSlack, input: { transformer: slackTemplate(reportTransformer) } });
      reportRule = report;
    }
    const writers = this.remediation ? [this.remediation.role.arn, this.remediation.heartbeatRole.arn] : [];
    const org = config.organization;
    if (org) {
      this.organization = new OrganizationEdges(this, "organization", {
        home,
        regions,
        organization: org,
        namePrefix: prefix,
        hubBusArn: this.hub.bus.arn,
        patterns: forwarded.regional,
        globalPatterns: forwarded.global,
        tags,
        remediation: this.remediation && { hubRoleArn: this.remediation.role.arn, mode: config.remediation.mode as "enforce" | "dry-run" },
        hubAccount: account.asString,
      });
      // A member account's dead-letter alarm, forwarded by its edge (detections/member-dead-letters.ts): to
      // Slack and, like the self-alerts and the hub's own dead-letter alarm, to the SNS topic.
      const deadLetters = hubRule(
        "member_dead_letters",
        "member-dead-letters",
        `trailguard: ${MEMBER_DEAD_LETTERS.title}: ${MEMBER_DEAD_LETTERS.id} (a member account's ${memberDeadLetterAlarmName(prefix)} alarm in ALARM)`,
        memberDeadLetterPattern(prefix),
      );
      deadLetters.addTarget({ ...toSlack, input: { transformer: slackTemplate((channel) => memberDeadLettersTransformer(prefix, channel)) } });
      deadLetters.addTarget({ suffix: "sns", targetId: "sns", arn: this.alarms.topic.arn, deadLetterQueueArn: homeDlqArn, input: { transformer: memberDeadLettersSnsTransformer(prefix) } });
      memberRules.push(deadLetters);
    }
    this.hub.restrictWritersTo([edgeRole.role.arn, ...writers], writers, org ? { id: org.id, edgeRoleArnLike: `arn:aws:iam::*:role/${prefix}-edge` } : undefined);
    this.addAlarms(config);
    // The module's regions are any of them, its variables and trail locals at their longest.
    checkQuotasAtSynth(this, tf ? KNOWN_REGIONS : config.regions, { variables: tf?.worstCase, locals: trailLocals?.worstCase });
  }

  /** The hub bus's ARN (edges of other accounts or stacks forward to it). */
  get hubBusArn(): string {
    return this.hub.bus.arn;
  }

  /** The edge rule's ARN, keyed by region: `{ "eu-west-1" = "arn:..." }`. */
  get edgeRuleArnsByRegion(): IResolvable {
    return Regions.byRegion(this.edges.rules[0].rule, "arn");
  }

  /** The remediate Lambda's ARN, or undefined when remediation is off. */
  get remediateFunctionArn(): string | undefined {
    return this.remediation?.remediate.arn;
  }

  /** The encrypted SNS topic of alarms and self-protection alerts: subscribe a pager to it. */
  get alarmTopicArn(): string {
    return this.alarms.topic.arn;
  }

  /** Alarms on the alert path itself, to the SNS topic. */
  private addAlarms(config: TrailguardConfig): void {
    const prefix = config.namePrefix;
    const FIVE_MINUTES = 300;
    const hubRules = (metric: string, stat: "SUM" | "MAX" = "SUM") => ({
      insightsQuery: `SELECT ${stat}(${metric}) FROM SCHEMA("AWS/Events", EventBusName, RuleName) WHERE EventBusName = '${prefix}'`,
    });
    const FIVE_MINUTES_MS = 300_000;
    this.alarms.alarm({
      logicalName: "dead_letters",
      suffix: "dead-letters",
      description: `trailguard: events or invocations that could not be delivered wait in ${prefix}-dlq (${config.homeRegion}); read them, fix the path, redrive`,
      metrics: [{ namespace: DEAD_LETTER_ALARM.namespace, metric: DEAD_LETTER_ALARM.metric, dimensions: { QueueName: `${prefix}-dlq` }, stat: DEAD_LETTER_ALARM.stat }],
      periodSeconds: DEAD_LETTER_ALARM.periodSeconds,
      comparison: DEAD_LETTER_ALARM.comparison,
      threshold: DEAD_LETTER_ALARM.threshold,
      treatMissingData: DEAD_LETTER_ALARM.treatMissingData,
    });
    this.alarms.alarm({
      logicalName: "hub_failed_invocations",
      suffix: "hub-failed-invocations",
      description: "trailguard: a hub rule could not deliver to Slack, SNS or the Lambda (EventBridge FailedInvocations)",
      metrics: [hubRules("FailedInvocations")],
      periodSeconds: FIVE_MINUTES,
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      treatMissingData: "notBreaching",
    });
    this.alarms.alarm({
      logicalName: "hub_sent_to_dlq",
      suffix: "hub-sent-to-dlq",
      description: "trailguard: a hub rule gave up on an event and sent it to the dead-letter queue (EventBridge InvocationsSentToDlq)",
      metrics: [hubRules("InvocationsSentToDlq")],
      periodSeconds: FIVE_MINUTES,
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      treatMissingData: "notBreaching",
    });
    // Every account's alerts share one API destination at one call a second: a burst from one account (or
    // one looping StopLogging) queues everyone's. EventBridge's IngestionToInvocationStartLatency, in
    // milliseconds, by bus and rule (Amazon EventBridge User Guide, "Monitoring Amazon EventBridge",
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html), says when alerts wait.
    this.alarms.alarm({
      logicalName: "hub_delivery_delayed",
      suffix: "hub-delivery-delayed",
      description: "trailguard: a hub rule's targets were invoked five minutes or more after the event arrived (Slack's one call a second is saturated, or retries pile up): alerts are late",
      metrics: [hubRules("IngestionToInvocationStartLatency", "MAX")],
      periodSeconds: FIVE_MINUTES,
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: FIVE_MINUTES_MS,
      treatMissingData: "notBreaching",
    });
    if (!this.remediation) return;
    const fn = (name: string, metric: string, stat?: "Maximum") => ({ namespace: "AWS/Lambda", metric, dimensions: { FunctionName: `${prefix}-${name}` }, ...(stat ? { stat } : {}) });
    // The remediate Lambda has reserved concurrency: events queue when it is busy or throttled. AsyncEventAge
    // is "the time between when Lambda successfully queues the event and when the function is invoked"
    // (AWS Lambda Developer Guide, "Types of metrics for Lambda functions", asynchronous invocation metrics,
    // https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html); in milliseconds.
    this.alarms.alarm({
      logicalName: "remediate_event_age",
      suffix: "remediate-event-age",
      description: "trailguard: tamper events waited five minutes or more for the remediate Lambda (throttled, failing, or one account flooding it): restores are late",
      metrics: [fn("remediate", "AsyncEventAge", "Maximum")],
      periodSeconds: FIVE_MINUTES,
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: FIVE_MINUTES_MS,
      treatMissingData: "notBreaching",
    });
    for (const metric of ["Errors", "Throttles"]) {
      this.alarms.alarm({
        logicalName: `lambda_${metric.toLowerCase()}`,
        suffix: `lambda-${metric.toLowerCase()}`,
        description: `trailguard: the remediate or heartbeat Lambda reported ${metric}`,
        metrics: [fn("remediate", metric), fn("heartbeat", metric)],
        periodSeconds: FIVE_MINUTES,
        comparison: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        treatMissingData: "notBreaching",
      });
    }
    const minutes = config.remediation.heartbeatMinutes;
    this.alarms.alarm({
      logicalName: "self_check",
      suffix: "self-check",
      description: "trailguard: the self-check found problems in the alert path (a rule disabled or re-pointed, a target gone, the connection or API destination broken, dead letters); the heartbeat's log and Slack list them",
      metrics: [{ namespace: SELF_CHECK_METRIC.namespace, metric: SELF_CHECK_METRIC.name, dimensions: { [SELF_CHECK_METRIC.dimension]: prefix }, stat: "Maximum" }],
      periodSeconds: minutes * 60,
      comparison: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      treatMissingData: "notBreaching",
    });
    this.alarms.alarm({
      logicalName: "heartbeat_silent",
      suffix: "heartbeat-silent",
      description: `trailguard: the heartbeat did not run in two of its ${minutes}-minute periods (schedule rule disabled or deleted, or the Lambda cannot start)`,
      metrics: [fn("heartbeat", "Invocations")],
      periodSeconds: minutes * 60,
      evaluationPeriods: 2,
      comparison: "LessThanThreshold",
      threshold: 1,
      treatMissingData: "breaching",
    });
  }
}

/**
 * The config with the module's inputs in place of its fields: tokens that cdktf writes as the variables.
 * Code that only joins strings (names, ARNs, patterns) takes them as they are; the few places that decide
 * something by value (the Slack mode, the remediation mode, the trails, the email) read `terraformInputs`.
 */
function withInputs(config: TrailguardConfig, tf: TrailguardInputs | undefined): TrailguardConfig {
  if (!tf) return config;
  const hcl = (e: string) => Token.asString(ref(e));
  return {
    ...config,
    namePrefix: hcl(tf.namePrefix),
    homeRegion: hcl(tf.homeRegion),
    trails: [],
    remediation: { ...config.remediation, mode: hcl(tf.remediationMode) as TrailguardConfig["remediation"]["mode"] },
  };
}

/** A region list as settings JSON: literal, or Terraform's (`jsonencode(local.global_regions)`) in the module. */
function listJson(names: readonly string[]): readonly string[] | TerraformJson {
  return Token.isUnresolved(names) ? new TerraformJson(Token.asString(Fn.jsonencode(names))) : [...names];
}
