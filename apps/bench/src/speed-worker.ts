import type { WorkerCommand, WorkerMessage, WorkerRun } from "./call-speed-protocol.js";
import { closeChild, forkEntry, nextMessage } from "./child-process.js";
import type { ClientName, ClientTarget } from "./clients.js";

/**
 * A call-speed worker process holding one client.
 *
 * @example
 * ```ts
 * const worker: SpeedWorker = await spawnSpeedWorker("b24im-node", { webhookUrl }, {});
 * const { calls, cpuMs } = await worker.run(1, 3_000);
 * await worker.close();
 * ```
 */
export interface SpeedWorker {
  client: ClientName;
  run(concurrency: number, durationMs: number): Promise<WorkerRun>;
  close(): Promise<void>;
}

function failure(message: WorkerMessage): undefined {
  if (message.type === "failed") throw new Error(message.message);
  return undefined;
}

/**
 * Starts a worker process for `client` and waits until the client is ready. `env` reaches the
 * worker at start (the official SDK trusts the test certificate through `NODE_EXTRA_CA_CERTS`).
 *
 * @example
 * ```ts
 * const worker = await spawnSpeedWorker("raw-undici", { webhookUrl }, {});
 * const run = await worker.run(32, 3_000);
 * await worker.close();
 * ```
 */
export async function spawnSpeedWorker(
  client: ClientName,
  target: ClientTarget,
  env: Record<string, string>,
): Promise<SpeedWorker> {
  const child = forkEntry("call-speed-worker", { env });
  const send = (command: WorkerCommand) => child.send(command);
  send({ type: "init", client, target });
  await nextMessage(child, (message: WorkerMessage) =>
    message.type === "ready" ? true : failure(message),
  );
  let nextId = 1;
  return {
    client,
    async run(concurrency, durationMs) {
      const id = nextId++;
      const answer = nextMessage(child, (message: WorkerMessage) =>
        message.type === "result" && message.id === id ? message : failure(message),
      );
      send({ type: "run", id, concurrency, durationMs });
      const { type: _type, id: _id, ...run } = await answer;
      return run;
    },
    close: () => closeChild(child, () => send({ type: "close" })),
  };
}
