import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Client } from '@hubspot/api-client';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { hubspotRecordLinker } from '../../../backend/src/hubspot/recordLinker.ts';
import { runSync } from '../../../backend/src/sync/runSync.ts';
import { createMigratedDatabase, type TestDatabase } from '../../support/database.ts';
import { startFathomStandIn, type FathomStandIn } from '../../support/fathomStandIn.ts';
import { connectedAccount, standInSource } from '../../support/fathomSync.ts';
import { listen, type Listening } from '../../support/http.ts';
import { hubspotCrm } from '../../support/hubspotCrm.ts';

const HUB = 9090;
// 40 customers; the first 30 are HubSpot contacts, every other one with an open deal.
const customers = Array.from({ length: 40 }, (_, i) => `buyer${i}@customer.example.com`);
const crm = hubspotCrm({
  contacts: customers.slice(0, 30).map((email, i) => ({
    id: String(100 + i),
    email,
    dealIds: i % 2 ? [] : [String(900 + i)],
    companyIds: [String(700 + (i % 3))],
  })),
  deals: customers.slice(0, 30).flatMap((_, i) => (i % 2 ? [] : [{ id: String(900 + i), closed: false }])),
});

let testDb: TestDatabase;
let fathom: FathomStandIn;
let crmServer: Listening;
let accountId: string;

beforeAll(async () => {
  testDb = await createMigratedDatabase();
  fathom = await startFathomStandIn({ count: 100, pageSize: 25, segmentsPerMeeting: 4, inviteeEmails: customers });
  crmServer = await listen(
    (req, res) => void crm.handle(req, res).then((handled) => handled || res.writeHead(404).end()),
  );
  accountId = await connectedAccount(testDb.db, HUB);
});
afterAll(async () => {
  await crmServer.close();
  await fathom.close();
  await testDb.drop();
});

test('100 meetings are linked to their contacts, open deals and companies with batch calls only', async () => {
  let calls = 0;
  const linker = hubspotRecordLinker(
    new Client({ accessToken: 't', basePath: crmServer.url, numberOfApiCallRetries: 0 }),
    { onCall: () => (calls += 1) },
  );
  await runSync(testDb.db, {
    accountId,
    source: standInSource({ baseUrl: fathom.baseUrl, apiKey: fathom.apiKey, hubId: HUB }),
    linker,
    analyse: () => ({ version: 'test', score: null, metrics: {} }),
  });
  // Emails of several pages are looked up together: one contact read, three association reads
  // and one deal read per 100 emails, far below one call per meeting.
  expect(calls).toBeLessThanOrEqual(16);
  expect(calls / 100).toBeLessThanOrEqual(0.16);

  const links = await withSystem(
    testDb.db,
    async (tx) =>
      (
        await tx.query<{ object_type: string; n: number }>(
          `SELECT object_type, count(*)::int AS n FROM conversation_crm_links WHERE account_id = $1 AND source <> 'fathom' GROUP BY object_type ORDER BY object_type`,
          [accountId],
        )
      ).rows,
  );
  // Meeting i invites customer i % 40: the 30 known ones are in 75 of the 100 meetings; half of those have a deal.
  const withContact = Array.from({ length: 100 }, (_, i) => i % 40).filter((c) => c < 30);
  expect(links).toEqual([
    { object_type: 'companies', n: withContact.length },
    { object_type: 'contacts', n: withContact.length },
    { object_type: 'deals', n: withContact.filter((c) => c % 2 === 0).length },
  ]);
});
