import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Route = (request: IncomingMessage, response: ServerResponse) => void;

export interface StubServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  /** Requests received, by URL path and query. */
  requests: Map<string, number>;
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 that answers each path with its route (the query left aside, so
 * that tests can tell their requests apart), 404 otherwise, and counts requests by URL.
 */
export async function stubServer(routes: Record<string, Route>): Promise<StubServer> {
  const requests = new Map<string, number>();
  const server = createServer((request, response) => {
    const path = request.url ?? "/";
    requests.set(path, (requests.get(path) ?? 0) + 1);
    const route = routes[path.split("?")[0]];
    if (route) route(request, response);
    else response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: one the system handed out and that was closed again at once. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
