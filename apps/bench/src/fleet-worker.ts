// One process of the fleet: its own Redis connection, shared rate limiter, typing coordinator
// and client, holding a lease on every dialog of the run and calling `writing()` as fast as the
// shared limit lets it. The bench may SIGKILL it at any moment, as a crash would.
import {
  type B24Client,
  B24Error,
  createClient,
  sleep,
  systemClock,
  type TypingLease,
} from "@b24im/core";
import { createRedisRateLimiter, createRedisTypingCoordinator } from "@b24im/limiter-redis";
import { createNodeTransport } from "@b24im/transport-node";
import {
  connect,
  countingClient,
  type TestClient,
} from "../../../packages/limiter-redis/src/testing/clients.test-helpers.js";
import type {
  FleetCall,
  FleetCommand,
  FleetMessage,
  FleetWorkerReport,
  FleetWorkerSpec,
} from "./fleet-protocol.js";
import { tally } from "./stats.js";

function reply(message: FleetMessage): void {
  process.send?.(message);
}

let unhandledRejections = 0;
process.on("unhandledRejection", () => {
  unhandledRejections++;
});

interface Worker {
  spec: FleetWorkerSpec;
  connection: TestClient;
  client: B24Client;
  calls: { limiter(): number; coordinator(): number };
  typingErrors: Record<string, number>;
}

let worker: Worker | undefined;
let leases: TypingLease[] = [];
let running = false;
let loops: Promise<void>[] = [];
const calls: FleetCall[] = [];
let pending = 0;

async function init(spec: FleetWorkerSpec): Promise<void> {
  const connection = await connect(spec.client, spec.redisPort);
  // Two views of one connection, so that each part's script calls are counted apart.
  const forLimiter = countingClient(connection);
  const forCoordinator = countingClient(connection);
  const typingErrors: Record<string, number> = {};
  const client = createClient({
    webhook: spec.webhookUrl,
    transport: createNodeTransport(),
    rateLimit: createRedisRateLimiter({
      redis: forLimiter.redis,
      key: spec.limiterKey,
      rateLimit: spec.rateLimit,
      maxWaitMs: spec.maxWaitMs,
    }),
    typing: {
      coordinator: createRedisTypingCoordinator({
        redis: forCoordinator.redis,
        key: spec.coordinatorKey,
      }),
      refreshMs: spec.refreshMs,
      sendTimeoutMs: spec.sendTimeoutMs,
      maxDurationMs: Number.POSITIVE_INFINITY,
      onError: (error) => tally(typingErrors, error.code),
    },
  });
  worker = {
    spec,
    connection,
    client,
    calls: { limiter: forLimiter.calls, coordinator: forCoordinator.calls },
    typingErrors,
  };
}

function outcomeOf(error: unknown): string {
  if (error instanceof B24Error) return error.code;
  if (error instanceof Error && error.name === "TimeoutError") return "deadline";
  return `untyped: ${error instanceof Error ? error.name : typeof error}`;
}

async function loop(active: Worker): Promise<void> {
  const { client, spec } = active;
  while (running) {
    const startedAt = Date.now();
    pending++;
    let outcome = "ok";
    try {
      await client.writing(spec.writingDialog, {
        signal: AbortSignal.timeout(spec.callDeadlineMs),
      });
    } catch (error) {
      outcome = outcomeOf(error);
    } finally {
      pending--;
    }
    calls.push({ startedAt, endedAt: Date.now(), outcome });
    // A call the limiter refused at once (Redis away) would spin: let the loop breathe.
    if (outcome !== "ok" && Date.now() - startedAt < 50) {
      await sleep(systemClock, 50);
    }
  }
}

function start(): void {
  const active = worker;
  if (!active) throw new Error("start before init");
  leases = active.spec.dialogs.map((id) => active.client.typing(id));
  running = true;
  loops = Array.from({ length: active.spec.concurrency }, () => loop(active));
  reply({ type: "started", at: Date.now() });
}

async function stop(): Promise<FleetWorkerReport> {
  const active = worker;
  if (!active) throw new Error("stop before init");
  running = false;
  for (const lease of leases) lease.stop();
  // Calls still waiting end with the client (ClientClosedError, a typed rejection). One that
  // never settled would hang the loop: wait a deadline and a little more, then count it.
  await active.client.close();
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.all(loops),
    new Promise((resolve) => {
      timer = setTimeout(resolve, active.spec.callDeadlineMs + 5_000);
    }),
  ]);
  clearTimeout(timer);
  await active.connection.close();
  return {
    index: active.spec.index,
    calls,
    unsettled: pending,
    typingErrors: active.typingErrors,
    redisCalls: { limiter: active.calls.limiter(), coordinator: active.calls.coordinator() },
    unhandledRejections,
  };
}

// Orphaned by a crashed bench: leave rather than keep typing.
process.on("disconnect", () => process.exit());

process.on("message", (command: FleetCommand) => {
  const fail = (error: unknown) =>
    reply({ type: "failed", message: error instanceof Error ? error.message : String(error) });
  if (command.type === "init") {
    init(command.spec).then(() => reply({ type: "ready" }), fail);
  } else if (command.type === "start") {
    try {
      start();
    } catch (error) {
      fail(error);
    }
  } else if (command.type === "stop") {
    stop().then((report) => {
      reply({ type: "report", report });
      process.disconnect();
    }, fail);
  }
});
