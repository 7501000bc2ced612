import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { HUBSPOT_JOURNAL_QUEUE } from '../../../backend/src/hubspot/journal.ts';
import { hubspotEnv, startHubSpotStandIn, type HubSpotStandIn } from '../../support/hubspotStandIn.ts';
import { installThroughStandIn } from '../../support/install.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { seedTenant, type TenantFixture } from '../../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';
import { waitFor } from '../../support/waitFor.ts';

const HUB_A = 4242;
const HUB_B = 5151;
const BUYER = `buyer@customer-${HUB_A}.example.com`;
let hubspot: HubSpotStandIn;
let backend: TestBackend;
let portalA: TenantFixture;
let portalB: TenantFixture;

beforeAll(async () => {
  hubspot = await startHubSpotStandIn({
    hubId: HUB_A,
    contacts: [
      { id: '1000', email: BUYER, dealIds: ['2000'] },
      { id: '1001', email: `other@customer-${HUB_A}.example.com`, dealIds: [] },
    ],
    deals: [{ id: '2000', closed: false }],
  });
  backend = await startTestBackend({ ...hubspotEnv(hubspot), UNINSTALL_GRACE_HOURS: '24' }, { workers: true });
  portalA = await seedTenant(backend.testDb.db, HUB_A);
  portalB = await seedTenant(backend.testDb.db, HUB_B);
  // Portal A installs for real (tokens from the stand-in), so the jobs can ask HubSpot about its records.
  await installThroughStandIn(backend.url);
  await withSystem(backend.testDb.db, async (tx) => {
    await tx.query(`UPDATE conversation_crm_links SET matched_email = $2 WHERE account_id = $1 AND object_id = 1000`, [
      portalA.accountId,
      BUYER,
    ]);
    await tx.query(
      `INSERT INTO conversation_crm_links (account_id, conversation_id, object_type, object_id, source) VALUES ($1, $2, 'deals', 2000, 'association')`,
      [portalA.accountId, portalA.conversationIds[0]],
    );
  });
});
afterAll(async () => {
  await backend.close();
  await hubspot.close();
});

/** Everything of portal A a forged event could change. */
async function snapshotOfA() {
  return withSystem(backend.testDb.db, async (tx) => ({
    account: (await tx.query(`SELECT status, purge_after FROM accounts WHERE id = $1`, [portalA.accountId])).rows,
    connections: (
      await tx.query(
        `SELECT provider, status, access_token_enc IS NOT NULL AS token, api_key_enc IS NOT NULL AS key FROM api_connections WHERE account_id = $1 ORDER BY provider`,
        [portalA.accountId],
      )
    ).rows,
    links: (
      await tx.query(
        `SELECT conversation_id, object_type, object_id::text, matched_email FROM conversation_crm_links WHERE account_id = $1 ORDER BY 1, 2, 3`,
        [portalA.accountId],
      )
    ).rows,
    participants: (
      await tx.query(`SELECT count(*)::int AS n FROM conversation_participants WHERE account_id = $1`, [
        portalA.accountId,
      ])
    ).rows,
  }));
}

let nextEventId = 9_000;
const event = (subscriptionType: string, objectId: number, overrides: Record<string, unknown> = {}) => ({
  eventId: nextEventId++,
  subscriptionId: 2_400_001,
  portalId: HUB_A,
  appId: hubspot.appId,
  occurredAt: Date.now(),
  subscriptionType,
  attemptNumber: 0,
  objectId,
  changeSource: 'CRM',
  ...overrides,
});
const deliver = (events: unknown) =>
  signedFetch(backend.url, '/webhooks/hubspot', { clientSecret: hubspot.clientSecret, method: 'POST', body: events });

const eventRows = (eventId: number) =>
  withSystem(
    backend.testDb.db,
    async (tx) =>
      (
        await tx.query<{ status: string }>(
          `SELECT status FROM webhook_events WHERE provider = 'hubspot' AND event_id = $1`,
          [String(eventId)],
        )
      ).rows,
  );

async function expectNothingStored(events: Array<{ eventId: number }>) {
  for (const { eventId } of events) expect(await eventRows(eventId)).toEqual([]);
}

describe('security finding 14.1: a card request cannot act as HubSpot’s webhook', () => {
  test("a card-signed POST from portal B's user with an uninstall and a privacy deletion for portal A changes nothing of A", async () => {
    const before = await snapshotOfA();
    // hubspot.fetch signs exactly like a webhook, with the caller in the query string.
    const events = [
      { ...event('app.uninstall', HUB_A), subscriptionType: 'app.uninstall' },
      event('contact.privacyDeletion', 1000),
    ];
    const answer = await signedFetch(backend.url, '/webhooks/hubspot', {
      clientSecret: hubspot.clientSecret,
      identity: { portalId: HUB_B, userId: HUB_B * 10 + 3, userEmail: `rep1@${HUB_B}.example.com` },
      method: 'POST',
      body: events,
    });
    // Nothing was kept for later: work on an event happens only once it is stored.
    await expectNothingStored(events);
    // Portal A is untouched (on the old code it was uninstalled and lost a contact's links)…
    expect(await snapshotOfA()).toEqual(before);
    // …and the request was refused as what it is: a card request, not a webhook.
    expect(answer.status).toBe(403);
    expect(before.account).toEqual([{ status: 'active', purge_after: null }]);
    expect(before.links.length).toBe(3);
    expect(portalB.accountId).not.toBe(portalA.accountId);
  });

  test('a correctly webhook-signed batch for another app id changes nothing', async () => {
    const before = await snapshotOfA();
    const events = [event('contact.privacyDeletion', 1000, { appId: hubspot.appId + 1 }), event('deal.deletion', 2000)];
    const answer = await deliver(events);
    expect(answer.status).toBe(403);
    await expectNothingStored(events);
    expect(await snapshotOfA()).toEqual(before);
  });

  test('a body that is not HubSpot’s event array is refused with 400 and stores nothing', async () => {
    const before = await snapshotOfA();
    const { eventId: _dropped, ...noEventId } = event('contact.deletion', 1001);
    for (const body of [
      event('contact.deletion', 1001),
      [],
      [noEventId],
      [{ portalId: HUB_A, subscriptionType: 'contact.privacyDeletion', objectId: 1000 }],
      { events: [] },
    ]) {
      const answer = await deliver(body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
    }
    expect(await snapshotOfA()).toEqual(before);
  });

  test('an uninstall-shaped event with our app id uninstalls nothing: uninstalls come from the journal only', async () => {
    const answer = await deliver([event('app.uninstalled', HUB_A), event('contact.creation', 1001)]);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ accepted: 0, ignored: 2 });
    expect((await snapshotOfA()).account).toEqual([{ status: 'active', purge_after: null }]);
  });
});

describe("HubSpot's webhook events", () => {
  test('a deletion HubSpot does not confirm (the contact still exists) drops nothing', async () => {
    const before = await snapshotOfA();
    const deletion = event('contact.privacyDeletion', 1000);
    expect((await deliver([deletion])).status).toBe(200);
    await waitFor(async () => (await eventRows(deletion.eventId))[0]?.status === 'failed', 'the unconfirmed event');
    expect(await snapshotOfA()).toEqual(before);
  });

  test('a privacy deletion confirmed by HubSpot removes that contact’s links, participants and attribution; a retry is stored once', async () => {
    hubspot.removeCrmObject('contacts', '1000');
    const deletion = event('contact.privacyDeletion', 1000);
    const first = await deliver([deletion]);
    expect(await first.json()).toEqual({ status: 'ok', accepted: 1, duplicates: 0, ignored: 0 });
    // HubSpot retries with the same eventId and a higher attemptNumber.
    const retry = await deliver([{ ...deletion, attemptNumber: 1 }]);
    expect(await retry.json()).toEqual({ status: 'ok', accepted: 0, duplicates: 1, ignored: 0 });
    await waitFor(async () => (await eventRows(deletion.eventId))[0]?.status === 'processed', 'the privacy deletion');
    expect(await eventRows(deletion.eventId)).toEqual([{ status: 'processed' }]);
    const after = await snapshotOfA();
    expect(after.links.filter((link) => link.object_type === 'contacts').map((link) => link.object_id)).toEqual([
      '1001',
    ]);
    expect(after.links.some((link) => link.matched_email === BUYER)).toBe(false);
    const buyerRows = await withSystem(
      backend.testDb.db,
      async (tx) =>
        (
          await tx.query(`SELECT 1 FROM conversation_participants WHERE account_id = $1 AND email = $2`, [
            portalA.accountId,
            BUYER,
          ])
        ).rowCount,
    );
    expect(buyerRows).toBe(0);
    // The deal link and the other contact stay; portal A is still installed.
    expect(after.links.some((link) => link.object_type === 'deals')).toBe(true);
    expect(after.account).toEqual([{ status: 'active', purge_after: null }]);
  });

  test('a deal deletion confirmed by HubSpot drops that deal’s links only', async () => {
    hubspot.removeCrmObject('deals', '2000');
    const deletion = event('deal.deletion', 2000);
    expect((await deliver([deletion])).status).toBe(200);
    await waitFor(async () => (await eventRows(deletion.eventId))[0]?.status === 'processed', 'the deal deletion');
    const after = await snapshotOfA();
    expect(after.links.map((link) => `${link.object_type}:${link.object_id}`)).toEqual(['contacts:1001']);
  });

  test('a contact deletion confirmed by HubSpot drops that contact’s links and keeps its participant rows', async () => {
    hubspot.removeCrmObject('contacts', '1001');
    const other = `other@customer-${HUB_A}.example.com`;
    await withSystem(backend.testDb.db, async (tx) => {
      await tx.query(
        `INSERT INTO conversation_participants (account_id, conversation_id, participant_key, name, email, is_external)
         VALUES ($1, $2, $3, 'Other', $3, true)`,
        [portalA.accountId, portalA.conversationIds[1], other],
      );
      await tx.query(
        `UPDATE conversation_crm_links SET matched_email = $2 WHERE account_id = $1 AND object_id = 1001`,
        [portalA.accountId, other],
      );
    });
    const before = await snapshotOfA();
    expect(before.participants).toEqual([{ n: 1 }]);
    const deletion = event('contact.deletion', 1001);
    expect(await (await deliver([deletion])).json()).toEqual({ status: 'ok', accepted: 1, duplicates: 0, ignored: 0 });
    await waitFor(async () => (await eventRows(deletion.eventId))[0]?.status === 'processed', 'the contact deletion');
    const after = await snapshotOfA();
    expect(after.links).toEqual([]);
    // An ordinary deletion is not a privacy deletion: who took part in the calls stays.
    expect(after.participants).toEqual(before.participants);
  });

  test('events for a portal we do not know are answered 200 and ignored', async () => {
    const answer = await deliver([event('contact.deletion', 1001, { portalId: 987_654 })]);
    expect(await answer.json()).toEqual({ status: 'ok', accepted: 0, duplicates: 0, ignored: 1 });
  });
});

test('the journal poll runs as a pg-boss job on the workers', async () => {
  await backend.jobs.boss.send(HUBSPOT_JOURNAL_QUEUE, {});
  // The job's own commit is what says it ran (HubSpot sees the subscriptions before it commits).
  const journalState = async () =>
    withSystem(
      backend.testDb.db,
      async (tx) => (await tx.query(`SELECT subscribed_at, last_polled_at FROM hubspot_journal_state`)).rows[0],
    );
  await waitFor(async () => !!(await journalState())?.last_polled_at, 'the journal job');
  expect(hubspot.journalSubscriptions).toHaveLength(2);
  expect(await journalState()).toEqual({ subscribed_at: expect.any(Date), last_polled_at: expect.any(Date) });
});

test('without HUBSPOT_APP_ID the webhook route answers 503 not_configured', async () => {
  const secret = randomBytes(24).toString('base64url');
  const bare = await startTestBackend({ HUBSPOT_CLIENT_ID: 'x', HUBSPOT_CLIENT_SECRET: secret });
  try {
    const answer = await signedFetch(bare.url, '/webhooks/hubspot', {
      clientSecret: secret,
      method: 'POST',
      body: [event('contact.deletion', 1)],
    });
    expect(answer.status).toBe(503);
    expect(await answer.json()).toMatchObject({ error: 'not_configured' });
  } finally {
    await bare.close();
  }
});
