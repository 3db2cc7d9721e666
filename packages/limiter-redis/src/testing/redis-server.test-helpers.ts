import { type ChildProcess, spawn } from "node:child_process";
import { createConnection, createServer } from "node:net";

/** A `redis-server` of a test's own, on a free loopback port. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** The running server's PID (it changes on restart). */
  readonly pid: number;
  /** Stops it (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty, and waits until it answers PING. */
  start(): Promise<void>;
  /** `stop()` then `start()`: a restarted Redis, every key gone. */
  restart(): Promise<void>;
}

const READY_WITHIN_MS = 10_000;

// Every server this process started, so that none outlives a crashed test file.
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Starts Debian's `redis-server` in the foreground on a free loopback port, with no
 * persistence (`--save '' --appendonly no`), and waits until it answers PING.
 *
 * @example
 * ```ts
 * let server: RedisServer;
 * beforeAll(async () => { server = await startRedisServer(); });
 * afterAll(() => server.stop());
 * ```
 */
export async function startRedisServer(): Promise<RedisServer> {
  let port = await freePort();
  let child: ChildProcess | undefined;

  const start = async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        child = await launch(port);
        return;
      } catch (error) {
        // Another process may have taken the port between our probe and the bind.
        if (attempt >= 3) throw error;
        port = await freePort();
      }
    }
  };
  const stop = async () => {
    const stopping = child;
    child = undefined;
    if (stopping) await halt(stopping);
  };

  await start();
  return {
    get port() {
      return port;
    },
    get url() {
      return `redis://127.0.0.1:${port}`;
    },
    get pid() {
      return child?.pid ?? -1;
    },
    stop,
    async start() {
      if (!child) child = await launch(port);
    },
    async restart() {
      await stop();
      child = await launch(port);
    },
  };
}

function launch(port: number): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  running.add(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  child.once("exit", () => running.delete(child));
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let done = false;
    const fail = (why: string) => {
      if (done) return;
      done = true;
      child.kill("SIGKILL");
      reject(new Error(`redis-server on port ${port} ${why}:\n${output}`));
    };
    child.once("error", (error) => fail(`could not start (${error.message})`));
    child.once("exit", (code) => fail(`exited with code ${code}`));
    const probe = () => {
      if (done) return;
      ping(port).then((ok) => {
        if (done) return;
        if (ok) {
          done = true;
          resolve(child);
        } else if (Date.now() - started > READY_WITHIN_MS) {
          fail(`did not answer PING within ${READY_WITHIN_MS} ms`);
        } else {
          setTimeout(probe, 20);
        }
      });
    };
    probe();
  });
}

function halt(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Whether a server on `port` answers `PING` with `+PONG`. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let answer = "";
    const end = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => end(false));
    socket.once("error", () => end(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      answer += chunk.toString();
      if (answer.includes("\r\n")) end(answer.startsWith("+PONG"));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
