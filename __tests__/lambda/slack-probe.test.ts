import { DescribeApiDestinationCommand, DescribeConnectionCommand, DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { sdkClients } from "../../lambda-src/lib/aws";
import { unboundedClock } from "../../lambda-src/lib/budget";
import { problemsOf, runSelfCheck, selfCheckClients, selfCheckSlackPayload, type Observations, type SelfCheckClients } from "../../lambda-src/lib/self-check";
import { parseSelfCheckSettings, type SelfCheckSettings } from "../../lambda-src/lib/self-check-settings";
import { observeSlackToken, SLACK_AUTH_TEST_URL, slackErrorCode, type SlackTokenObservation, slackTokenProblems } from "../../lambda-src/lib/slack-probe";
import { expectValidBlockKit } from "../helpers/slack";

/**
 * The Slack token probe: the heartbeat reads the bot token from its secret and calls auth.test; anything
 * but `ok: true` is a self-check problem. Secrets Manager is mocked (aws-sdk-client-mock), Slack is a fake
 * fetch: nothing leaves the machine.
 */

// Not token-shaped (secret scanners), but distinctive: a test fails if it shows up in any output.
const TOKEN = "slack-probe-test-token-8c1f2e";
const SECRET = "trailguard-slack-probe";
const sm = mockClient(SecretsManagerClient);

/** A fetch that answers with `status` and `body` and records what it was sent. */
function fakeSlack(answer: () => Response | Promise<Response>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    return answer();
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

const clients = (fetch: typeof globalThis.fetch) => ({ secretsManager: () => new SecretsManagerClient({ region: "us-east-1" }), fetch });

beforeEach(() => {
  sm.reset();
  sm.on(GetSecretValueCommand, { SecretId: SECRET }).resolves({ SecretString: TOKEN });
});

describe("observeSlackToken", () => {
  test("ok:true is no problem; the token goes in the Authorization header of a POST to auth.test, nowhere else", async () => {
    const slack = fakeSlack(() => json({ ok: true, url: "https://example.slack.com/", team: "Example", user: "trailguard", team_id: "T1", user_id: "U1", bot_id: "B1" }));
    const o = await observeSlackToken(clients(slack.fetch), SECRET, unboundedClock);
    expect(o).toEqual({ result: "ok" });
    expect(slackTokenProblems(o, SECRET)).toEqual([]);
    expect(slack.calls).toHaveLength(1);
    expect(slack.calls[0].url).toBe("https://slack.com/api/auth.test");
    expect(slack.calls[0].init.method).toBe("POST");
    expect((slack.calls[0].init.headers as Record<string, string>).Authorization).toBe(`Bearer ${TOKEN}`);
    expect(slack.calls[0].init.body).toBe("");
    expect(slack.calls[0].init.signal).toBeInstanceOf(AbortSignal);
    expect(sm.commandCalls(GetSecretValueCommand)[0].args[0].input).toEqual({ SecretId: SECRET });
  });

  test.each(["invalid_auth", "token_revoked", "account_inactive", "not_authed"])("ok:false %s is a problem naming the error code", async (code) => {
    const slack = fakeSlack(() => json({ ok: false, error: code }));
    const o = await observeSlackToken(clients(slack.fetch), SECRET, unboundedClock);
    expect(o).toEqual({ result: "rejected", error: code });
    const [problem] = slackTokenProblems(o, SECRET);
    expect(problem).toMatch(new RegExp(`^Slack token rejected: ${code} `));
  });

  test("ok:false with no error field, or a body that is not an object, is still a rejection", async () => {
    expect(await observeSlackToken(clients(fakeSlack(() => json({ ok: false })).fetch), SECRET, unboundedClock)).toEqual({ result: "rejected", error: "no error code" });
    expect(await observeSlackToken(clients(fakeSlack(() => json("ok")).fetch), SECRET, unboundedClock)).toEqual({ result: "rejected", error: "no error code" });
    // ok must be the boolean true: the string "true" is not Slack's success.
    expect(await observeSlackToken(clients(fakeSlack(() => json({ ok: "true" })).fetch), SECRET, unboundedClock)).toMatchObject({ result: "rejected" });
  });

  test.each([
    [500, "HTTP 500"],
    [429, "HTTP 429"],
    [302, "HTTP 302"],
  ])("HTTP %i is a problem", async (status, error) => {
    const o = await observeSlackToken(clients(fakeSlack(() => json({ ok: true }, status)).fetch), SECRET, unboundedClock);
    expect(o).toEqual({ result: "unreachable", error });
    expect(slackTokenProblems(o, SECRET)).toEqual([`Slack token could not be checked: auth.test failed: ${error}`]);
  });

  test("a body that is not JSON is a problem", async () => {
    const o = await observeSlackToken(clients(fakeSlack(() => new Response("<html>proxy error</html>", { status: 200 })).fetch), SECRET, unboundedClock);
    expect(o).toEqual({ result: "unreachable", error: "the answer is not JSON" });
  });

  test("no answer within the probe's timeout is a problem, and the probe gives up instead of hanging", async () => {
    // AbortSignal.timeout runs on Node's own timers (jest's fake timers do not reach it): this takes 5 s.
    const hang = ((_url: unknown, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason)))) as typeof fetch;
    const started = Date.now();
    const o = await observeSlackToken(clients(hang), SECRET, unboundedClock);
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(o).toEqual({ result: "unreachable", error: "no answer within 5 s" });
    expect(slackTokenProblems(o, SECRET)).toEqual(["Slack token could not be checked: auth.test failed: no answer within 5 s"]);
  });

  test("the invocation's budget bounds the call too: with no time left it is abandoned at once", async () => {
    const hang = ((_url: unknown, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        if (init?.signal?.aborted) reject(init.signal.reason);
        init?.signal?.addEventListener("abort", () => reject(init.signal!.reason));
      })) as typeof fetch;
    const o = await observeSlackToken(clients(hang), SECRET, { remainingMs: () => 0 });
    expect(o.result).toBe("unreachable");
  });

  test("a network failure is a problem named by its error type, not its message", async () => {
    const down = (async () => {
      throw Object.assign(new TypeError(`fetch failed for Bearer ${TOKEN}`), {});
    }) as typeof fetch;
    const o = await observeSlackToken(clients(down), SECRET, unboundedClock);
    expect(o).toEqual({ result: "unreachable", error: "TypeError" });
    expect(JSON.stringify(o)).not.toContain(TOKEN);
  });

  test("a missing secret, or one the role may not read, is a problem, and Slack is not called", async () => {
    const slack = fakeSlack(() => json({ ok: true }));
    sm.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} }));
    const missing = await observeSlackToken(clients(slack.fetch), SECRET, unboundedClock);
    expect(missing).toEqual({ result: "no-secret", error: "ResourceNotFoundException" });
    expect(slackTokenProblems(missing, SECRET)).toEqual([`Slack token could not be checked: the secret ${SECRET} is missing`]);

    sm.on(GetSecretValueCommand).rejects(Object.assign(new Error("User is not authorized to perform: secretsmanager:GetSecretValue"), { name: "AccessDeniedException" }));
    const denied = await observeSlackToken(clients(slack.fetch), SECRET, unboundedClock);
    expect(slackTokenProblems(denied, SECRET)).toEqual([`Slack token could not be checked: the secret ${SECRET} could not be read: AccessDeniedException`]);

    sm.on(GetSecretValueCommand).resolves({ SecretString: "   " });
    expect(await observeSlackToken(clients(slack.fetch), SECRET, unboundedClock)).toEqual({ result: "no-secret", error: "the secret holds no token" });
    expect(slack.calls).toHaveLength(0);
  });
});

describe("a hostile or broken Slack error string", () => {
  test("is reduced to word characters, dots and dashes, and cut at 64 characters", () => {
    expect(slackErrorCode("invalid_auth")).toBe("invalid_auth");
    expect(slackErrorCode('x"}],"channel":"C0X<!channel> *bold*\n\u202e')).toBe("x?????channel???C0X??channel???bold???");
    expect([...slackErrorCode("a".repeat(500))]).toHaveLength(64);
    expect(slackErrorCode(42)).toBe("no error code");
    expect(slackErrorCode({ nested: true })).toBe("no error code");
  });

  test("never repeats the token, even when the answer quotes it", async () => {
    const slack = fakeSlack(() => json({ ok: false, error: `bad_token_${TOKEN}` }));
    const o = (await observeSlackToken(clients(slack.fetch), SECRET, unboundedClock)) as Extract<SlackTokenObservation, { result: "rejected" }>;
    expect(o.error).not.toContain(TOKEN);
    expect(o.error).toBe("bad_token_?token?");
  });

  test("leaves the self-check's report valid Block Kit with nothing injected", () => {
    const nasty = slackErrorCode(`<!channel> & </a>${"\n".repeat(3)}${"x".repeat(5000)}`);
    const problems = slackTokenProblems({ result: "rejected", error: nasty }, SECRET);
    const payload = selfCheckSlackPayload(problems, "123456789012", "C0123ABCDEF");
    expectValidBlockKit(payload);
    expect(JSON.stringify(payload)).not.toContain("<!channel>");
    expect(problems[0].length).toBeLessThan(300);
  });
});

describe("in the self-check", () => {
  const SETTINGS: SelfCheckSettings = {
    hubBus: "trailguard",
    hubRules: { "trailguard-self": ["slack", "sns"] },
    edgeRules: {},
    connection: "trailguard-slack",
    apiDestination: "trailguard-slack",
    endpoint: { equals: "https://slack.com/api/chat.postMessage" },
    deadLetterQueue: "trailguard-dlq",
    regions: ["us-east-1"],
    slackProbeSecret: SECRET,
  };
  const HEALTHY: Observations = {
    rules: [{ region: "us-east-1", bus: "trailguard", name: "trailguard-self", state: "ENABLED", targets: [{ id: "slack", arn: "a" }, { id: "sns", arn: "b" }] }],
    connection: { state: "AUTHORIZED" },
    apiDestination: { state: "ACTIVE", endpointOk: true },
    queues: [{ region: "us-east-1", visible: 0 }],
  };
  const HUB = "arn:aws:events:us-east-1:123456789012:event-bus/trailguard";

  test("a rejected token is one more problem; a green connection does not hide it", () => {
    expect(problemsOf({ ...HEALTHY, slackToken: { result: "ok" } }, SETTINGS, HUB)).toEqual([]);
    expect(problemsOf({ ...HEALTHY, slackToken: { result: "rejected", error: "token_revoked" } }, SETTINGS, HUB)).toEqual([
      "Slack token rejected: token_revoked (auth.test answered ok:false; chat.postMessage refuses every alert the same way, and EventBridge counts them delivered)",
    ]);
  });

  test("the settings carry the secret's name; a webhook endpoint means no probe", () => {
    const parsed = parseSelfCheckSettings(JSON.stringify(SETTINGS))!;
    expect(parsed.slackProbeSecret).toBe(SECRET);
    expect(() => parseSelfCheckSettings(JSON.stringify({ ...SETTINGS, slackProbeSecret: 7 }))).toThrow("slackProbeSecret must be a secret name");
  });

  describe("runSelfCheck, end to end over mocked AWS clients", () => {
    const eb = mockClient(EventBridgeClient);
    const sqs = mockClient(SQSClient);
    let lines: string[];
    const run = async (settings: SelfCheckSettings, slack: ReturnType<typeof fakeSlack>) => {
      const base = selfCheckClients(sdkClients("us-east-1"), unboundedClock, "us-east-1");
      const c: SelfCheckClients = { ...base, fetch: slack.fetch };
      lines = [];
      return runSelfCheck({ clients: c, log: { log: (level, message, fields) => lines.push(JSON.stringify({ level, message, ...fields })) }, slackChannel: "C0123ABCDEF" }, settings, "123456789012", "us-east-1");
    };
    beforeEach(() => {
      eb.reset();
      sqs.reset();
      eb.on(DescribeRuleCommand).resolves({ State: "ENABLED" });
      eb.on(ListTargetsByRuleCommand).resolves({ Targets: [{ Id: "slack", Arn: "a" }, { Id: "sns", Arn: "b" }] });
      eb.on(DescribeConnectionCommand).resolves({ ConnectionState: "AUTHORIZED" });
      eb.on(DescribeApiDestinationCommand).resolves({ ApiDestinationState: "ACTIVE", InvocationEndpoint: "https://slack.com/api/chat.postMessage" });
      eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
      sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: "0" } });
    });
    afterAll(() => {
      eb.restore();
      sqs.restore();
    });

    test("a revoked token: the metric counts it, the report names the code, and the token is in no log line and no report", async () => {
      const slack = fakeSlack(() => json({ ok: false, error: "token_revoked" }));
      const problems = await run(SETTINGS, slack);
      expect(problems).toEqual([expect.stringMatching(/^Slack token rejected: token_revoked/)]);
      const metric = lines.map((l) => JSON.parse(l)).find((l) => "SelfCheckProblems" in l);
      expect(metric).toMatchObject({ level: "error", SelfCheckProblems: 1 });
      const detail = eb.commandCalls(PutEventsCommand)[0].args[0].input.Entries![0].Detail!;
      expect(detail).toContain("token_revoked");
      expectValidBlockKit(JSON.parse(detail).slack);
      for (const text of [...lines, detail, JSON.stringify(problems)]) expect(text).not.toContain(TOKEN);
      // The secret was read in the home region.
      expect(await (sm.commandCalls(GetSecretValueCommand)[0].thisValue as SecretsManagerClient).config.region()).toBe("us-east-1");
    });

    test("a good token: no problem, and the token is in no log line", async () => {
      const slack = fakeSlack(() => json({ ok: true }));
      expect(await run(SETTINGS, slack)).toEqual([]);
      expect(slack.calls).toHaveLength(1);
      for (const text of lines) expect(text).not.toContain(TOKEN);
    });

    test("webhook mode (or no secret named) probes nothing: the webhook's HTTP errors are EventBridge's failed invocations", async () => {
      const slack = fakeSlack(() => json({ ok: false, error: "invalid_auth" }));
      eb.on(DescribeApiDestinationCommand).resolves({ ApiDestinationState: "ACTIVE", InvocationEndpoint: "https://hooks.slack.com/services/T/B/x" });
      expect(await run({ ...SETTINGS, endpoint: { startsWith: "https://hooks.slack.com/" } }, slack)).toEqual([]);
      eb.on(DescribeApiDestinationCommand).resolves({ ApiDestinationState: "ACTIVE", InvocationEndpoint: "https://slack.com/api/chat.postMessage" });
      expect(await run({ ...SETTINGS, slackProbeSecret: undefined }, slack)).toEqual([]);
      expect(slack.calls).toHaveLength(0);
      expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    });
  });
});

test("the probe calls Slack's documented auth.test URL", () => {
  expect(SLACK_AUTH_TEST_URL).toBe("https://slack.com/api/auth.test");
});
