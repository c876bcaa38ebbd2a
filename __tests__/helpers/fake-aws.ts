import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";

/**
 * A local HTTP server that speaks the two AWS JSON protocols the Lambda uses:
 * - CloudTrail, JSON 1.1: POST /, X-Amz-Target `CloudTrail_20131101.<Op>` (what SDK v3 sends; the
 *   model's full name `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.<Op>` is accepted too);
 * - EventBridge, JSON 1.1: X-Amz-Target `AWSEvents.<Op>`;
 * - SQS, JSON 1.0: X-Amz-Target `AmazonSQS.<Op>`;
 * - SNS and STS, the Query protocol: a form-encoded body whose `Action` is the operation, answered in XML;
 * - KMS, JSON 1.1: X-Amz-Target `TrentService.<Op>`;
 * - Lambda, REST-JSON: the operation is the method and path (`GET /2015-03-31/functions/<name>`).
 * It records each request with the region and service of its SigV4 credential scope, so a test can
 * check that a call was signed for the trail's home region. Point the SDK at it with AWS_ENDPOINT_URL.
 */
export interface SeenRequest {
  readonly target: string;
  readonly op: string;
  readonly region: string;
  readonly service: string;
  /** The access key the request was signed with: whose credentials made the call. */
  readonly accessKeyId: string;
  readonly body: any;
  /** Milliseconds since the server started. */
  readonly at: number;
}

/** An answer: JSON `body`, an `xml` text, or `hang`: never answer (the connection stays open until stop). */
export type Responder = (req: SeenRequest) => { status?: number; body?: unknown; xml?: string; hang?: boolean } | undefined;

const CLOUDTRAIL_TARGET = /^(?:com\.amazonaws\.cloudtrail\.v20131101\.)?CloudTrail_20131101\.(\w+)$/;

export class FakeAws {
  readonly seen: SeenRequest[] = [];
  private server?: Server;
  private startedAt = Date.now();

  constructor(private readonly respond: Responder) {}

  async start(): Promise<string> {
    this.startedAt = Date.now();
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      // Authorization: AWS4-HMAC-SHA256 Credential=AKID/20240731/us-east-2/cloudtrail/aws4_request, ...
      const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization ?? ""));
      const text = Buffer.concat(chunks).toString("utf8");
      const form = String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");
      const body = form ? Object.fromEntries(new URLSearchParams(text)) : text ? JSON.parse(text) : {};
      const seen: SeenRequest = {
        target,
        op: form ? String(body.Action) : target ? (CLOUDTRAIL_TARGET.exec(target)?.[1] ?? target) : `${req.method} ${(req.url ?? "").split("?")[0]}`,
        accessKeyId: scope?.[1] ?? "(unsigned)",
        region: scope?.[2] ?? "(unsigned)",
        service: scope?.[3] ?? "(unsigned)",
        body,
        at: Date.now() - this.startedAt,
      };
      this.seen.push(seen);
      const out = this.respond(seen) ?? {
        status: 400,
        body: { __type: "UnknownOperationException", message: `fake server has no answer for ${target}` },
      };
      if (out.hang) return;
      if (out.xml !== undefined) {
        res.writeHead(out.status ?? 200, { "content-type": "text/xml" });
        res.end(out.xml);
        return;
      }
      res.writeHead(out.status ?? 200, { "content-type": target.startsWith("AmazonSQS.") ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1" });
      res.end(JSON.stringify(out.body));
    });
  }
}

/**
 * Serve `fake` for a test file: started before its tests, stopped after, and before each test what it saw
 * is forgotten and `reset` runs. Returns the endpoint (AWS_ENDPOINT_URL), known once the tests start.
 */
export function serveDuringTests(fake: FakeAws, reset: () => void = () => {}): () => string {
  let endpoint = "";
  beforeAll(async () => {
    endpoint = await fake.start();
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.seen.length = 0;
    reset();
  });
  return () => endpoint;
}

/**
 * The answers of an account with one healthy trail (`example-trail`, bucket `audit-logs`): it exists, its
 * selectors record all management events, StartLogging and PutEvents succeed. Logging is off unless
 * `isLogging` says otherwise. Tests put their fault in front: `(req) => fault(req) ?? oneTrail(...)(req)`.
 */
export function oneTrailAccount(trailArn: string, homeRegion: string, isLogging: () => boolean = () => false): Responder {
  return (req) => {
    switch (req.op) {
      case "DescribeTrails":
        return {
          body: {
            trailList: [
              { Name: "example-trail", TrailARN: trailArn, HomeRegion: homeRegion, IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true, LogFileValidationEnabled: true, S3BucketName: "audit-logs" },
            ],
          },
        };
      case "GetTrailStatus":
        return { body: { IsLogging: isLogging(), StopLoggingTime: 1722431184 } };
      case "GetEventSelectors":
        return { body: { TrailARN: trailArn, EventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: true }] } };
      case "StartLogging":
        return { body: {} };
      case "AWSEvents.PutEvents":
        return { body: { FailedEntryCount: 0, Entries: [{ EventId: "fake-1" }] } };
      default:
        return undefined;
    }
  };
}
