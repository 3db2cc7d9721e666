import { once } from "node:events";
import { createServer as createHttpServer } from "node:http";
import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";

/** A local server started by a test; `close()` also ends the connections it still holds. */
export interface TestServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Listens on a free port of 127.0.0.1. Its `close()` also ends the connections the server still
 * holds: a client's idle keep-alive sockets would otherwise keep it open.
 */
export async function listenLocally(server: Server): Promise<TestServer> {
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function pipeBoth(a: Socket, b: Socket): void {
  a.on("error", () => b.destroy());
  b.on("error", () => a.destroy());
  a.pipe(b).pipe(a);
}

/**
 * A TCP forwarder to `targetPort` on 127.0.0.1 that counts the connections it accepts, so a
 * test can see how many sockets a client really opened.
 */
export async function startConnectionCounter(
  targetPort: number,
): Promise<TestServer & { connections: () => number }> {
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    pipeBoth(socket, connect(targetPort, "127.0.0.1"));
  });
  return { ...(await listenLocally(server)), connections: () => accepted };
}

/**
 * A minimal forward proxy that answers every `CONNECT` with a tunnel to `targetPort` on
 * 127.0.0.1, whatever address was asked for. Requests to an address nobody listens on
 * therefore succeed only when they go through this proxy.
 */
export async function startForwardProxy(
  targetPort: number,
): Promise<TestServer & { tunnels: () => string[] }> {
  const asked: string[] = [];
  const server = createHttpServer((_request, response) => {
    response.writeHead(405).end("only CONNECT is supported");
  });
  server.on("connect", (request, client: Socket, head: Buffer) => {
    asked.push(request.url ?? "");
    const upstream = connect(targetPort, "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      pipeBoth(client, upstream);
    });
    upstream.on("error", () => client.destroy());
  });
  return { ...(await listenLocally(server)), tunnels: () => [...asked] };
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function deadPort(): Promise<number> {
  const server = await listenLocally(createServer());
  await server.close();
  return server.port;
}
