import { spawn } from "node:child_process";
import { join } from "node:path";

/** The bundles as shipped (dist/lambda/<name>/index.js), built once by __tests__/global-setup.ts. */
export const DIST_LAMBDA = join(__dirname, "..", "..", "dist", "lambda");

export interface BundleRun {
  /** "resolved", or "rejected <error name>": how the handler's promise ended. */
  readonly outcome: string;
  /** From the start of the invocation's clock to the handler's end (node's own start excluded). */
  readonly ms: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout's JSON log lines. */
  readonly lines: Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface InvokeOptions {
  /** The local fake's address (AWS_ENDPOINT_URL). */
  readonly endpoint: string;
  readonly region: string;
  /** TRAILGUARD_SETTINGS and the like. */
  readonly env: Readonly<Record<string, string>>;
  /** The Lambda context's remaining time at the start; without it, the handler gets no context. */
  readonly budgetMs?: number;
  /** The context's invokedFunctionArn (the Lambda's own account); needs budgetMs. */
  readonly functionArn?: string;
}

/**
 * Invoke a bundle's handler in a fresh node process, as the Lambda runtime would: the event on stdin,
 * role credentials and the region in the environment, the SDK pointed at the local fake.
 */
export function invokeBundle(name: string, event: unknown, o: InvokeOptions): Promise<BundleRun> {
  const context =
    o.budgetMs === undefined
      ? "undefined"
      : `{ awsRequestId: "req-fault-1", invokedFunctionArn: ${JSON.stringify(o.functionArn)}, getRemainingTimeInMillis: () => started + ${o.budgetMs} - Date.now() }`;
  const script = `
    const started = Date.now();
    require(${JSON.stringify(join(DIST_LAMBDA, name, "index.js"))})
      .handler(JSON.parse(require("fs").readFileSync(0, "utf8")), ${context})
      .then(() => "resolved", (e) => "rejected " + e.name)
      .then((outcome) => process.stderr.write("OUTCOME " + outcome + "\\nELAPSED " + (Date.now() - started) + "\\n"));`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["-e", script], {
      env: {
        PATH: process.env.PATH,
        AWS_REGION: o.region,
        AWS_ACCESS_KEY_ID: "fake-lambda-role-key-id",
        AWS_SECRET_ACCESS_KEY: "fake-secret",
        AWS_SESSION_TOKEN: "fake-session",
        AWS_ENDPOINT_URL: o.endpoint,
        ...o.env,
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", () =>
      resolve({
        outcome: /OUTCOME (.*)/.exec(stderr)?.[1] ?? `no outcome: ${stderr.slice(-500)}`,
        ms: Number(/ELAPSED (\d+)/.exec(stderr)?.[1] ?? Number.NaN),
        stdout,
        stderr,
        lines: stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)),
      }),
    );
    child.stdin.end(JSON.stringify(event));
  });
}
