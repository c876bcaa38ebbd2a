import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { connect, createServer } from "node:net";
import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * moto in server mode (moto 5.2.1, on PATH as `moto_server` here; elsewhere `pip install "moto[server]"`),
 * started through moto_server.py (its test-only patches, or `--stock`) on a free 127.0.0.1 port. We start
 * it with the interpreter moto's own `moto_server` script runs, not a version manager's shim: the PID we
 * hold is then moto's, and stopping it stops moto. Every wait has a deadline.
 */
const WRAPPER = join(__dirname, "moto_server.py");

/** The interpreter that runs `moto_server` (its shebang, or pyenv's shim's target), or why there is none. */
export function motoPython(path = process.env.PATH): { python: string } | { missing: string } {
  const which = spawnSync("/bin/sh", ["-c", "command -v moto_server"], { encoding: "utf8", env: { PATH: path } });
  if (which.status !== 0 || !which.stdout.trim()) return { missing: "moto_server is not on PATH (pip install \"moto[server]\")" };
  // A shim (pyenv) runs `python3` of the selected version; ask that interpreter for its real path.
  const probe = spawnSync("python3", ["-c", "import sys, moto; print(sys.executable); print(moto.__version__)"], { encoding: "utf8", timeout: 20_000, env: { ...process.env, PATH: path } });
  if (probe.status !== 0) return { missing: `python3 cannot import moto: ${(probe.stderr || String(probe.error)).trim().split("\n").pop()}` };
  return { python: probe.stdout.trim().split("\n")[0] };
}

/** A free TCP port on 127.0.0.1, by binding port 0 and letting go of it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, timeout: 1_000 });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
  });
}

/**
 * Wait until `endpoint` answers STS GetCallerIdentity (the cheapest call moto serves) with 200, at most
 * `deadlineMs`. Fails at once, with one line, when `gone()` names why the server is gone, or when it answers
 * 5xx; otherwise when the deadline passes.
 */
export async function waitUntilAnswering(endpoint: string, deadlineMs: number, gone: () => string | undefined = () => undefined): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const why = gone();
    if (why) throw new Error(why);
    let status: number | undefined;
    try {
      const r = await fetch(endpoint, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "Action=GetCallerIdentity&Version=2011-06-15",
        signal: AbortSignal.timeout(Math.max(100, Math.min(2_000, deadline - Date.now()))),
      });
      status = r.status;
    } catch {
      // not listening yet, or no answer within the attempt's timeout
    }
    if (status === 200) return;
    if (status !== undefined && status >= 500) throw new Error(`it answers HTTP ${status}`);
    if (Date.now() > deadline) throw new Error(`no answer within ${deadlineMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export class Moto {
  private constructor(
    readonly endpoint: string,
    readonly pid: number,
    private readonly child: ChildProcess,
  ) {}

  /** Start moto and wait (at most `deadlineMs`) until it answers; one clear error line otherwise. */
  static async start(o: { readonly python: string; readonly stock?: boolean; readonly port?: number; readonly deadlineMs?: number }): Promise<Moto> {
    const port = o.port ?? (await freePort());
    // Something already answering there would pass for moto: refuse it before starting ours.
    if (await listening(port)) throw new Error(`moto did not start on 127.0.0.1:${port}: port ${port} is taken`);
    // moto logs every request: to a file, not a pipe, which would fill (and stall moto) whenever this
    // process is busy elsewhere.
    const logFile = join(mkdtempSync(join(tmpdir(), "tg-moto-")), "moto.log");
    const fd = openSync(logFile, "w");
    const child = spawn(o.python, [WRAPPER, "--port", String(port), ...(o.stock ? ["--stock"] : [])], {
      stdio: ["ignore", fd, fd],
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    closeSync(fd);
    const tail = () => readFileSync(logFile, "utf8").slice(-20_000);
    let spawnError: Error | undefined;
    child.once("error", (e) => (spawnError = e));
    const moto = new Moto(`http://127.0.0.1:${port}`, child.pid ?? -1, child);
    const lastWords = () => tail().trim().split("\n").slice(-3).join(" | ");
    const exited = () => {
      if (spawnError) return `${o.python} could not run (${(spawnError as NodeJS.ErrnoException).code ?? spawnError.message})`;
      if (child.exitCode === null && child.signalCode === null) return undefined;
      const why = /Address already in use/.test(tail()) ? `port ${port} is taken` : `it exited (${child.exitCode ?? child.signalCode})`;
      return `${why}. Its last output: ${lastWords()}`;
    };
    try {
      await waitUntilAnswering(moto.endpoint, o.deadlineMs ?? 30_000, exited);
    } catch (e) {
      await moto.stop();
      throw new Error(`moto did not start on 127.0.0.1:${port}: ${(e as Error).message}`);
    }
    return moto;
  }

  /** Stop exactly the process we started (SIGTERM, then SIGKILL if it lingers past 5 s). */
  async stop(): Promise<void> {
    const child = this.child;
    if (this.pid < 0 || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
