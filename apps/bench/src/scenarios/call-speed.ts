import type { WorkerRun } from "../call-speed-protocol.js";
import type { TestCertificate } from "../certificate.js";
import { CLIENT_NAMES, type ClientName, type ClientTarget } from "../clients.js";
import { type EmulatorProcess, spawnEmulator } from "../emulator-process.js";
import {
  type CallSpeedResult,
  type ClientSpeed,
  judgeTarget,
  type RatioFigure,
} from "../results.js";
import { type SpeedWorker, spawnSpeedWorker } from "../speed-worker.js";
import { summarize } from "../stats.js";

/**
 * How long figure 1 measures.
 *
 * @example
 * ```ts
 * const plan: CallSpeedPlan = { ...FULL_SPEED_PLAN, concurrencies: [1, 8, 32] };
 * ```
 */
export interface CallSpeedPlan {
  concurrencies: number[];
  warmupMs: number;
  runs: number;
  runMs: number;
  /** Clients with a built-in rate limit: one run on a fresh client, no warm-up. */
  limitedRunMs: number;
  /** Where the limited clients run: at 2/s, 32 waiting callers take 16 s to drain after a run. */
  limitedConcurrencies: number[];
}

/**
 * The figure of `pnpm bench`: five runs of 3 s per open client at concurrency 1 and 32 after a
 * 1 s warm-up, and one run of 5 s per rate-limited client at each.
 *
 * @example
 * ```ts
 * await runCallSpeed(FULL_SPEED_PLAN, certificate, console.log, "pnpm bench --only=speed");
 * ```
 */
export const FULL_SPEED_PLAN: CallSpeedPlan = {
  concurrencies: [1, 32],
  warmupMs: 1_000,
  runs: 5,
  runMs: 3_000,
  limitedRunMs: 5_000,
  limitedConcurrencies: [1, 32],
};

/**
 * The figure of `pnpm bench --quick` (CI): two runs of 150 ms per open client, and the
 * rate-limited clients one call each at concurrency 1 — enough to see every client still runs.
 *
 * @example
 * ```ts
 * await runCallSpeed(QUICK_SPEED_PLAN, certificate, console.log, "pnpm bench --quick --only=speed");
 * ```
 */
export const QUICK_SPEED_PLAN: CallSpeedPlan = {
  concurrencies: [1, 32],
  warmupMs: 50,
  runs: 2,
  runMs: 150,
  limitedRunMs: 1,
  limitedConcurrencies: [1],
};

const LIMITED_CLIENTS: { client: ClientName; note: string }[] = [
  {
    client: "b24jssdk-default",
    note: "official SDK with its default limiter (burst 50, then 2/s): one run on a fresh client",
  },
  {
    client: "2bad-bitrix",
    note: "fixed 2-per-second queue, as shipped: one run on a fresh client",
  },
];

/** Clients measured round-robin, several runs each; the order rotates every round. */
const OPEN_CLIENTS = CLIENT_NAMES.filter(
  (name) => !LIMITED_CLIENTS.some((limited) => limited.client === name),
);

const HTTPS_CLIENTS = new Set<ClientName>([
  "b24im-node-https",
  "raw-undici-https",
  "b24jssdk-open",
  "b24jssdk-default",
]);

interface Measured {
  run: WorkerRun;
  serverCalls: number;
  serverCpuMs: number;
}

interface Portals {
  http: EmulatorProcess;
  https: EmulatorProcess;
  certificate: TestCertificate;
}

function portalFor(portals: Portals, client: ClientName): EmulatorProcess {
  return HTTPS_CLIENTS.has(client) ? portals.https : portals.http;
}

function targetFor(portals: Portals, client: ClientName): ClientTarget {
  if (!HTTPS_CLIENTS.has(client)) return { webhookUrl: portals.http.webhookUrl };
  return { webhookUrl: portals.https.webhookUrl, ca: portals.certificate.cert };
}

async function spawnFor(portals: Portals, client: ClientName): Promise<SpeedWorker> {
  return spawnSpeedWorker(client, targetFor(portals, client), {
    NODE_EXTRA_CA_CERTS: portals.certificate.certPath,
  });
}

async function measure(
  portal: EmulatorProcess,
  worker: SpeedWorker,
  concurrency: number,
  durationMs: number,
): Promise<Measured> {
  const [before, cpuBefore] = [await portal.counters(), await portal.cpuSeconds()];
  const run = await worker.run(concurrency, durationMs);
  const [after, cpuAfter] = [await portal.counters(), await portal.cpuSeconds()];
  return { run, serverCalls: after.ok - before.ok, serverCpuMs: (cpuAfter - cpuBefore) * 1000 };
}

/** Per run: calls per second, and client CPU µs per call the server saw. */
const METRICS = {
  throughput: (m: Measured) => m.run.calls / (m.run.wallMs / 1000),
  cpuPerCall: (m: Measured) => (m.run.cpuMs * 1000) / Math.max(1, m.serverCalls),
};

function speedOf(
  client: ClientName,
  concurrency: number,
  measured: Measured[],
  runMs: number,
  note?: string,
): ClientSpeed {
  const errors = measured.reduce((sum, m) => sum + m.run.errors, 0);
  const firstError = measured.find((m) => m.run.firstError !== undefined)?.run.firstError;
  return {
    client,
    concurrency,
    protocol: HTTPS_CLIENTS.has(client) ? "https" : "http",
    throughput: summarize(measured.map(METRICS.throughput)),
    p50Ms: summarize(measured.map((m) => m.run.p50Ms)),
    p99Ms: summarize(measured.map((m) => m.run.p99Ms)),
    cpuPerCallUs: summarize(measured.map(METRICS.cpuPerCall)),
    serverCpuPerCallUs: summarize(
      measured.map((m) => (m.serverCpuMs * 1000) / Math.max(1, m.serverCalls)),
    ),
    runMs,
    errors,
    ...(firstError === undefined ? {} : { firstError }),
    ...(note === undefined ? {} : { note }),
  };
}

const RATIOS: {
  name: string;
  numerator: ClientName;
  denominator: ClientName;
  metric: keyof typeof METRICS;
  target?: { op: ">=" | "<="; value: number };
}[] = [
  {
    name: "throughput: b24im-node ÷ raw-undici",
    numerator: "b24im-node",
    denominator: "raw-undici",
    metric: "throughput",
    target: { op: ">=", value: 0.85 },
  },
  {
    name: "CPU per call: b24im-node ÷ raw-undici",
    numerator: "b24im-node",
    denominator: "raw-undici",
    metric: "cpuPerCall",
    target: { op: "<=", value: 1.15 },
  },
  {
    name: "throughput: b24im-fetch ÷ raw-fetch",
    numerator: "b24im-fetch",
    denominator: "raw-fetch",
    metric: "throughput",
    target: { op: ">=", value: 0.9 },
  },
  {
    name: "CPU per call: b24im-fetch ÷ raw-fetch",
    numerator: "b24im-fetch",
    denominator: "raw-fetch",
    metric: "cpuPerCall",
  },
  {
    name: "throughput: b24im-node-https ÷ raw-undici-https",
    numerator: "b24im-node-https",
    denominator: "raw-undici-https",
    metric: "throughput",
  },
  {
    name: "throughput: b24im-node-https ÷ b24jssdk-open (both https)",
    numerator: "b24im-node-https",
    denominator: "b24jssdk-open",
    metric: "throughput",
    target: { op: ">=", value: 3 },
  },
  {
    name: "CPU per call: b24im-node-https ÷ b24jssdk-open (both https)",
    numerator: "b24im-node-https",
    denominator: "b24jssdk-open",
    metric: "cpuPerCall",
  },
  // The ceiling of the ratio above on this setup: a client with no overhead of its own.
  {
    name: "throughput: raw-undici-https ÷ b24jssdk-open (both https)",
    numerator: "raw-undici-https",
    denominator: "b24jssdk-open",
    metric: "throughput",
  },
];

function ratiosOf(concurrency: number, rounds: Map<ClientName, Measured>[]): RatioFigure[] {
  return RATIOS.map(({ name, numerator, denominator, metric, target }) => {
    const perRun = rounds.flatMap((round) => {
      const top = round.get(numerator);
      const bottom = round.get(denominator);
      return top && bottom ? [METRICS[metric](top) / METRICS[metric](bottom)] : [];
    });
    const summary = summarize(perRun);
    return {
      name,
      concurrency,
      summary,
      perRun,
      ...(target === undefined
        ? {}
        : { target: judgeTarget(target.op, target.value, summary.median) }),
    };
  });
}

async function openClients(
  portals: Portals,
  plan: CallSpeedPlan,
  concurrency: number,
  log: (line: string) => void,
) {
  const workers: SpeedWorker[] = [];
  try {
    const spawned = await Promise.allSettled(
      OPEN_CLIENTS.map((client) => spawnFor(portals, client)),
    );
    for (const result of spawned) if (result.status === "fulfilled") workers.push(result.value);
    const failed = spawned.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    for (const worker of workers) {
      await worker.run(concurrency, plan.warmupMs);
    }
    const rounds: Map<ClientName, Measured>[] = [];
    for (let round = 0; round < plan.runs; round++) {
      const measured = new Map<ClientName, Measured>();
      // Rotating the order spreads any drift of the machine evenly over the clients.
      for (let step = 0; step < workers.length; step++) {
        const worker = workers[(round + step) % workers.length] as SpeedWorker;
        measured.set(
          worker.client,
          await measure(portalFor(portals, worker.client), worker, concurrency, plan.runMs),
        );
      }
      rounds.push(measured);
      log(`  concurrency ${concurrency}: round ${round + 1}/${plan.runs} done`);
    }
    const speeds = OPEN_CLIENTS.map((client) =>
      speedOf(
        client,
        concurrency,
        rounds.map((round) => round.get(client) as Measured),
        plan.runMs,
      ),
    );
    return { speeds, ratios: ratiosOf(concurrency, rounds) };
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
  }
}

async function limitedClient(
  portals: Portals,
  plan: CallSpeedPlan,
  concurrency: number,
  client: ClientName,
  note: string,
): Promise<ClientSpeed> {
  const worker = await spawnFor(portals, client);
  try {
    const measured = await measure(
      portalFor(portals, client),
      worker,
      concurrency,
      plan.limitedRunMs,
    );
    return speedOf(client, concurrency, [measured], plan.limitedRunMs, note);
  } finally {
    await worker.close();
  }
}

/**
 * Figure 1: throughput, latency and client CPU per call of `client.writing()` and of the
 * baselines, each client in its own process against emulators (http and https) in theirs.
 *
 * @example
 * ```ts
 * const result = await runCallSpeed(QUICK_SPEED_PLAN, certificate, console.log, "pnpm bench --only=speed");
 * ```
 */
export async function runCallSpeed(
  plan: CallSpeedPlan,
  certificate: TestCertificate,
  log: (line: string) => void,
  command: string,
): Promise<CallSpeedResult> {
  const http = await spawnEmulator({ rateLimit: false, chats: 1 });
  const https = await spawnEmulator({
    rateLimit: false,
    chats: 1,
    https: { key: certificate.key, cert: certificate.cert },
  });
  const portals: Portals = { http, https, certificate };
  try {
    const clients: ClientSpeed[] = [];
    const ratios: RatioFigure[] = [];
    for (const concurrency of plan.concurrencies) {
      const open = await openClients(portals, plan, concurrency, log);
      clients.push(...open.speeds);
      ratios.push(...open.ratios);
      const limitedHere = plan.limitedConcurrencies.includes(concurrency);
      for (const { client, note } of limitedHere ? LIMITED_CLIENTS : []) {
        clients.push(await limitedClient(portals, plan, concurrency, client, note));
        log(`  concurrency ${concurrency}: ${client} done`);
      }
    }
    return { command, clients, ratios };
  } finally {
    await Promise.all([http.close(), https.close()]);
  }
}
