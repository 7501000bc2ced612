import net from 'node:net';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { openPostgres } from '../../../backend/src/db/postgres.ts';

// A server that accepts connections and never answers: a database stuck in recovery, or a
// network that drops packets after the handshake. No PostgreSQL needed, so it runs on both engines.
let silent: net.Server;
let port: number;
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  silent = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  port = (silent.address() as net.AddressInfo).port;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

test('ping answers false within its timeout when the database never answers, so /readyz does not hang', async () => {
  const db = openPostgres(`postgres://postgres@127.0.0.1:${port}/postgres`, { pingTimeoutMs: 300 });
  // Without the timeout this never resolves (the test runner's timeout ends it).
  expect(await db.ping()).toBe(false);
  for (const socket of sockets) socket.destroy();
  await db.close();
});
