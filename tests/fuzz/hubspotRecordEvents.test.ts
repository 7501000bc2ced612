import { afterAll, beforeAll, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { withSystem } from '../../backend/src/db/tenancy.ts';
import { HANDLED_SUBSCRIPTIONS, processHubSpotEvent } from '../../backend/src/hubspot/webhookEvents.ts';
import { hubspotEnv, startHubSpotStandIn, type HubSpotStandIn } from '../support/hubspotStandIn.ts';
import { installThroughStandIn } from '../support/install.ts';
import { signedFetch } from '../support/signedFetch.ts';
import { seedTenant, type TenantFixture } from '../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../support/testBackend.ts';

// HubSpot's webhook route with the event kinds that move and drop links (merges, deletions,
// association changes), properly signed, with any values in their fields. Whatever arrives: a 200
// or a 400, a 400 stores nothing, and every accepted event's job ends in a known outcome without
// losing a call or breaking a link row.

const HUB = 6464;
let hubspot: HubSpotStandIn;
let backend: TestBackend;
let tenant: TenantFixture;

beforeAll(async () => {
  hubspot = await startHubSpotStandIn({
    hubId: HUB,
    contacts: [{ id: '1000', email: 'a@customer.example.com', dealIds: ['2000'] }],
    deals: [{ id: '2000', closed: false }],
  });
  backend = await startTestBackend({ ...hubspotEnv(hubspot) });
  tenant = await seedTenant(backend.testDb.db, HUB);
  await installThroughStandIn(backend.url);
});
afterAll(async () => {
  await backend.close();
  await hubspot.close();
});

const anyValue = fc.oneof(
  fc.integer({ min: -5, max: 3000 }),
  fc.constantFrom(0, 1000, 1001, 2000, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 1.5, -1),
  fc.string({ maxLength: 12 }),
  fc.constant(null),
  fc.boolean(),
);
const id = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(1000, 1001, 2000, 2001, 3000) }, anyValue);
const event = fc.record(
  {
    eventId: fc.integer({ min: 1, max: 2 ** 40 }),
    subscriptionId: fc.constant(1),
    portalId: fc.constant(HUB),
    appId: fc.constant(5_150_001),
    occurredAt: fc.constant(Date.now()),
    subscriptionType: fc.oneof(
      fc.constantFrom(...HANDLED_SUBSCRIPTIONS),
      fc.constantFrom('contact.creation', 'x.y', 'merge'),
    ),
    attemptNumber: fc.constant(0),
    objectId: id,
    primaryObjectId: id,
    mergedObjectIds: fc.oneof(fc.array(id, { maxLength: 5 }), anyValue),
    newObjectId: id,
    fromObjectId: id,
    toObjectId: id,
    associationType: fc.oneof(fc.constantFrom('CONTACT_TO_DEAL', 'CONTACT_TO_COMPANY'), fc.string({ maxLength: 8 })),
    associationRemoved: fc.oneof(fc.boolean(), anyValue),
  },
  {
    requiredKeys: ['eventId', 'subscriptionId', 'portalId', 'appId', 'occurredAt', 'subscriptionType', 'attemptNumber'],
  },
);

const counts = async () =>
  (
    await withSystem(backend.testDb.db, (tx) =>
      tx.query<{ conversations: number; events: number; bad_links: number }>(
        `SELECT (SELECT count(*)::int FROM conversations WHERE account_id = $1) AS conversations,
                (SELECT count(*)::int FROM webhook_events WHERE account_id = $1 AND provider = 'hubspot') AS events,
                (SELECT count(*)::int FROM conversation_crm_links l WHERE account_id = $1
                   AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.account_id = l.account_id AND c.id = l.conversation_id)) AS bad_links`,
        [tenant.accountId],
      ),
    )
  ).rows[0]!;

test('signed merge, deletion and association events with any field values: 200 or 400, and their jobs end in a known outcome', async () => {
  const before = await counts();
  let accepted = 0;
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 3 }), async (batch) => {
      const stored = (await counts()).events;
      const answer = await signedFetch(backend.url, '/webhooks/hubspot', {
        clientSecret: hubspot.clientSecret,
        method: 'POST',
        body: batch,
      });
      expect([200, 400]).toContain(answer.status);
      if (answer.status === 400) {
        refused += 1;
        expect((await counts()).events).toBe(stored);
        return;
      }
      for (const sent of batch) {
        const outcome = await processHubSpotEvent(backend.services.hubspotJobs, tenant.accountId, String(sent.eventId));
        expect(['applied', 'not confirmed', 'ignored', 'already done']).toContain(outcome);
        if (outcome === 'applied') accepted += 1;
      }
    }),
    { numRuns: 300 },
  );
  expect(accepted).toBeGreaterThan(0);
  expect(refused).toBeGreaterThan(10);
  const after = await counts();
  expect(after.conversations).toBe(before.conversations);
  expect(after.bad_links).toBe(0);
}, 120_000);
