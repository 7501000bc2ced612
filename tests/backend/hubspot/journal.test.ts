import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { HUBSPOT_JOURNAL_QUEUE, pollJournal, type JournalDeps } from '../../../backend/src/hubspot/journal.ts';
import { startFathomStandIn, type FathomStandIn } from '../../support/fathomStandIn.ts';
import { hubspotEnv, startHubSpotStandIn, type HubSpotStandIn } from '../../support/hubspotStandIn.ts';
import { installThroughStandIn } from '../../support/install.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

const HUB = 6262;
let hubspot: HubSpotStandIn;
let fathom: FathomStandIn;
let backend: TestBackend;
let journal: JournalDeps;

beforeAll(async () => {
  hubspot = await startHubSpotStandIn({ hubId: HUB });
  fathom = await startFathomStandIn({ count: 2 });
  backend = await startTestBackend({
    ...hubspotEnv(hubspot),
    FATHOM_API_BASE: fathom.baseUrl,
    UNINSTALL_GRACE_HOURS: '720',
  });
  journal = backend.services.hubspotJobs.journal!;
  await installThroughStandIn(backend.url);
  // The admin connects Fathom with a key: Fathom now has a webhook for this portal.
  const connected = await asAdmin('/api/settings/fathom', { method: 'PUT', body: { apiKey: fathom.apiKey } });
  expect(connected.status).toBe(200);
  expect(fathom.webhooks.size).toBe(1);
});
afterAll(async () => {
  await backend.close();
  await hubspot.close();
  await fathom.close();
});

function asAdmin(path: string, init: { method?: string; body?: unknown } = {}) {
  return signedFetch(backend.url, path, {
    clientSecret: hubspot.clientSecret,
    identity: {
      portalId: HUB,
      userId: hubspot.installingUser.id,
      userEmail: hubspot.installingUser.email.toLowerCase(),
    },
    ...init,
  });
}

const account = async () =>
  (
    await withSystem(backend.testDb.db, (tx) =>
      tx.query<{ status: string; purge_after: Date | null }>(
        `SELECT status, purge_after FROM accounts WHERE hub_id = $1`,
        [HUB],
      ),
    )
  ).rows[0];
const connections = async () =>
  (
    await withSystem(backend.testDb.db, (tx) =>
      tx.query<{ provider: string; status: string; secrets: boolean }>(
        `SELECT c.provider, c.status,
              (c.access_token_enc IS NOT NULL OR c.refresh_token_enc IS NOT NULL OR c.api_key_enc IS NOT NULL OR c.webhook_secret_enc IS NOT NULL) AS secrets
         FROM api_connections c JOIN accounts a ON a.id = c.account_id WHERE a.hub_id = $1 ORDER BY c.provider`,
        [HUB],
      ),
    )
  ).rows;
const storedOffset = async () =>
  (
    await withSystem(backend.testDb.db, (tx) =>
      tx.query<{ journal_offset: string | null }>(`SELECT journal_offset FROM hubspot_journal_state`),
    )
  ).rows[0]!.journal_offset;

describe("HubSpot's webhooks journal", () => {
  test('the poll is a pg-boss job scheduled every minute', async () => {
    const schedules = await backend.jobs.boss.getSchedules();
    expect(schedules.find((s) => s.name === HUBSPOT_JOURNAL_QUEUE)).toMatchObject({ cron: '* * * * *' });
  });

  test('the first poll creates the install and uninstall subscriptions with a client-credentials token, once', async () => {
    expect(await pollJournal(journal)).toEqual({
      entries: 0,
      uninstalled: [],
      reinstalled: [],
      restartedFromEarliest: false,
    });
    await pollJournal(journal);
    expect(hubspot.journalSubscriptions.map((s) => [s.subscriptionType, s.objectTypeId, s.actions])).toEqual([
      ['APP_LIFECYCLE_EVENT', '4-1909196', ['APP_INSTALL']],
      ['APP_LIFECYCLE_EVENT', '4-1916193', ['APP_UNINSTALL']],
    ]);
    expect(await storedOffset()).toBeNull();
  });

  test('a poll that finds the subscriptions at HubSpot but not their record here (a crash between the two) creates none again', async () => {
    await withSystem(backend.testDb.db, (tx) => tx.query(`UPDATE hubspot_journal_state SET subscribed_at = NULL`));
    await pollJournal(journal);
    // HubSpot's list names each subscription's event type in objectTypeId and actions, not eventTypeId.
    expect(hubspot.journalSubscriptions).toHaveLength(2);
  });

  test("an uninstall in HubSpot's envelope deletes the Fathom webhook, destroys every credential and schedules the purge; the offset is kept across runs", async () => {
    hubspot.journalLifecycle('APP_UNINSTALL', HUB);
    const run = await pollJournal(journal);
    expect(run).toEqual({ entries: 1, uninstalled: [HUB], reinstalled: [], restartedFromEarliest: false });
    expect(fathom.webhooks.size).toBe(0);
    expect(await connections()).toEqual([
      { provider: 'fathom', status: 'revoked', secrets: false },
      { provider: 'hubspot', status: 'revoked', secrets: false },
    ]);
    const after = await account();
    expect(after!.status).toBe('uninstalled');
    expect(after!.purge_after!.getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3600_000);
    expect(await storedOffset()).toBe(hubspot.journal[0]!.offset);
    // The next run goes on from the stored offset: nothing is read (or applied) twice.
    expect(await pollJournal(journal)).toMatchObject({ entries: 0, uninstalled: [] });
    // The cards stop answering for this portal.
    expect((await asAdmin('/api/settings/fathom')).status).toBe(404);
  });

  test('a duplicate of the uninstall changes nothing', async () => {
    const before = await account();
    hubspot.journal.push({ offset: crypto.randomUUID(), events: hubspot.journal[0]!.events });
    expect(await pollJournal(journal)).toMatchObject({ entries: 1, uninstalled: [], reinstalled: [] });
    expect(await account()).toEqual(before);
  });

  test('an install within the grace period undoes the uninstall; the OAuth install then brings the tokens back', async () => {
    hubspot.journalLifecycle('APP_INSTALL', HUB);
    expect(await pollJournal(journal)).toMatchObject({ entries: 1, reinstalled: [HUB] });
    expect(await account()).toEqual({ status: 'active', purge_after: null });
    await installThroughStandIn(backend.url);
    expect((await connections()).find((c) => c.provider === 'hubspot')).toEqual({
      provider: 'hubspot',
      status: 'active',
      secrets: true,
    });
    expect((await asAdmin('/api/settings/fathom')).status).toBe(200);
  });

  test('an expired offset reads the journal again from its earliest entry, and an uninstall older than the latest install is ignored', async () => {
    // The journal keeps three days: our offset is gone, and what is left is an old uninstall.
    hubspot.journalLifecycle('APP_UNINSTALL', HUB, new Date(Date.now() - 3600_000));
    hubspot.journalForgetUntil(hubspot.journal.length - 1);
    // Our offset was read more than three days ago (the journal's retention), so a 404 means expired.
    await withSystem(backend.testDb.db, (tx) =>
      tx.query(`UPDATE hubspot_journal_state SET offset_published_at = now() - interval '73 hours'`),
    );
    const run = await pollJournal(journal);
    expect(run).toEqual({ entries: 1, uninstalled: [], reinstalled: [], restartedFromEarliest: true });
    expect(await account()).toEqual({ status: 'active', purge_after: null });
    expect(await storedOffset()).toBe(hubspot.journal.at(-1)!.offset);
  });
});

describe('"Remove the app and delete our data"', () => {
  test('a rep cannot remove the app', async () => {
    await withSystem(backend.testDb.db, (tx) =>
      tx.query(
        `INSERT INTO users (account_id, email, hubspot_user_id) SELECT id, 'rep@customer.example.com', 991 FROM accounts WHERE hub_id = $1`,
        [HUB],
      ),
    );
    const answer = await signedFetch(backend.url, '/api/settings/installation', {
      clientSecret: hubspot.clientSecret,
      identity: { portalId: HUB, userId: 991, userEmail: 'rep@customer.example.com' },
      method: 'DELETE',
      body: { hubId: HUB },
    });
    expect(answer.status).toBe(403);
    expect(hubspot.externalUninstalls).toEqual([]);
  });

  test('when HubSpot does not confirm the uninstall, nothing is deleted and the admin is told', async () => {
    hubspot.uninstallEndpointDown = true;
    try {
      const answer = await asAdmin('/api/settings/installation', { method: 'DELETE', body: { hubId: HUB } });
      expect(answer.status).toBe(502);
      expect(await answer.json()).toEqual({
        error: 'upstream_failed',
        message: expect.stringMatching(/Nothing was deleted/),
      });
      expect(await account()).toEqual({ status: 'active', purge_after: null });
      expect(hubspot.externalUninstalls).toEqual([]);
    } finally {
      hubspot.uninstallEndpointDown = false;
    }
  });

  test("an admin's removal uninstalls through HubSpot, deletes the Fathom webhook and purges the account at once", async () => {
    const reconnected = await asAdmin('/api/settings/fathom', { method: 'PUT', body: { apiKey: fathom.apiKey } });
    expect(reconnected.status).toBe(200);
    expect(fathom.webhooks.size).toBe(1);
    const answer = await asAdmin('/api/settings/installation', { method: 'DELETE', body: { hubId: HUB } });
    expect({ status: answer.status, body: await answer.json() }).toEqual({ status: 200, body: { status: 'removed' } });
    expect(hubspot.externalUninstalls).toEqual([HUB]);
    expect(fathom.webhooks.size).toBe(0);
    expect(await account()).toBeUndefined();
    const left = await withSystem(backend.testDb.db, (tx) =>
      tx.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM api_connections) + (SELECT count(*) FROM conversations) AS n`,
      ),
    );
    expect(Number(left.rows[0]!.n)).toBe(0);
    // HubSpot then writes the uninstall into the journal: a portal already gone is simply skipped.
    expect(await pollJournal(journal)).toMatchObject({ entries: 1, uninstalled: [] });
    expect((await asAdmin('/api/settings/fathom')).status).toBe(404);
  });
});
