import { closeChild, forkEntry, nextMessage } from "./child-process.js";
import type {
  FleetCommand,
  FleetMessage,
  FleetWorkerReport,
  FleetWorkerSpec,
} from "./fleet-protocol.js";

/**
 * A fleet worker process, as the bench drives it.
 *
 * @example
 * ```ts
 * const worker: FleetWorkerProcess = await spawnFleetWorker(spec);
 * await worker.kill(); // a crash
 * ```
 */
export interface FleetWorkerProcess {
  readonly index: number;
  /** Opens its leases and starts its `writing()` loops; resolves with when (epoch ms). */
  start(): Promise<number>;
  /** Stops typing and calling, closes its client and reports; the process then exits. */
  stop(): Promise<FleetWorkerReport>;
  /** SIGKILL, as a crash: nothing of it is reported, nothing is cleaned up. */
  kill(): Promise<void>;
  readonly killed: boolean;
}

function failure(message: FleetMessage): undefined {
  if (message.type === "failed") throw new Error(`fleet worker failed: ${message.message}`);
  return undefined;
}

/**
 * Forks a fleet worker and waits until its Redis connection and client are ready.
 *
 * @example
 * ```ts
 * const worker = await spawnFleetWorker(spec);
 * await worker.start();
 * const report = await worker.stop();
 * ```
 */
export async function spawnFleetWorker(spec: FleetWorkerSpec): Promise<FleetWorkerProcess> {
  const child = forkEntry("fleet-worker");
  const send = (command: FleetCommand) => child.send(command);
  let killed = false;
  send({ type: "init", spec });
  await nextMessage(child, (message: FleetMessage) =>
    message.type === "ready" ? true : failure(message),
  );
  return {
    index: spec.index,
    get killed() {
      return killed;
    },
    async start() {
      const started = nextMessage(child, (message: FleetMessage) =>
        message.type === "started" ? message.at : failure(message),
      );
      send({ type: "start" });
      return started;
    },
    async stop() {
      const report = nextMessage(child, (message: FleetMessage) =>
        message.type === "report" ? message.report : failure(message),
      );
      send({ type: "stop" });
      const answer = await report;
      await closeChild(child, () => undefined);
      return answer;
    },
    async kill() {
      killed = true;
      await closeChild(child, () => child.kill("SIGKILL"));
    },
  };
}
