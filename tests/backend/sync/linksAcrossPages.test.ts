import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Client } from '@hubspot/api-client';
import type { Database } from '../../../backend/src/db/database.ts';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { hubspotRecordLinker } from '../../../backend/src/hubspot/recordLinker.ts';
import { runSync } from '../../../backend/src/sync/runSync.ts';
import { createMigratedDatabase, type TestDatabase } from '../../support/database.ts';
import { startFathomStandIn, type FathomStandIn } from '../../support/fathomStandIn.ts';
import { connectedAccount, standInSource } from '../../support/fathomSync.ts';
import { listen, type Listening } from '../../support/http.ts';
import { hubspotCrm } from '../../support/hubspotCrm.ts';

// 250 meetings in Fathom's 10-meeting pages, each with a customer of its own, every one a HubSpot
// contact: the case where no page shares a lookup with another.
const customers = Array.from({ length: 250 }, (_, i) => `buyer${i}@customer.example.com`);
const crm = hubspotCrm({
  contacts: customers.map((email, i) => ({ id: String(1000 + i), email, dealIds: [] })),
  deals: [],
});

let testDb: TestDatabase;
let fathom: FathomStandIn;
let crmServer: Listening;
// Contact reads HubSpot answers 500 to (the first ones) while this is above zero.
let failContactReads = 0;

const count = (db: Database, sql: string, accountId: string) =>
  withSystem(db, async (tx) => (await tx.query<{ n: number }>(sql, [accountId])).rows[0]!.n);
const contactLinks = (accountId: string) =>
  count(
    testDb.db,
    `SELECT count(DISTINCT conversation_id)::int AS n FROM conversation_crm_links
      WHERE account_id = $1 AND object_type = 'contacts' AND source = 'email'`,
    accountId,
  );
const stillPending = (accountId: string) =>
  count(testDb.db, 'SELECT count(*)::int AS n FROM conversation_links_pending WHERE account_id = $1', accountId);
const stored = (accountId: string) =>
  count(testDb.db, 'SELECT count(*)::int AS n FROM conversations WHERE account_id = $1', accountId);

const sync = (accountId: string, hubId: number, onCall?: () => void) =>
  runSync(testDb.db, {
    accountId,
    source: standInSource({ baseUrl: fathom.baseUrl, apiKey: fathom.apiKey, hubId }),
    linker: hubspotRecordLinker(new Client({ accessToken: 't', basePath: crmServer.url, numberOfApiCallRetries: 0 }), {
      onCall,
    }),
    analyse: () => ({ version: 'test', score: null, metrics: {} }),
  });

beforeAll(async () => {
  testDb = await createMigratedDatabase();
  fathom = await startFathomStandIn({ count: 250, pageSize: 10, segmentsPerMeeting: 2, inviteeEmails: customers });
  crmServer = await listen((req, res) => {
    if (failContactReads > 0 && req.url?.includes('/contacts/batch/read')) {
      failContactReads -= 1;
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"status":"error","message":"down"}');
      return;
    }
    void crm.handle(req, res).then((handled) => handled || res.writeHead(404).end());
  });
});
afterAll(async () => {
  await crmServer.close();
  await fathom.close();
  await testDb.drop();
});

test('new emails of several pages are looked up together, 100 at a time: 25 pages of new customers cost 3 lookups', async () => {
  const accountId = await connectedAccount(testDb.db, 501);
  let calls = 0;
  await sync(accountId, 501, () => (calls += 1));
  expect(await contactLinks(accountId)).toBe(250);
  expect(await stillPending(accountId)).toBe(0);
  // 100 + 100 + 50 emails: a contact read and two association reads each (no deals to read).
  expect(calls).toBe(9);
});

test('a run that dies after storing pages but before linking them leaves them marked, and the next run links them without reading them again', async () => {
  const accountId = await connectedAccount(testDb.db, 502);
  // The first lookup (the 100 emails of the first 10 pages) fails: the run fails after those pages committed.
  failContactReads = 1;
  await expect(sync(accountId, 502)).rejects.toThrow();
  const storedBefore = await stored(accountId);
  expect(storedBefore).toBeGreaterThanOrEqual(100);
  expect(await contactLinks(accountId)).toBe(0);
  expect(await stillPending(accountId)).toBe(storedBefore);

  const pageReadsBefore = fathom.requests.length;
  await sync(accountId, 502);
  expect(await stored(accountId)).toBe(250);
  expect(await contactLinks(accountId)).toBe(250);
  expect(await stillPending(accountId)).toBe(0);
  // The second run resumed after the stored pages: it read only the rest (and the page in flight at the failure).
  expect(fathom.requests.length - pageReadsBefore).toBeLessThanOrEqual((250 - storedBefore) / 10 + 1);
});
