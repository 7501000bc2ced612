import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { loadConfig } from '../../backend/src/config.ts';
import { openDatabase } from '../../backend/src/db/open.ts';
import { withSystem } from '../../backend/src/db/tenancy.ts';
import { startServer, type Running } from '../../backend/src/server.ts';
import { createEmptyDatabase, engine, seededDataDir, type TestDatabase } from '../support/database.ts';
import { startFathomStandIn, type FathomStandIn } from '../support/fathomStandIn.ts';
import { memoryLogger } from '../support/logger.ts';
import { signedFetch } from '../support/signedFetch.ts';
import { seedTenant } from '../support/tenantFixture.ts';

const HUB = 6700;
const clientSecret = randomBytes(24).toString('base64url');
let fathom: FathomStandIn;
let server: TestDatabase | undefined;
let running: Running;
let log: ReturnType<typeof memoryLogger>;
let dataDir: string;
let publicBaseUrl: string;
const databaseUrl = () => server?.url;

beforeAll(async () => {
  fathom = await startFathomStandIn({ count: 5 });
  // The backend opens the database itself, as in production: a server database of its own, or PGlite files.
  server = engine === 'postgres' ? await createEmptyDatabase() : undefined;
  dataDir = await seededDataDir('fathom-shutdown-');
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl() ?? '',
    HUBSPOT_CLIENT_ID: 'shutdown-test-client',
    HUBSPOT_CLIENT_SECRET: clientSecret,
    FATHOM_API_BASE: fathom.baseUrl,
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  });
  publicBaseUrl = config.publicBaseUrl;
  log = memoryLogger();
  running = await startServer({ config, logger: log.logger });
  const tenant = await seedTenant(running.db, HUB);
  await withSystem(running.db, (tx) =>
    tx.query(`DELETE FROM api_connections WHERE account_id = $1 AND provider = 'fathom'`, [tenant.accountId]),
  );
}, 60_000);

afterAll(async () => {
  await running?.stop();
  await fathom?.close();
  await server?.drop();
});

test('an idle connection is kept 65 s, longer than a proxy or fetch client keeps it, so a reused connection is never cut mid-request', async () => {
  const response = await fetch(`http://127.0.0.1:${running.port}/healthz`);
  await response.text();
  expect(response.headers.get('keep-alive')).toBe('timeout=65');
});

test('stop() lets a slow request that was in flight finish with 200 and write to the database, then closes', async () => {
  const url = `http://127.0.0.1:${running.port}`;
  // Fathom takes 1.5 s to check the key, so the request is still running when stop() is called.
  fathom.failNext(1, { kind: 'slow', delayMs: 1_500 }, 'GET /meetings');
  const inFlight = signedFetch(url, '/api/settings/fathom', {
    clientSecret,
    publicBaseUrl,
    identity: { portalId: HUB, userId: HUB * 10 + 1, userEmail: `admin@${HUB}.example.com` },
    method: 'PUT',
    body: { apiKey: fathom.apiKey },
  }).then(async (response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown> }));
  const deadline = Date.now() + 10_000;
  while (fathom.callCount('GET /meetings') === 0 && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  expect(fathom.callCount('GET /meetings')).toBe(1);

  // What the server itself had answered when stop() resolved (its request log line is written once a response is sent).
  const answeredWhenStopped = running.stop().then(() =>
    log
      .lines()
      .filter((line) => line.msg === 'request' && line.method === 'PUT' && line.path === '/api/settings/fathom')
      .map((line) => line.status),
  );
  // New connections are refused at once…
  await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  // …while the one in flight is answered in full, its work stored.
  const answer = await inFlight;
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({ connected: true, authType: 'api_key' });
  expect(await answeredWhenStopped).toEqual([200]);

  // The write survived the shutdown: read it back through a fresh connection.
  const db = await openDatabase({ databaseUrl: databaseUrl(), dataDir });
  try {
    const { rows } = await withSystem(db, (tx) =>
      tx.query<{ status: string }>(
        `SELECT c.status FROM api_connections c JOIN accounts a ON a.id = c.account_id WHERE a.hub_id = $1 AND c.provider = 'fathom'`,
        [HUB],
      ),
    );
    expect(rows).toEqual([{ status: 'active' }]);
  } finally {
    await db.close();
  }
}, 60_000);
