import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

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

/**
 * Why the suites that need a real `redis-server` cannot run on this machine, or `undefined`
 * when they can. A machine with only Node and npm has none: those suites are skipped, and
 * the test run says so once (`test/global-setup.ts`). With `B24IM_REQUIRE_REDIS=1` (set by
 * `.ci/run`, which installs Debian's package) nothing is skipped: a missing server fails.
 *
 * @example
 * ```ts
 * describe.skipIf(redisServerMissing)("the limiter on a real redis-server", () => {});
 * ```
 */
export const redisServerMissing: string | undefined =
  process.env.B24IM_REQUIRE_REDIS === "1" ||
  spawnSync("redis-server", ["--version"], { stdio: "ignore" }).error === undefined
    ? undefined
    : "redis-server is not installed (Debian/Ubuntu: sudo apt-get install redis-server)";

// Every server this process started, so that none outlives a crashed test file.
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Starts Debian's `redis-server` in the foreground on a free loopback port, with no
 * persistence (`--save '' --appendonly no`), and waits until it answers PING. With
 * `cluster`, it is a one-node Redis Cluster holding every slot, ready when this resolves.
 *
 * @example
 * ```ts
 * let server: RedisServer;
 * beforeAll(async () => { server = await startRedisServer(); });
 * afterAll(() => server.stop());
 * ```
 */
export async function startRedisServer(o: { cluster?: boolean } = {}): Promise<RedisServer> {
  let port = await freePort();
  let child: ChildProcess | undefined;
  // A cluster node writes its own state file, even with persistence off: a folder of its own.
  const dir = o.cluster ? mkdtempSync(join(tmpdir(), "b24im-redis-")) : undefined;
  // A lone node does not know its own address until another tells it: announce it, or
  // CLUSTER SLOTS sends clients to "".
  const extra = dir
    ? [
        ...["--cluster-enabled", "yes", "--cluster-announce-ip", "127.0.0.1"],
        ...["--cluster-config-file", join(dir, "nodes.conf"), "--dir", dir],
      ]
    : [];

  const start = async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        child = await launch(port, extra);
        break;
      } catch (error) {
        // Another process may have taken the port between our probe and the bind.
        if (attempt >= 3) throw error;
        port = await freePort();
      }
    }
    if (dir) await holdEverySlot(port);
  };
  const stop = async () => {
    const stopping = child;
    child = undefined;
    if (stopping) await halt(stopping);
    if (dir) rmSync(dir, { recursive: true, force: true });
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
      if (!child) child = await launch(port, extra);
    },
    async restart() {
      await stop();
      child = await launch(port, extra);
    },
  };
}

function launch(port: number, extra: readonly string[] = []): Promise<ChildProcess> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", ...extra],
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

// Gives a one-node cluster every slot and waits until it says its state is ok (~2 s).
async function holdEverySlot(port: number): Promise<void> {
  await command(port, "CLUSTER ADDSLOTSRANGE 0 16383", "\r\n");
  const started = Date.now();
  while (
    !(await command(port, "CLUSTER INFO", "cluster_known_nodes")).includes("cluster_state:ok")
  ) {
    if (Date.now() - started > READY_WITHIN_MS) throw new Error("the cluster did not become ok");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether a server on `port` answers `PING` with `+PONG`. */
async function ping(port: number): Promise<boolean> {
  return (await command(port, "PING", "\r\n")).startsWith("+PONG");
}

// Sends one inline command and reads until `until` appears; "" when it cannot.
function command(port: number, text: string, until: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let answer = "";
    const end = (reply: string) => {
      socket.destroy();
      resolve(reply);
    };
    socket.setTimeout(1_000, () => end(""));
    socket.once("error", () => end(""));
    socket.once("connect", () => socket.write(`${text}\r\n`));
    socket.on("data", (chunk) => {
      answer += chunk.toString();
      if (answer.includes(until)) end(answer);
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
