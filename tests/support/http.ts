import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpServer } from '../../backend/src/http/httpServer.ts';

export type Listening = { url: string; port: number; server: http.Server; close(): Promise<void> };

/** Serves a request handler (an Express app or a stand-in) on 127.0.0.1 at a free port, as production serves it. */
export async function listen(handler: http.RequestListener): Promise<Listening> {
  const server = createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
