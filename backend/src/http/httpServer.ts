import http from 'node:http';

/**
 * An HTTP server that keeps an idle connection open longer than the client on the other end (a
 * proxy, HubSpot's fetch service, undici) does. Node's 5 s default is shorter than most proxies'
 * idle timeouts, and a connection the server closes just as the client reuses it fails that
 * request with a reset (seen when the event loop stalled for seconds while a client reused a
 * connection); a client that gives up its idle connections first never meets that.
 */
export function createHttpServer(handler: http.RequestListener): http.Server {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}
