import { Construct } from "constructs";
import { CloudwatchMetricAlarm, KmsKey, SnsTopic, SnsTopicPolicy, SnsTopicSubscription } from "../aws";
import { Fn, ref, Token } from "../cdk";
import { alarmTopicKeyPolicy, alarmTopicPolicy } from "../iam/alarm-topic";
import type { Home } from "./regional";

export interface AlarmTopicProps {
  readonly home: Home;
  readonly namePrefix: string;
  /** The account ID (a Terraform expression). */
  readonly account: string;
  /**
   * Subscribe this address (SNS asks it to confirm); `{ hcl }`: the generated module's variable, whose
   * subscription exists when the value is not null.
   */
  readonly email?: string | { readonly hcl: string };
  readonly tags: Readonly<Record<string, string>>;
}

/** One CloudWatch metric or Metrics Insights query, summed over `periodSeconds`. */
export type AlarmMetric =
  | {
      readonly namespace: string;
      readonly metric: string;
      readonly dimensions: Readonly<Record<string, string>>;
      /** @default "Sum" */
      readonly stat?: "Sum" | "Maximum";
    }
  | { readonly insightsQuery: string };

export interface AlarmProps {
  /** Terraform logical name: aws_cloudwatch_metric_alarm.<logicalName>. */
  readonly logicalName: string;
  /** `<namePrefix>-<suffix>`. */
  readonly suffix: string;
  readonly description: string;
  /** Summed together (SUM over a list of metrics ignores the ones that have no data point). */
  readonly metrics: readonly AlarmMetric[];
  readonly periodSeconds: number;
  readonly evaluationPeriods?: number;
  /** `>= threshold` alarms; `< threshold` for the heartbeat that did not run. */
  readonly comparison: "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
  readonly threshold: number;
  /** EventBridge and Lambda publish error metrics only when there is an error: no data is fine. */
  readonly treatMissingData: "notBreaching" | "breaching";
}

/**
 * The independent path: an encrypted SNS topic in the home region that alarms and self-alerts publish to,
 * so a broken Slack path (a re-pointed API destination, a revoked token) is still heard. CloudWatch alarm
 * actions must be in the alarm's region, so every alarm is in the home region too.
 */
export class AlarmTopic extends Construct {
  readonly topic: SnsTopic;
  readonly key: KmsKey;
  private readonly props: AlarmTopicProps;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.props = props;
    const { home, namePrefix, account, tags } = props;
    const topicArn = `arn:aws:sns:${home.region}:${account}:${namePrefix}-alarms`;
    const documents = {
      account,
      topicArn,
      ruleArnLike: `arn:aws:events:${home.region}:${account}:rule/${namePrefix}/*`,
      alarmArnLike: `arn:aws:cloudwatch:${home.region}:${account}:alarm:${namePrefix}-*`,
    };
    const key = (this.key = new KmsKey(this, "key", {
      region: home.region,
      description: "trailguard: encrypts the alarm topic; EventBridge and CloudWatch of this account may use it to publish",
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: Fn.jsonencode(alarmTopicKeyPolicy(documents)),
      tags: { ...tags },
    }));
    key.overrideLogicalId("alarms");
    this.topic = new SnsTopic(this, "topic", { region: home.region, name: `${namePrefix}-alarms`, kmsMasterKeyId: key.arn, tags: { ...tags } });
    this.topic.overrideLogicalId("alarms");
    new SnsTopicPolicy(this, "policy", { region: home.region, arn: this.topic.arn, policy: Fn.jsonencode(alarmTopicPolicy(documents)) }).overrideLogicalId(
      "alarms",
    );
    if (props.email) {
      const variable = typeof props.email === "object" ? props.email.hcl : undefined;
      new SnsTopicSubscription(this, "email", {
        region: home.region,
        count: variable ? Token.asNumber(ref(`${variable} == null ? 0 : 1`)) : undefined,
        topicArn: this.topic.arn,
        protocol: "email",
        endpoint: variable ? Token.asString(ref(variable)) : (props.email as string),
      }).overrideLogicalId("alarms_email");
    }
  }

  /** A CloudWatch alarm in the home region that notifies this topic when it fires and when it recovers. */
  alarm(a: AlarmProps): CloudwatchMetricAlarm {
    const { home, namePrefix, tags } = this.props;
    const queries = a.metrics.map((m, i) =>
      "insightsQuery" in m
        ? { id: `q${i}`, expression: m.insightsQuery, period: a.periodSeconds, returnData: a.metrics.length === 1 }
        : {
            id: `m${i}`,
            metric: { namespace: m.namespace, metricName: m.metric, dimensions: { ...m.dimensions }, period: a.periodSeconds, stat: m.stat ?? "Sum" },
            returnData: a.metrics.length === 1,
          },
    );
    const sum = a.metrics.length === 1 ? [] : [{ id: "total", expression: `SUM([${queries.map((q) => q.id).join(", ")}])`, label: a.suffix, returnData: true }];
    const alarm = new CloudwatchMetricAlarm(this, a.logicalName, {
      region: home.region,
      alarmName: `${namePrefix}-${a.suffix}`,
      alarmDescription: a.description,
      comparisonOperator: a.comparison,
      threshold: a.threshold,
      evaluationPeriods: a.evaluationPeriods ?? 1,
      treatMissingData: a.treatMissingData,
      metricQuery: [...queries, ...sum],
      alarmActions: [this.topic.arn],
      okActions: [this.topic.arn],
      tags: { ...tags },
    });
    alarm.overrideLogicalId(a.logicalName);
    return alarm;
  }
}
