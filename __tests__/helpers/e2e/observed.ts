import { DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { terraformUnavailable } from "../offline-terraform";
import { motoPython } from "./moto";

/** moto_server.py hands what Lambda, SNS and API-destination targets would get to this queue. */
export const OBSERVED_QUEUE = "trailguard-e2e-observed";
/** The hub account's dummy keys (moto's default account, 123456789012). */
export const MOTO_CREDENTIALS = { accessKeyId: "moto-test-key", secretAccessKey: "moto-test-secret" };
/** A stand-in for the Slack bot token variable: the stack needs one, moto never calls Slack. */
export const E2E_SLACK_TOKEN = "e2e-placeholder-not-a-slack-token";

/**
 * The interpreter that runs moto, or why the e2e suites cannot run. With TRAILGUARD_E2E=required (CI) a
 * missing piece throws instead; otherwise the suite says why it skipped.
 */
export function e2eAvailability(): { python: string; unavailable?: undefined } | { python?: undefined; unavailable: string } {
  const found = motoPython();
  const unavailable = "missing" in found ? found.missing : terraformUnavailable();
  if (unavailable && process.env.TRAILGUARD_E2E === "required") throw new Error(`TRAILGUARD_E2E=required, but the e2e suite cannot run: ${unavailable}`);
  return unavailable ? { unavailable } : { python: (found as { python: string }).python };
}

/** Everything the observed targets received since the last call, as "<rule>:<target id>" and the input, sorted. */
export async function drainObserved(sqs: SQSClient): Promise<{ key: string; input: string }[]> {
  let url: string;
  try {
    url = (await sqs.send(new GetQueueUrlCommand({ QueueName: OBSERVED_QUEUE }))).QueueUrl!;
  } catch {
    return []; // nothing was ever delivered in this region
  }
  const got: { key: string; input: string }[] = [];
  for (;;) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (!r.Messages?.length) return got.sort((a, b) => a.key.localeCompare(b.key));
    for (const m of r.Messages) {
      const body = JSON.parse(m.Body!);
      got.push({ key: `${body.rule}:${body.targetId}`, input: body.input });
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle! }));
    }
  }
}
