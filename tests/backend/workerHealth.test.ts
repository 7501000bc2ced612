import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { loadConfig } from '../../backend/src/config.ts';
import { startWorker, type RunningWorker } from '../../backend/src/server.ts';
import { createMigratedDatabase, engine, type TestDatabase } from '../support/database.ts';
import { memoryLogger } from '../support/logger.ts';

// `npm run worker` needs DATABASE_URL (the embedded database belongs to the one `npm start` process).
const onPostgres = engine === 'postgres' ? describe : describe.skip;

onPostgres('a worker process with METRICS_PORT set (PostgreSQL only: workers need DATABASE_URL)', () => {
  let testDb: TestDatabase;
  let worker: RunningWorker;
  let base: string;
  const metricsToken = randomBytes(18).toString('base64url');

  beforeAll(async () => {
    testDb = await createMigratedDatabase();
    const config = loadConfig({
      DATABASE_URL: testDb.url!,
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'fathom-worker-health-')),
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      SYNC_SCHEDULE: '0 0 1 1 *',
      METRICS_PORT: '0',
      METRICS_TOKEN: metricsToken,
    });
    worker = await startWorker({ config, logger: memoryLogger().logger });
    base = `http://127.0.0.1:${worker.metricsPort}`;
  });
  afterAll(async () => {
    await worker?.stop();
    await testDb?.drop();
  });

  test('answers /healthz and /readyz without the metrics token, beside the token-guarded /metrics', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('fathom_hubspot_');
  });

  test('anything else on that port is a JSON 404', async () => {
    const response = await fetch(`${base}/api/cards/conversations`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'not_found' });
  });
});
