import { once } from "node:events";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** A local "portal" whose every answer is far too large, for the `maxResponseBytes` tests. */
export interface OversizedPortal {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Resolves when the client closed a connection it was sent such an answer on. */
  socketClosed: Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a server on 127.0.0.1 that answers every request with 200 and 4 MiB of a JSON string,
 * then holds the connection open. The emulator has no such fault. 4 MiB is far past the small
 * limits the tests set, yet bounded: a transport that does not stop reading cannot fill memory.
 *
 * @example
 * ```ts
 * const portal = await startOversizedPortal();
 * await transport.send({ method: "POST", url: `${portal.url}/rest/1/x/m`, headers: {} }, { timeoutMs: 5000 });
 * await portal.socketClosed;
 * ```
 */
export async function startOversizedPortal(): Promise<OversizedPortal> {
  const sockets = new Set<Socket>();
  let closed: () => void = () => {};
  const socketClosed = new Promise<void>((resolve) => {
    closed = resolve;
  });
  const server = createServer((request, response) => {
    request.socket.once("close", () => closed());
    request.resume();
    stream(response);
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    socketClosed,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function stream(response: ServerResponse): void {
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
