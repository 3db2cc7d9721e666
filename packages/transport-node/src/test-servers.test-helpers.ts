import { once } from "node:events";
import { createServer as createHttpServer } from "node:http";
import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";

/** A local server started by a test; `close()` also ends the connections it still holds. */
export interface TestServer {
  port: number;
  close(): Promise<void>;
}

async function listen(server: Server, sockets: Set<Socket>): Promise<number> {
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

function closer(server: Server, sockets: Set<Socket>): () => Promise<void> {
  return async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
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
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    accepted++;
    pipeBoth(socket, connect(targetPort, "127.0.0.1"));
  });
  const port = await listen(server, sockets);
  return { port, connections: () => accepted, close: closer(server, sockets) };
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
  const sockets = new Set<Socket>();
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
  const port = await listen(server, sockets);
  return { port, tunnels: () => [...asked], close: closer(server, sockets) };
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function deadPort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
