import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

// In production the web port is on the internet: /metrics (request volumes, error rates, sync
// counts) is served there only with METRICS_TOKEN.
const METRICS_TOKEN = 'production-scrape-token-0123456789';
let open: TestBackend;
let guarded: TestBackend;

beforeAll(async () => {
  open = await startTestBackend({ NODE_ENV: 'production', HUBSPOT_APP_ID: '5150001' });
  guarded = await startTestBackend({ NODE_ENV: 'production', HUBSPOT_APP_ID: '5150001', METRICS_TOKEN });
});
afterAll(async () => {
  await open?.close();
  await guarded?.close();
});

test('in production without METRICS_TOKEN, GET /metrics is refused and says what to set', async () => {
  const response = await fetch(`${open.url}/metrics`);
  expect(response.status).toBe(403);
  const body = (await response.json()) as { error: string; message: string };
  expect(body).toEqual({ error: 'metrics_disabled', message: expect.stringMatching(/METRICS_TOKEN/) });
  expect(JSON.stringify(body)).not.toMatch(/fathom_hubspot_|process_/);
  // Whatever bearer token is presented.
  expect(
    (await fetch(`${open.url}/metrics`, { headers: { authorization: 'Bearer anything-at-all-000000' } })).status,
  ).toBe(403);
});

test('in production with METRICS_TOKEN, GET /metrics asks for it and serves the scraper that has it', async () => {
  expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401);
  const allowed = await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(allowed.status).toBe(200);
  expect(await allowed.text()).toMatch(/^# HELP fathom_hubspot_/m);
});
