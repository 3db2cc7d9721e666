import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listenLocally } from "../packages/transport-node/src/test-servers.test-helpers.js";

/**
 * A local "portal" answering as a test says, for misbehaviours the emulator has no fault for.
 *
 * @example
 * ```ts
 * const portal: LoopbackPortal = await startLoopbackPortal(stalledAnswer);
 * ```
 */
export interface LoopbackPortal {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Resolves when the client closed a connection it sent a request on. */
  socketClosed: Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a server on 127.0.0.1 that answers every request with `answer`. Its `close()` also
 * ends the connections it still holds.
 *
 * @example
 * ```ts
 * const portal = await startLoopbackPortal(oversizedAnswer);
 * await transport.send({ method: "POST", url: `${portal.url}/rest/1/x/m`, headers: {} }, { timeoutMs: 5000 });
 * await portal.socketClosed;
 * ```
 */
export async function startLoopbackPortal(
  answer: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<LoopbackPortal> {
  let closed: () => void = () => {};
  const socketClosed = new Promise<void>((resolve) => {
    closed = resolve;
  });
  const server = createServer((request, response) => {
    request.socket.once("close", () => closed());
    request.resume();
    answer(request, response);
  });
  const { port, close } = await listenLocally(server);
  return { url: `http://127.0.0.1:${port}`, socketClosed, close };
}

/**
 * 200 and 4 MiB of a JSON string, then the connection held open: far past the small
 * `maxResponseBytes` the tests set, yet bounded, so a transport that does not stop reading
 * cannot fill memory.
 *
 * @example
 * ```ts
 * const portal = await startLoopbackPortal(oversizedAnswer);
 * ```
 */
export function oversizedAnswer(_request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(200, { "content-type": "application/json" });
  response.write('{"result":"');
  const chunk = Buffer.alloc(16 * 1024, "x");
  let left = 256;
  const pump = () => {
    while (left > 0) {
      left--;
      if (!response.write(chunk)) {
        response.once("drain", pump);
        return;
      }
    }
  };
  pump();
}

/**
 * 200, the headers and the start of a JSON body, then nothing: a body that stalls.
 *
 * @example
 * ```ts
 * const portal = await startLoopbackPortal(stalledAnswer);
 * ```
 */
export function stalledAnswer(_request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(200, { "content-type": "application/json" });
  response.write('{"result":');
}
