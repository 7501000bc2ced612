import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

let backend: TestBackend;
beforeAll(async () => {
  backend = await startTestBackend();
});
afterAll(() => backend.close());

test('/healthz answers ok without touching the database', async () => {
  const response = await fetch(`${backend.url}/healthz`);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: 'ok' });
});

test('/readyz answers 200 while the database answers, and 503 once it does not', async () => {
  expect((await fetch(`${backend.url}/readyz`)).status).toBe(200);
  await backend.jobs.stop();
  await backend.testDb.db.close();
  const down = await fetch(`${backend.url}/readyz`);
  expect(down.status).toBe(503);
  expect(await down.json()).toEqual({ error: 'database_unavailable', message: 'The database does not answer.' });
  expect((await fetch(`${backend.url}/healthz`)).status).toBe(200);
});
