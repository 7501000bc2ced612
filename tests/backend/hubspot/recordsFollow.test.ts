import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { processHubSpotEvent } from '../../../backend/src/hubspot/webhookEvents.ts';
import { hubspotEnv, startHubSpotStandIn, type HubSpotStandIn } from '../../support/hubspotStandIn.ts';
import { installThroughStandIn } from '../../support/install.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { seedTenant, type TenantFixture } from '../../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

// Links follow HubSpot after the sync: merges, deletions and contact↔deal associations made or
// removed later. Events are delivered through the signed route and their jobs run here, one by one
// (webhooks.test.ts runs them on the queue).
const HUB = 4343;
const DAY = 24 * 3_600_000;
let hubspot: HubSpotStandIn;
let backend: TestBackend;
let portal: TenantFixture;
/** The fixture's calls: call 0 a day old, linked to contact 1000; call 1 two days old, to contact 1001. */
let call0: string;
let call1: string;
let oldCall: string;

beforeAll(async () => {
  hubspot = await startHubSpotStandIn({
    hubId: HUB,
    contacts: [
      { id: '1000', email: 'a@customer.example.com', dealIds: [], companyIds: ['3000'] },
      { id: '1001', email: 'b@customer.example.com', dealIds: [] },
    ],
    deals: [{ id: '2000', closed: false, companyIds: ['3001'] }],
  });
  backend = await startTestBackend({ ...hubspotEnv(hubspot) });
  portal = await seedTenant(backend.testDb.db, HUB);
  await installThroughStandIn(backend.url);
  [call0, call1] = portal.conversationIds as [string, string];
  await withSystem(backend.testDb.db, async (tx) => {
    await tx.query(
      `UPDATE conversation_crm_links SET matched_email = 'a@customer.example.com' WHERE account_id = $1 AND object_id = 1000`,
      [portal.accountId],
    );
    // Call 0 had both contacts on it.
    await tx.query(
      `INSERT INTO conversation_crm_links (account_id, conversation_id, object_type, object_id, source, matched_email)
       VALUES ($1, $2, 'contacts', 1001, 'email', 'b@customer.example.com')`,
      [portal.accountId, call0],
    );
    // A call of 30 days ago with contact A.
    oldCall = (
      await tx.query<{ id: string }>(
        `INSERT INTO conversations (account_id, external_id, title, started_at) VALUES ($1, 'rec-old', 'Old call', now() - interval '30 days') RETURNING id`,
        [portal.accountId],
      )
    ).rows[0]!.id;
    await tx.query(
      `INSERT INTO conversation_crm_links (account_id, conversation_id, object_type, object_id, source, matched_email)
       VALUES ($1, $2, 'contacts', 1000, 'email', 'a@customer.example.com')`,
      [portal.accountId, oldCall],
    );
  });
});
afterAll(async () => {
  await backend.close();
  await hubspot.close();
});

let nextEventId = 70_000;
const base = (subscriptionType: string) => ({
  eventId: nextEventId++,
  subscriptionId: 2_400_002,
  portalId: HUB,
  appId: hubspot.appId,
  occurredAt: Date.now(),
  subscriptionType,
  attemptNumber: 0,
  changeSource: 'CRM',
});
/** Delivers one signed event and runs its job; the job's outcome. */
async function handle(event: ReturnType<typeof base> & Record<string, unknown>): Promise<string> {
  const answer = await signedFetch(backend.url, '/webhooks/hubspot', {
    clientSecret: hubspot.clientSecret,
    method: 'POST',
    body: [event],
  });
  expect(answer.status).toBe(200);
  const { accepted } = (await answer.json()) as { accepted: number };
  if (!accepted) return 'ignored at the door';
  return processHubSpotEvent(backend.services.hubspotJobs, portal.accountId, String(event.eventId));
}
const links = async (objectType: string) =>
  (
    await withSystem(backend.testDb.db, (tx) =>
      tx.query<{ conversation_id: string; object_id: string }>(
        `SELECT conversation_id, object_id::text FROM conversation_crm_links WHERE account_id = $1 AND object_type = $2 ORDER BY object_id, conversation_id`,
        [portal.accountId, objectType],
      ),
    )
  ).rows
    .map(
      (row) =>
        `${row.object_id}:${row.conversation_id === call0 ? 'call0' : row.conversation_id === call1 ? 'call1' : 'old'}`,
    )
    .sort();
const card = async (objectType: string, objectId: number) => {
  const answer = await signedFetch(
    backend.url,
    `/api/cards/conversations?objectType=${objectType}&objectId=${objectId}`,
    {
      clientSecret: hubspot.clientSecret,
      identity: { portalId: HUB, userId: HUB * 10 + 1, userEmail: `admin@${HUB}.example.com` },
    },
  );
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { items: Array<{ id: string }> }).items.map((item) => item.id).sort();
};

describe('merges', () => {
  test("a merge of contact B into contact A shows A with both contacts' calls, each once; a repeat changes nothing", async () => {
    hubspot.crm.merge({ id: '1000', email: 'a@customer.example.com', dealIds: [] }, ['1001']);
    const merge = {
      ...base('contact.merge'),
      objectId: 1000,
      primaryObjectId: 1000,
      mergedObjectIds: [1001],
      newObjectId: 1000,
      numberOfPropertiesMoved: 3,
    };
    expect(await handle(merge)).toBe('applied');
    expect(await links('contacts')).toEqual(['1000:call0', '1000:call1', '1000:old']);
    expect(await card('contacts', 1000)).toEqual([call0, call1, oldCall].sort());
    expect(await card('contacts', 1001)).toEqual([]);
    // HubSpot delivers the same merge again (a new event id): nothing moves twice.
    expect(await handle({ ...merge, eventId: nextEventId++ })).toBe('applied');
    expect(await card('contacts', 1000)).toEqual([call0, call1, oldCall].sort());
  });

  test('a merge that made a new record moves the calls of both to it', async () => {
    await withSystem(backend.testDb.db, (tx) =>
      tx.query(
        `INSERT INTO conversation_crm_links (account_id, conversation_id, object_type, object_id, source) VALUES ($1, $2, 'deals', 2000, 'association'), ($1, $3, 'deals', 2001, 'association')`,
        [portal.accountId, call0, call1],
      ),
    );
    const merge = {
      ...base('deal.merge'),
      objectId: 2000,
      primaryObjectId: 2000,
      mergedObjectIds: [2001],
      newObjectId: 2002,
    };
    expect(await handle(merge)).toBe('applied');
    expect(await links('deals')).toEqual(['2002:call0', '2002:call1']);
  });

  test('a company merge and a confirmed company deletion', async () => {
    await withSystem(backend.testDb.db, (tx) =>
      tx.query(
        `INSERT INTO conversation_crm_links (account_id, conversation_id, object_type, object_id, source) VALUES ($1, $2, 'companies', 3000, 'association'), ($1, $2, 'companies', 3001, 'association')`,
        [portal.accountId, call0],
      ),
    );
    expect(
      await handle({ ...base('company.merge'), objectId: 3000, primaryObjectId: 3000, mergedObjectIds: [3001] }),
    ).toBe('applied');
    expect(await links('companies')).toEqual(['3000:call0']);
    // Not deleted in HubSpot yet: nothing dropped.
    expect(await handle({ ...base('company.deletion'), objectId: 3000 })).toBe('not confirmed');
    hubspot.removeCrmObject('companies', '3000');
    expect(await handle({ ...base('company.deletion'), objectId: 3000 })).toBe('applied');
    expect(await links('companies')).toEqual([]);
  });
});

describe('contact↔deal associations made after the sync', () => {
  test('a deal associated a day after a call gets that call (and the 2-day-old one), not the call of 30 days ago; removing the association removes those links', async () => {
    // Deal 2100 is created now: a day after call 0, two days after call 1, thirty days after the old call.
    hubspot.crm.putDeal({ id: '2100', closed: false, createdAt: new Date() });
    const added = {
      ...base('contact.associationChange'),
      fromObjectId: 1000,
      toObjectId: 2100,
      associationType: 'CONTACT_TO_DEAL',
      associationRemoved: false,
    };
    // HubSpot does not show the association yet: nothing is linked.
    expect(await handle(added)).toBe('not confirmed');
    hubspot.crm.associate('1000', '2100');
    expect(await handle({ ...added, eventId: nextEventId++ })).toBe('applied');
    expect((await links('deals')).filter((l) => l.startsWith('2100'))).toEqual(['2100:call0', '2100:call1'].sort());
    expect(await card('deals', 2100)).toEqual([call0, call1].sort());

    const removed = { ...added, eventId: nextEventId++, associationRemoved: true };
    // HubSpot still shows it (the events crossed): nothing removed.
    expect(await handle(removed)).toBe('not confirmed');
    hubspot.crm.associate('1000', '2100', false);
    expect(await handle({ ...removed, eventId: nextEventId++ })).toBe('applied');
    expect((await links('deals')).filter((l) => l.startsWith('2100'))).toEqual([]);
  });

  test('a deal closed before a call does not get it; a deal open then does, even if closed since', async () => {
    hubspot.crm.putDeal({
      id: '2200',
      closed: true,
      createdAt: new Date(Date.now() - 90 * DAY),
      closedAt: new Date(Date.now() - 40 * DAY),
    });
    hubspot.crm.putDeal({
      id: '2300',
      closed: true,
      createdAt: new Date(Date.now() - 90 * DAY),
      closedAt: new Date(Date.now() - 10 * DAY),
    });
    hubspot.crm.associate('1000', '2200');
    hubspot.crm.associate('1000', '2300');
    for (const deal of [2200, 2300])
      expect(
        await handle({
          ...base('contact.associationChange'),
          fromObjectId: 1000,
          toObjectId: deal,
          associationType: 'CONTACT_TO_DEAL',
          associationRemoved: false,
        }),
      ).toBe('applied');
    expect((await links('deals')).filter((l) => /^2[23]00/.test(l))).toEqual(['2300:old']);
  });

  test('association changes with other objects are passed over at the door', async () => {
    expect(
      await handle({
        ...base('contact.associationChange'),
        fromObjectId: 1000,
        toObjectId: 3000,
        associationType: 'CONTACT_TO_COMPANY',
        associationRemoved: false,
      }),
    ).toBe('ignored at the door');
  });

  test('events missing the fields of their kind are refused with 400 and stored nowhere', async () => {
    for (const body of [
      { ...base('contact.merge'), objectId: 1 },
      { ...base('contact.associationChange'), fromObjectId: 1000 },
      { ...base('deal.deletion') },
      { ...base('contact.merge'), primaryObjectId: 1, mergedObjectIds: Array.from({ length: 101 }, (_, i) => i + 1) },
    ]) {
      const answer = await signedFetch(backend.url, '/webhooks/hubspot', {
        clientSecret: hubspot.clientSecret,
        method: 'POST',
        body: [body],
      });
      expect(answer.status).toBe(400);
    }
  });
});
