import { DescribeKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { GetFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetSubscriptionAttributesCommand, GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { awsError } from "./aws";
import { digest, terraformJson } from "./self-check-digest";
import type { FunctionExpectation, SelfCheckSettings } from "./self-check-settings";

/**
 * The parts of the alert path that are not rules: the two Lambdas (code, role, environment, reserved
 * concurrency, as Terraform deployed them) and the independent path (the alarm topic still encrypted with
 * its key, the key Enabled, somebody subscribed, no filter policy that drops alarms). Observed with one
 * GetFunction per Lambda, GetTopicAttributes, DescribeKey, ListSubscriptionsByTopic and one
 * GetSubscriptionAttributes per confirmed subscription, all in the home region.
 */

export interface GuardClients {
  lambda(): LambdaClient;
  sns(): SNSClient;
  kms(): KMSClient;
}

export interface FunctionObservation {
  readonly name: string;
  readonly code?: string;
  readonly role?: string;
  /** A digest of the environment variables, as Terraform's `sha256(jsonencode(variables))` reads them. */
  readonly env?: string;
  readonly concurrency?: number;
  readonly error?: string;
}

export interface AlarmTopicObservation {
  readonly topic: string;
  /** The key the topic encrypts with (KmsMasterKeyId). */
  readonly key?: string;
  readonly keyState?: string;
  /** Confirmed subscriptions, and the ones with a filter policy. */
  readonly confirmed?: readonly string[];
  readonly filtered?: readonly string[];
  readonly error?: string;
}

const attempt = async <T>(call: () => Promise<T>): Promise<T | { error: string }> => {
  try {
    return await call();
  } catch (e) {
    return { error: awsError(e).code };
  }
};

/** What GetFunction says of one Lambda. */
export async function observeFunction(c: GuardClients, name: string): Promise<FunctionObservation> {
  const out = await attempt(() => c.lambda().send(new GetFunctionCommand({ FunctionName: name })));
  if ("error" in out) return { name, error: out.error };
  return {
    name,
    code: out.Configuration?.CodeSha256,
    role: out.Configuration?.Role,
    env: digest(terraformJson(out.Configuration?.Environment?.Variables ?? {})),
    concurrency: out.Concurrency?.ReservedConcurrentExecutions ?? -1,
  };
}

/** The alarm topic's key and subscriptions. */
export async function observeAlarmTopic(c: GuardClients, topicArn: string, keyArn: string | undefined): Promise<AlarmTopicObservation> {
  const attrs = await attempt(() => c.sns().send(new GetTopicAttributesCommand({ TopicArn: topicArn })));
  if ("error" in attrs) return { topic: topicArn, error: attrs.error };
  const key = attrs.Attributes?.KmsMasterKeyId;
  const described = keyArn ? await attempt(() => c.kms().send(new DescribeKeyCommand({ KeyId: keyArn }))) : undefined;
  const keyState = described === undefined ? undefined : "error" in described ? `unreadable (${described.error})` : described.KeyMetadata?.KeyState;
  const listed = await attempt(() => c.sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn })));
  if ("error" in listed) return { topic: topicArn, key, keyState, error: listed.error };
  // A pending subscription's ARN is the word "PendingConfirmation" (SNS API reference, ListSubscriptionsByTopic).
  const confirmed = (listed.Subscriptions ?? []).map((s) => s.SubscriptionArn ?? "").filter((a) => a.startsWith("arn:"));
  const filtered: string[] = [];
  for (const arn of confirmed) {
    const sub = await attempt(() => c.sns().send(new GetSubscriptionAttributesCommand({ SubscriptionArn: arn })));
    if ("error" in sub || sub.Attributes?.FilterPolicy) filtered.push(arn);
  }
  return { topic: topicArn, key, keyState, confirmed, filtered };
}

/** What is wrong with a Lambda, compared with what Terraform deployed. Pure. */
export function functionProblems(o: FunctionObservation, want: FunctionExpectation): string[] {
  const where = `Lambda ${o.name}`;
  if (o.error === "ResourceNotFoundException") return [`${where} is missing`];
  if (o.error) return [`${where} could not be checked: ${o.error}`];
  const problems: string[] = [];
  if (o.code !== want.code) problems.push(`${where} runs other code than trailguard deployed (CodeSha256 ${o.code ?? "none"})`);
  if (o.role !== want.role) problems.push(`${where} runs as ${o.role ?? "no role"}, not ${want.role}`);
  if (o.env !== want.env) problems.push(`${where} has other environment variables than trailguard set`);
  if (o.concurrency !== want.concurrency) {
    problems.push(`${where} has reserved concurrency ${o.concurrency === -1 ? "none" : o.concurrency}, not ${want.concurrency === -1 ? "none" : want.concurrency}${o.concurrency === 0 ? ": it cannot run" : ""}`);
  }
  return problems;
}

/** What is wrong with the independent path. Pure. */
export function alarmTopicProblems(o: AlarmTopicObservation, s: Pick<SelfCheckSettings, "alarmKey" | "expectSubscriber">): string[] {
  const where = `alarm topic ${o.topic}`;
  if (o.error === "NotFound" || o.error === "NotFoundException") return [`${where} is missing`];
  if (o.error && o.confirmed === undefined && o.key === undefined) return [`${where} could not be checked: ${o.error}`];
  const problems: string[] = [];
  if (s.alarmKey !== undefined) {
    if (o.key !== s.alarmKey) problems.push(`${where} is encrypted with ${o.key ?? "no key"}, not trailguard's key ${s.alarmKey}`);
    if (o.keyState !== "Enabled") problems.push(`the alarm topic's key ${s.alarmKey} is ${o.keyState ?? "in no state"}, not Enabled: the topic cannot deliver`);
  }
  if (o.error) problems.push(`${where}: its subscriptions could not be checked: ${o.error}`);
  else {
    if (s.expectSubscriber && (o.confirmed ?? []).length === 0) problems.push(`${where} has no confirmed subscription: alarms and self-alerts reach nobody`);
    for (const arn of o.filtered ?? []) problems.push(`${where}: subscription ${arn} has a filter policy (or could not be read): it may drop alarms`);
  }
  return problems;
}
