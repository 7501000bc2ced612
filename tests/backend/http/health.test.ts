import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Express } from 'express';
import { loadConfig } from '../../../backend/src/config.ts';
import { createApp } from '../../../backend/src/http/app.ts';
import { createMigratedDatabase, type TestDatabase } from '../../support/database.ts';
import { listen, type Listening } from '../../support/http.ts';
import { memoryLogger } from '../../support/logger.ts';

let testDb: TestDatabase;
let app: Express;
let server: Listening;

beforeAll(async () => {
  testDb = await createMigratedDatabase();
  app = createApp({ config: loadConfig({}), db: testDb.db, logger: memoryLogger().logger });
  server = await listen(app);
});
afterAll(async () => {
  await server.close();
  await testDb.drop();
});

test('/healthz answers ok without touching the database', async () => {
  const response = await fetch(`${server.url}/healthz`);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: 'ok' });
});

test('/readyz answers 200 while the database answers, and 503 once it does not', async () => {
  expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  await testDb.db.close();
  const down = await fetch(`${server.url}/readyz`);
  expect(down.status).toBe(503);
  expect(await down.json()).toEqual({ error: 'database_unavailable', message: 'The database does not answer.' });
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
});
