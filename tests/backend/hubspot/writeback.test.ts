// Write-back to HubSpot end to end: Fathom (stand-in) → sync and webhooks → the write-back job →
// HubSpot's CRM (stand-in), with the settings route an admin uses. A portal installed without the
// write scopes first, then reinstalled with them.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { WritebackSettings } from '../../../hubspot-app/app/packages/ui-shared/types.ts';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { WRITEBACK_QUEUE } from '../../../backend/src/hubspot/writeback/writebackJobs.ts';
import { SYNC_QUEUES } from '../../../backend/src/sync/syncJobs.ts';
import { OPTIONAL_SCOPES, REQUIRED_SCOPES, WRITEBACK_SCOPES } from '../../../backend/src/hubspot/scopes.ts';
import { startFathomStandIn, type FathomStandIn } from '../../support/fathomStandIn.ts';
import { hubspotEnv, startHubSpotStandIn, type HubSpotStandIn } from '../../support/hubspotStandIn.ts';
import { installThroughStandIn } from '../../support/install.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { seedTenant } from '../../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';
import { jobCount, waitForIdleQueues } from '../../support/queues.ts';
import { waitFor } from '../../support/waitFor.ts';

const HUB = 4545;
const JANE = 'jane.buyer@customer.example';
const OMAR = 'omar.lead@prospect.example';
let hubspot: HubSpotStandIn;
let fathom: FathomStandIn;
let backend: TestBackend;
let accountId: string;
let webhook: { url: string; secret: string };

beforeAll(async () => {
  // Jane (contact 1000) is on deal 2000; both contacts and the deal belong to company 3000.
  hubspot = await startHubSpotStandIn({
    hubId: HUB,
    contacts: [
      { id: '1000', email: JANE, dealIds: ['2000'], companyIds: ['3000'] },
      { id: '1001', email: OMAR, dealIds: [], companyIds: ['3000'] },
    ],
    deals: [{ id: '2000', closed: false, companyIds: ['3000'] }],
  });
  // Installed without the write scopes (an install made before they were asked for).
  hubspot.grantedScopes = [...REQUIRED_SCOPES, 'crm.objects.companies.read'];
  fathom = await startFathomStandIn({ count: 6, pageSize: 10, newest: new Date(Date.now() - 60_000) });
  backend = await startTestBackend(
    { ...hubspotEnv(hubspot), FATHOM_API_BASE: fathom.baseUrl },
    { workers: true, tuning: { heartbeatSeconds: 10 } },
  );
  await installThroughStandIn(backend.url);
  accountId = (
    await withSystem(backend.testDb.db, (tx) =>
      tx.query<{ id: string }>(`SELECT id FROM accounts WHERE hub_id = $1`, [HUB]),
    )
  ).rows[0]!.id;
  // Another portal whose calls are on records with the same ids: they never count here.
  await seedTenant(backend.testDb.db, 4646);
}, 60_000);
afterAll(async () => {
  await backend?.close();
  await fathom?.close();
  await hubspot?.close();
});

const admin = { portalId: HUB, userId: 777, userEmail: 'admin@customer.example.com' };
const as = (path: string, init: { method?: string; body?: unknown } = {}, identity = admin) =>
  signedFetch(backend.url, path, { clientSecret: hubspot.clientSecret, identity, ...init });
const settings = async (body?: unknown) =>
  (await (await as('/api/settings/writeback', body ? { method: 'PUT', body } : {})).json()) as WritebackSettings;

const scalar = async (sql: string, params: unknown[]) =>
  (await withSystem(backend.testDb.db, (tx) => tx.query<{ n: number }>(sql, params))).rows[0]!.n;
const stored = () => scalar(`SELECT count(*)::int AS n FROM conversations WHERE account_id = $1`, [accountId]);
const updateCalls = () =>
  Object.entries(hubspot.calls)
    .filter(([path]) => path.endsWith('/batch/update'))
    .reduce((sum, [, n]) => sum + n, 0);
/** Calls to the CRM that write, whatever their path. */
const writeCalls = () =>
  Object.entries(hubspot.calls)
    .filter(([path]) => path.startsWith('/crm/properties/') || path.endsWith('/batch/update'))
    .reduce((sum, [, n]) => sum + n, 0);

/** The outcomes of the write-back jobs done so far (pg-boss keeps completed jobs with their output). */
const writebackRuns = async () =>
  (
    await backend.testDb.db.query<{ outcome: string }>(
      `SELECT output ->> 'outcome' AS outcome FROM pgboss.job WHERE name = 'hubspot-writeback' AND state = 'completed'`,
    )
  ).rows.map((row) => row.outcome);

/** The newest of the stand-in's meetings with this guest, and how many there are. */
function callsWith(email: string) {
  const meetings = fathom.meetings.filter((m) => m.calendar_invitees.some((i) => i.email === email));
  const newest = meetings.reduce((a, b) => (a.recording_start_time > b.recording_start_time ? a : b));
  return { count: meetings.length, newest };
}
const startedAt = async (recordingId: number) =>
  (
    await withSystem(backend.testDb.db, (tx) =>
      tx.query<{ started_at: Date }>(
        `SELECT started_at FROM conversations WHERE account_id = $1 AND external_id = $2`,
        [accountId, String(recordingId)],
      ),
    )
  ).rows[0]!.started_at.toISOString();

describe('a portal installed without the write scopes', () => {
  test('its settings say which scopes are missing; only admins read or change them', async () => {
    expect(await settings()).toEqual({ enabled: false, includeScores: false, missingScopes: [...WRITEBACK_SCOPES] });
    const rep = { portalId: HUB, userId: 778, userEmail: 'rep@customer.example.com' };
    expect((await as('/api/settings/writeback', {}, rep)).status).toBe(403);
    const bad = await as('/api/settings/writeback', { method: 'PUT', body: { enabled: 'yes', includeScores: false } });
    expect(bad.status).toBe(400);
  });

  test('turned on, it writes nothing after a sync', async () => {
    expect(await settings({ enabled: true, includeScores: false })).toEqual({
      enabled: true,
      includeScores: false,
      missingScopes: [...WRITEBACK_SCOPES],
    });
    const connected = await as('/api/settings/fathom', { method: 'PUT', body: { apiKey: fathom.apiKey } });
    expect(connected.status).toBe(200);
    const { connectionId } = (await connected.json()) as { connectionId: string };
    const hook = [...fathom.webhooks.values()][0]!;
    webhook = { url: `${backend.url}/webhooks/fathom/${connectionId}`, secret: hook.secret };
    await waitFor(async () => (await stored()) === 6, 'the backfill');
    // The sync run queued the write-back; it found the scopes missing.
    await waitFor(async () => (await writebackRuns()).includes('missing_scopes'), 'the write-back job');
    expect(writeCalls()).toBe(0);
  });
});

describe('reinstalled with the write scopes', () => {
  beforeAll(async () => {
    hubspot.grantedScopes = [...REQUIRED_SCOPES, ...OPTIONAL_SCOPES];
    // HubSpot refuses contact 1001 (deleted meanwhile): the rest of its batch is written.
    hubspot.writes.refuse.add('contacts:1001');
    await installThroughStandIn(backend.url);
    expect((await settings()).missingScopes).toEqual([]);
    // The next sync run writes every record with calls.
    expect((await as('/api/settings/sync', { method: 'POST' })).status).toBe(202);
    await waitFor(() => hubspot.writes.record('companies', 3000) !== undefined, 'the first write-back');
  }, 60_000);

  test('the group and the properties exist on contacts, deals and companies; no score property', () => {
    for (const type of ['contacts', 'deals', 'companies'] as const) {
      expect([...hubspot.writes.groups[type]]).toEqual(['fathom_calls']);
      expect([...hubspot.writes.properties[type].keys()].sort()).toEqual([
        'fathom_call_count',
        'fathom_last_call_at',
        'fathom_last_call_title',
        'fathom_last_call_url',
        'fathom_open_action_items',
      ]);
    }
  });

  test('contact, deal and company carry the right count, last call and link', async () => {
    const jane = callsWith(JANE);
    const everyone = fathom.meetings.length;
    const newest = fathom.meetings.reduce((a, b) => (a.recording_start_time > b.recording_start_time ? a : b));
    expect(hubspot.writes.record('contacts', 1000)).toMatchObject({
      fathom_call_count: String(jane.count),
      fathom_last_call_at: await startedAt(jane.newest.recording_id),
      fathom_last_call_title: jane.newest.title,
      fathom_last_call_url: jane.newest.url,
    });
    // Jane's deal has her calls; the company those of both its contacts and its deal, each once.
    expect(hubspot.writes.record('deals', 2000)).toMatchObject({
      fathom_call_count: String(jane.count),
      fathom_last_call_url: jane.newest.url,
    });
    expect(hubspot.writes.record('companies', 3000)).toMatchObject({
      fathom_call_count: String(everyone),
      fathom_last_call_at: await startedAt(newest.recording_id),
      fathom_last_call_url: newest.url,
    });
    // Each generated call has one open action item, two on every other one.
    expect(Number(hubspot.writes.record('contacts', 1000)!.fathom_open_action_items)).toBeGreaterThanOrEqual(
      jane.count,
    );
  });

  test('a record HubSpot refuses is skipped and logged; the others of its batch are written', () => {
    expect(hubspot.writes.record('contacts', 1001)).toBeUndefined();
    const contacts = hubspot.writes.updates.filter((update) => update.type === 'contacts');
    expect(contacts[0]!.ids.sort()).toEqual(['1000', '1001']);
    expect(backend.log.text()).toContain('HubSpot refused a write-back: skipped');
  });

  test('no score is written unless asked', () => {
    for (const update of hubspot.writes.updates) expect(update.ids.length).toBeGreaterThan(0);
    for (const type of ['contacts', 'deals', 'companies'] as const)
      expect(
        hubspot.writes.record(type, type === 'contacts' ? 1000 : type === 'deals' ? 2000 : 3000),
      ).not.toHaveProperty('fathom_average_score');
  });

  test('writes are batches only, one per type, never one record at a time', () => {
    expect(hubspot.writes.updates.map((update) => update.type).sort()).toEqual(['companies', 'contacts', 'deals']);
    const single = Object.keys(hubspot.calls).filter((path) =>
      /^\/crm\/objects\/2026-03\/(contacts|deals|companies)\/\d+$/.test(path),
    );
    expect(single).toEqual([]);
  });

  test("another portal's calls on records with the same ids never count", () => {
    // Portal 4646's fixture links its calls to contacts 1000 and 1001 too.
    expect(hubspot.writes.record('contacts', 1000)!.fathom_call_count).toBe(String(callsWith(JANE).count));
  });

  test('a sync that changes nothing writes nothing', async () => {
    const before = updateCalls();
    const runsBefore = (await writebackRuns()).length;
    expect((await as('/api/settings/sync', { method: 'POST' })).status).toBe(202);
    await waitFor(
      async () =>
        (await scalar(`SELECT count(*)::int AS n FROM sync_logs WHERE account_id = $1 AND status <> 'running'`, [
          accountId,
        ])) >= 3,
      'the sync run',
    );
    // The write-back job the run queued has looked at every record, and found nothing to write.
    await waitFor(async () => (await writebackRuns()).length > runsBefore, 'the write-back job after the run');
    expect(updateCalls()).toBe(before);
  });

  test("a new call by webhook raises its contact's count", async () => {
    const before = Number(hubspot.writes.record('contacts', 1000)!.fathom_call_count);
    const janeMeeting = callsWith(JANE).newest;
    const meeting = {
      ...janeMeeting,
      recording_id: 555_001,
      title: 'Pushed by webhook',
      url: 'https://fathom.video/calls/555001',
      created_at: new Date().toISOString(),
      recording_start_time: new Date(Date.now() - 30_000).toISOString(),
    };
    fathom.addMeeting(meeting);
    expect((await fathom.deliverWebhook({ ...webhook, body: meeting })).status).toBe(200);
    await waitFor(
      () => hubspot.writes.record('companies', 3000)!.fathom_call_count === String(fathom.meetings.length),
      "the company's new count (written last)",
    );
    expect(hubspot.writes.record('contacts', 1000)!.fathom_call_count).toBe(String(before + 1));
    expect(hubspot.writes.record('contacts', 1000)).toMatchObject({
      fathom_last_call_title: 'Pushed by webhook',
      fathom_last_call_url: 'https://fathom.video/calls/555001',
    });
    expect(hubspot.writes.record('companies', 3000)!.fathom_call_count).toBe(String(fathom.meetings.length));
  });

  test('with scores asked for, the score property is created and written', async () => {
    expect(await settings({ enabled: true, includeScores: true })).toEqual({
      enabled: true,
      includeScores: true,
      missingScopes: [],
    });
    await waitFor(
      () => hubspot.writes.record('companies', 3000)?.fathom_average_score !== undefined,
      'the scores written (companies last)',
    );
    expect(hubspot.writes.properties.contacts.has('fathom_average_score')).toBe(true);
    expect(hubspot.writes.record('contacts', 1000)!.fathom_average_score).toMatch(/^\d+$/);
  });

  test('turned off, nothing more is written', async () => {
    await settings({ enabled: false, includeScores: true });
    await waitForIdleQueues(backend.testDb.db, [WRITEBACK_QUEUE], 'the write-back turned off');
    const before = updateCalls();
    const jobsBefore = await jobCount(backend.testDb.db, WRITEBACK_QUEUE);
    const meeting = {
      ...callsWith(JANE).newest,
      recording_id: 555_002,
      title: 'After turning it off',
      created_at: new Date().toISOString(),
    };
    fathom.addMeeting(meeting);
    expect((await fathom.deliverWebhook({ ...webhook, body: meeting })).status).toBe(200);
    await waitFor(async () => (await stored()) === 8, 'the webhook meeting stored');
    // The webhook's job has ended, and with it the moment it would have queued a write-back.
    await waitForIdleQueues(backend.testDb.db, Object.values(SYNC_QUEUES), 'the webhook meeting job');
    expect(await jobCount(backend.testDb.db, WRITEBACK_QUEUE)).toBe(jobsBefore);
    expect(updateCalls()).toBe(before);
  });

  test('when HubSpot then refuses the uninstall, the admin is told the properties are gone, and nothing else', async () => {
    hubspot.uninstallEndpointDown = true;
    try {
      const refused = await as('/api/settings/installation', { method: 'DELETE', body: { hubId: HUB } });
      expect(refused.status).toBe(502);
      const { message } = (await refused.json()) as { message: string };
      expect(message).toMatch(/fathom_\* properties were deleted from HubSpot; nothing else was deleted/);
      expect(message).not.toMatch(/Nothing was deleted/);
      expect(hubspot.writes.properties.contacts.size).toBe(0);
    } finally {
      hubspot.uninstallEndpointDown = false;
    }
    // Still installed, still on: turned on again, the job creates the properties anew.
    const runs = (await writebackRuns()).length;
    await settings({ enabled: true, includeScores: false });
    await waitFor(async () => (await writebackRuns()).length > runs, 'the write-back job done');
    expect(hubspot.writes.properties.companies.size).toBeGreaterThan(0);
  });

  test('"Remove app and delete data" also deletes the properties and the group', async () => {
    const removed = await as('/api/settings/installation', { method: 'DELETE', body: { hubId: HUB } });
    expect(removed.status).toBe(200);
    for (const type of ['contacts', 'deals', 'companies'] as const) {
      expect(hubspot.writes.groups[type].size).toBe(0);
      expect(hubspot.writes.properties[type].size).toBe(0);
    }
  });
});
