import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { VERSION } from '../../../backend/src/buildInfo.ts';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { engine } from '../../support/database.ts';
import { startFathomStandIn, type FathomStandIn } from '../../support/fathomStandIn.ts';
import { hubspotEnv, startHubSpotStandIn, type HubSpotStandIn } from '../../support/hubspotStandIn.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';
import { waitFor } from '../../support/waitFor.ts';

const HUB = 6500;
const MEETINGS = 12;
const METRICS_TOKEN = 'scrape-token-0123456789abcdef';
let hubspot: HubSpotStandIn;
let fathom: FathomStandIn;
let backend: TestBackend;
let guarded: TestBackend;

/** One sample of a Prometheus text exposition: the value of `name` whose labels include `labels`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const own = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => own[key] === value)) {
      total += Number(match[3]);
      found = true;
    }
  }
  if (!found)
    throw new Error(
      `no sample ${name}${JSON.stringify(labels)} in:\n${text
        .split('\n')
        .filter((l) => l.startsWith(name))
        .join('\n')}`,
    );
  return total;
}

const scrape = async (target: TestBackend = backend, headers: Record<string, string> = {}) => {
  const response = await fetch(`${target.url}/metrics`, { headers });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
};

const asAdmin = (path: string, init: { method?: string; body?: unknown } = {}) =>
  signedFetch(backend.url, path, {
    clientSecret: hubspot.clientSecret,
    identity: { portalId: HUB, userId: hubspot.installingUser.id, userEmail: hubspot.installingUser.email },
    ...init,
  });

const syncLogs = async () =>
  (
    await withSystem(backend.testDb.db, (tx) =>
      tx.query<{ status: string }>(`SELECT status FROM sync_logs WHERE status <> 'running'`),
    )
  ).rows;

beforeAll(async () => {
  fathom = await startFathomStandIn({ count: MEETINGS, pageSize: 10, inviteeEmails: ['jane.buyer@customer.example'] });
  hubspot = await startHubSpotStandIn({
    hubId: HUB,
    contacts: [{ id: '501', email: 'jane.buyer@customer.example', dealIds: ['901'] }],
    deals: [{ id: '901', closed: false }],
  });
  backend = await startTestBackend({ ...hubspotEnv(hubspot), FATHOM_API_BASE: fathom.baseUrl }, { workers: true });
  guarded = await startTestBackend({ METRICS_TOKEN, BUILD_COMMIT: '0123456789ab' });

  // Install through the real OAuth flow: a token exchange and an introspection at HubSpot.
  const start = await fetch(`${backend.url}/oauth/hubspot/install`, { redirect: 'manual' });
  const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0]!;
  const page = await (await fetch(start.headers.get('location')!)).text();
  const link = /id="allow" href="([^"]+)"/.exec(page)![1]!.replace(/&amp;/g, '&');
  expect((await fetch(link, { headers: { cookie } })).status).toBe(200);
  // An expired access token: the sync's HubSpot linking refreshes it first.
  await withSystem(backend.testDb.db, (tx) =>
    tx.query(`UPDATE api_connections SET expires_at = now() - interval '1 minute' WHERE provider = 'hubspot'`),
  );

  // Fathom rate-limits the key check once; the client waits a second and tries again.
  fathom.failNext(1, { kind: 'rate-limit', retryAfterSeconds: 1 }, 'GET /meetings');
  const connected = await asAdmin('/api/settings/fathom', { method: 'PUT', body: { apiKey: fathom.apiKey } });
  expect(connected.status).toBe(200);
  await waitFor(async () => (await syncLogs()).length === 1, 'the backfill');

  // A second run that Fathom refuses outright (a 400 is never retried): the job fails.
  fathom.failNext(1, { kind: 'server-error', status: 400 }, 'GET /meetings');
  expect((await asAdmin('/api/settings/sync', { method: 'POST' })).status).toBe(202);
  await waitFor(async () => (await syncLogs()).length === 2, 'the failed run');
  await waitFor(
    async () =>
      sample((await scrape()).text, 'fathom_hubspot_job_failures_total', { queue: 'fathom-sync-account' }) === 1,
    'the job failure',
  );
}, 60_000);

afterAll(async () => {
  await backend?.close();
  await guarded?.close();
  await fathom?.close();
  await hubspot?.close();
});

describe('GET /metrics', () => {
  test('answers in the Prometheus text format, with the process metrics', async () => {
    const { status, type, text } = await scrape();
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toMatch(/^# HELP fathom_hubspot_sync_runs_total /m);
    expect(text).toMatch(/^# TYPE fathom_hubspot_http_request_duration_seconds histogram$/m);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  test('counts sync runs by outcome, the meetings they stored, and failed job attempts by queue', async () => {
    const { text } = await scrape();
    expect(sample(text, 'fathom_hubspot_sync_runs_total', { outcome: 'succeeded' })).toBe(1);
    expect(sample(text, 'fathom_hubspot_sync_runs_total', { outcome: 'failed' })).toBe(1);
    expect(sample(text, 'fathom_hubspot_meetings_synced_total', { change: 'new' })).toBe(MEETINGS);
    expect(sample(text, 'fathom_hubspot_job_failures_total', { queue: 'fathom-sync-account' })).toBe(1);
  });

  test("counts every call to Fathom and HubSpot, as the stand-ins saw them, and each provider's 429s", async () => {
    const { text } = await scrape();
    expect(sample(text, 'fathom_hubspot_api_calls_total', { provider: 'fathom' })).toBe(fathom.callCount());
    expect(sample(text, 'fathom_hubspot_api_rate_limited_total', { provider: 'fathom' })).toBe(1);
    // 429 + 400 from Fathom.
    expect(sample(text, 'fathom_hubspot_api_calls_total', { provider: 'fathom', status_class: '4xx' })).toBe(2);

    // HubSpot saw the browser open its authorize page; everything else came from the backend:
    // code exchange, introspection, the refresh, and the linker's batch reads.
    const backendCalls = Object.entries(hubspot.calls)
      .filter(([path]) => path !== '/oauth/authorize')
      .reduce((sum, [, n]) => sum + n, 0);
    expect(hubspot.calls['/oauth/2026-03/token']).toBe(2);
    expect(hubspot.calls['/crm/objects/2026-03/contacts/batch/read']).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'fathom_hubspot_api_calls_total', { provider: 'hubspot' })).toBe(backendCalls);
    expect(sample(text, 'fathom_hubspot_api_rate_limited_total', { provider: 'hubspot' })).toBe(0);
  });

  test('times HTTP requests by method, route pattern and status class, never by raw path', async () => {
    await fetch(`${backend.url}/no/such/path/${Date.now()}`);
    const { text } = await scrape();
    expect(
      sample(text, 'fathom_hubspot_http_request_duration_seconds_count', {
        method: 'PUT',
        route: '/api/settings/fathom',
        status_class: '2xx',
      }),
    ).toBe(1);
    expect(
      sample(text, 'fathom_hubspot_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/oauth/hubspot/callback',
        status_class: '2xx',
      }),
    ).toBe(1);
    expect(
      sample(text, 'fathom_hubspot_http_request_duration_seconds_count', {
        method: 'GET',
        route: 'none',
        status_class: '4xx',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(text).not.toMatch(/no\/such\/path/);
  });

  test('a route that throws is still timed under its full pattern', async () => {
    const missing = await asAdmin('/api/cards/conversations/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    const { text } = await scrape();
    expect(
      sample(text, 'fathom_hubspot_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/api/cards/conversations/:id',
        status_class: '4xx',
      }),
    ).toBe(1);
  });

  test('times job attempts by queue and outcome, and outbound calls by provider and status class', async () => {
    const { text } = await scrape();
    const jobs = (outcome: string) =>
      sample(text, 'fathom_hubspot_job_duration_seconds_count', { queue: 'fathom-sync-account', outcome });
    expect(jobs('completed')).toBe(1);
    expect(jobs('failed')).toBe(1);
    expect(sample(text, 'fathom_hubspot_api_call_duration_seconds_count', { provider: 'fathom' })).toBe(
      fathom.callCount(),
    );
    expect(
      sample(text, 'fathom_hubspot_api_call_duration_seconds_count', { provider: 'fathom', status_class: '4xx' }),
    ).toBe(2);
    expect(sample(text, 'fathom_hubspot_api_call_duration_seconds_count', { provider: 'hubspot' })).toBe(
      sample(text, 'fathom_hubspot_api_calls_total', { provider: 'hubspot' }),
    );
    expect(sample(text, 'fathom_hubspot_api_call_duration_seconds_bucket', { provider: 'fathom', le: '+Inf' })).toBe(
      fathom.callCount(),
    );
  });

  test("shows each queue's ready and active jobs and how long its oldest ready job has waited", async () => {
    // The guarded backend runs no workers: a job sent there waits.
    const before = sample(
      (await scrape(guarded, { authorization: `Bearer ${METRICS_TOKEN}` })).text,
      'fathom_hubspot_queue_jobs',
      {
        queue: 'fathom-sync-account',
        state: 'ready',
      },
    );
    await guarded.jobs.boss.send('fathom-sync-account', { accountId: '00000000-0000-4000-8000-000000000000' });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const { text } = await scrape(guarded, { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(sample(text, 'fathom_hubspot_queue_jobs', { queue: 'fathom-sync-account', state: 'ready' })).toBe(
      before + 1,
    );
    expect(
      sample(text, 'fathom_hubspot_queue_oldest_ready_seconds', { queue: 'fathom-sync-account' }),
    ).toBeGreaterThanOrEqual(1);
    // Every queue has its series, empty or not.
    expect(sample(text, 'fathom_hubspot_queue_oldest_ready_seconds', { queue: 'sync-tick' })).toBeGreaterThanOrEqual(0);
    // The backend whose workers took every job: nothing waits.
    const worked = (await scrape()).text;
    expect(sample(worked, 'fathom_hubspot_queue_jobs', { queue: 'fathom-sync-account', state: 'ready' })).toBe(0);
    expect(sample(worked, 'fathom_hubspot_queue_oldest_ready_seconds', { queue: 'fathom-sync-account' })).toBe(0);
  });

  test('names the build each process runs, and on PostgreSQL the pool in use, idle and waiting', async () => {
    const { text } = await scrape(guarded, { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(
      sample(text, 'fathom_hubspot_build_info', {
        version: VERSION,
        commit: '0123456789ab',
        node: process.versions.node,
      }),
    ).toBe(1);
    if (engine === 'postgres') {
      expect(sample(text, 'fathom_hubspot_pg_pool_connections', { state: 'idle' })).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'fathom_hubspot_pg_pool_connections', { state: 'in_use' })).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'fathom_hubspot_pg_pool_waiting')).toBe(0);
    } else {
      // The embedded database has one session and no pool.
      expect(text).not.toMatch(/^fathom_hubspot_pg_pool/m);
    }
  });

  test('each backend counts only its own events, and METRICS_TOKEN makes the endpoint ask for it', async () => {
    expect((await scrape(guarded)).status).toBe(401);
    expect((await scrape(guarded, { authorization: 'Bearer not-the-token-at-all-000' })).status).toBe(401);
    const allowed = await scrape(guarded, { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(allowed.status).toBe(200);
    expect(sample(allowed.text, 'fathom_hubspot_sync_runs_total')).toBe(0);
    expect(allowed.text).not.toMatch(/^fathom_hubspot_api_calls_total\{/m);
  });
});
