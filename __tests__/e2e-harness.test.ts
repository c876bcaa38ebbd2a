/**
 * The e2e harness's own faults, without moto's AWS: each ends in one line naming the cause, within its
 * deadline, never a hang (helpers/e2e/moto.ts).
 */
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer } from "node:net";
import { freePort, Moto, motoPython, waitUntilAnswering } from "./helpers/e2e/moto";

const serve = (handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; endpoint: string }> =>
  new Promise((resolve) => {
    const server = createServer(handler);
    server.listen(0, "127.0.0.1", () => resolve({ server, endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}` }));
  });

describe("starting moto", () => {
  test("an interpreter that is not there: the error names it, at once", async () => {
    const started = Date.now();
    await expect(Moto.start({ python: "/nonexistent/python3", deadlineMs: 10_000 })).rejects.toThrow(/^moto did not start on 127\.0\.0\.1:\d+: \/nonexistent\/python3 could not run \(ENOENT\)$/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test("a port already taken: the error says so, before moto is started", async () => {
    const port = await freePort();
    const taken = createTcpServer().listen(port, "127.0.0.1");
    await new Promise((r) => taken.once("listening", r));
    try {
      await expect(Moto.start({ python: "python3", port, deadlineMs: 10_000 })).rejects.toThrow(`moto did not start on 127.0.0.1:${port}: port ${port} is taken`);
    } finally {
      taken.close();
    }
  });

  test("a server answering HTTP 500: the error says so, without waiting for the deadline", async () => {
    const { server, endpoint } = await serve((_req, res) => res.writeHead(500).end("Internal Server Error"));
    const started = Date.now();
    try {
      await expect(waitUntilAnswering(endpoint, 20_000)).rejects.toThrow("it answers HTTP 500");
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      server.close();
    }
  });

  test("a server that never answers: the deadline ends the wait", async () => {
    const { server, endpoint } = await serve(() => undefined); // accepts, never responds
    const started = Date.now();
    try {
      await expect(waitUntilAnswering(endpoint, 1_500)).rejects.toThrow("no answer within 1.5 s");
      expect(Date.now() - started).toBeLessThan(6_000);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test("moto_server missing from PATH: one line says so", () => {
    expect(motoPython("/nonexistent")).toEqual({ missing: 'moto_server is not on PATH (pip install "moto[server]")' });
  });
});
