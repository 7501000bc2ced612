import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type {
  AiSettings,
  FathomConnected,
  FathomStatus,
  People,
  Person,
  SyncLog,
  SyncLogs,
  SyncStarted,
} from '@fathom-hubspot/ui-shared/types';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { startFathomStandIn, type FathomStandIn } from '../../support/fathomStandIn.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { seedTenant } from '../../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

// The settings page reads the backend through the types of @fathom-hubspot/ui-shared, and its
// tests' fake backend only answers bodies of those types. Here the real backend's answers are
// held to the same types, field by field: a field renamed, added or dropped on either side fails
// (the lists below must name every field of their type, or the type check fails). The import's
// answer, `{ found, added }`, is checked whole in tests/backend/hubspot/install.test.ts.
type Fields<T> = Record<keyof T, true>;
const fathomStatus: Fields<FathomStatus> = {
  connected: true,
  connectionId: true,
  authType: true,
  status: true,
  webhookRegistered: true,
  lastSyncedAt: true,
  lastError: true,
  backfillSince: true,
  backfillCompletedAt: true,
  oauth: true,
};
const fathomConnected: Fields<FathomConnected> = { ...fathomStatus, syncJobId: true };
const syncLogs: Fields<SyncLogs> = { items: true, nextCursor: true, nextScheduledRun: true };
const syncLog: Fields<SyncLog> = {
  id: true,
  kind: true,
  status: true,
  startedAt: true,
  finishedAt: true,
  durationSeconds: true,
  pages: true,
  meetingsNew: true,
  meetingsUpdated: true,
  meetingsUnchanged: true,
  errors: true,
  errorMessages: true,
  since: true,
  reachedAt: true,
};
const syncStarted: Fields<SyncStarted> = { jobId: true, alreadyQueued: true };
const people: Fields<People> = { items: true, nextCursor: true };
const person: Fields<Person> = {
  id: true,
  hubspotUserId: true,
  email: true,
  displayName: true,
  role: true,
  managerHubspotUserId: true,
};

const fieldsOf = (value: unknown) => Object.keys(value as object).sort();
const expectFields = (value: unknown, fields: object) => expect(fieldsOf(value)).toEqual(Object.keys(fields).sort());

const clientSecret = randomBytes(24).toString('base64url');
const HUB = 7210;
let fathom: FathomStandIn;
let backend: TestBackend;

beforeAll(async () => {
  fathom = await startFathomStandIn({ count: 3, pageSize: 10, newest: new Date(Date.now() - 60_000) });
  backend = await startTestBackend(
    {
      HUBSPOT_CLIENT_ID: 'contract-test',
      HUBSPOT_CLIENT_SECRET: clientSecret,
      FATHOM_API_BASE: fathom.baseUrl,
      UNINSTALL_GRACE_HOURS: '36',
    },
    { workers: true },
  );
  const tenant = await seedTenant(backend.testDb.db, HUB);
  await withSystem(backend.testDb.db, (tx) =>
    tx.query(`DELETE FROM api_connections WHERE account_id = $1 AND provider = 'fathom'`, [tenant.accountId]),
  );
});
afterAll(async () => {
  await backend.close();
  await fathom.close();
});

const asAdmin = async (path: string, init: { method?: string; body?: unknown } = {}) => {
  const response = await signedFetch(backend.url, path, {
    clientSecret,
    identity: { portalId: HUB, userId: HUB * 10 + 1, userEmail: `admin@${HUB}.example.com` },
    ...init,
  });
  return { status: response.status, body: (await response.json()) as unknown };
};

describe("the settings API answers exactly the shared UI types' fields", () => {
  test('GET, PUT and DELETE /api/settings/fathom', async () => {
    const before = await asAdmin('/api/settings/fathom');
    expect(before.status).toBe(200);
    expectFields(before.body, fathomStatus);
    const put = await asAdmin('/api/settings/fathom', { method: 'PUT', body: { apiKey: fathom.apiKey } });
    expect(put.status).toBe(200);
    expectFields(put.body, fathomConnected);
  });

  test('GET /api/settings/sync-logs and POST /api/settings/sync', async () => {
    let logs = await asAdmin('/api/settings/sync-logs');
    for (let tries = 0; (logs.body as SyncLogs).items.length === 0 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      logs = await asAdmin('/api/settings/sync-logs');
    }
    expect(logs.status).toBe(200);
    expectFields(logs.body, syncLogs);
    expectFields((logs.body as SyncLogs).items[0], syncLog);
    const started = await asAdmin('/api/settings/sync', { method: 'POST' });
    expect(started.status).toBe(202);
    expectFields(started.body, syncStarted);
  });

  test('GET and PUT /api/settings/roles', async () => {
    const list = await asAdmin('/api/settings/roles');
    expect(list.status).toBe(200);
    expectFields(list.body, people);
    for (const item of (list.body as People).items) expectFields(item, person);
    const changed = await asAdmin('/api/settings/roles', {
      method: 'PUT',
      body: { hubspotUserId: HUB * 10 + 4, role: 'manager' },
    });
    expect(changed.status).toBe(200);
    expectFields(changed.body, person);
  });

  test("GET /api/settings/data says the backend's grace period after an uninstall", async () => {
    const data = await asAdmin('/api/settings/data');
    expect(data).toEqual({ status: 200, body: { uninstallGraceHours: 36 } });
    const rep = await signedFetch(backend.url, '/api/settings/data', {
      clientSecret,
      identity: { portalId: HUB, userId: HUB * 10 + 3, userEmail: `rep1@${HUB}.example.com` },
    });
    expect(rep.status).toBe(403);
  });

  test('GET and PUT /api/settings/ai without a model (LLM_* unset): nothing to turn on', async () => {
    const ai = await asAdmin('/api/settings/ai');
    expect(ai).toEqual({
      status: 200,
      body: { enabled: false, available: false, model: null, destination: null } satisfies AiSettings,
    });
    const on = await asAdmin('/api/settings/ai', { method: 'PUT', body: { enabled: true } });
    expect(on.status).toBe(409);
    expect((await asAdmin('/api/settings/ai')).body).toMatchObject({ enabled: false });
  });

  test('DELETE /api/settings/fathom', async () => {
    const after = await asAdmin('/api/settings/fathom', { method: 'DELETE' });
    expect(after.status).toBe(200);
    expectFields(after.body, fathomStatus);
  });
});
