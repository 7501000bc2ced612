import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Client } from '@hubspot/api-client';
import { hubspotRecordLinker } from '../../../backend/src/hubspot/recordLinker.ts';
import { listen, type Listening } from '../../support/http.ts';
import { hubspotCrm } from '../../support/hubspotCrm.ts';

// 150 known contacts among 250 emails; every third contact has an open and a closed deal; every
// contact works at one of four companies. The open deals of every sixth contact belong to the
// contact's own company, the other open deals to a company of their own.
const contacts = Array.from({ length: 150 }, (_, i) => ({
  id: String(1000 + i),
  email: `buyer${i}@customer.example.com`,
  dealIds: i % 3 === 0 ? [String(5000 + i), String(9000 + i)] : [],
  companyIds: [String(7000 + (i % 4))],
}));
const deals = contacts.flatMap((c, i) =>
  i % 3 === 0
    ? [
        { id: String(5000 + i), closed: false, companyIds: [String(i % 6 === 0 ? 7000 + (i % 4) : 8000 + i)] },
        { id: String(9000 + i), closed: true },
      ]
    : [],
);
const crm = hubspotCrm({ contacts, deals, accessToken: () => 'access-for-test' });
// The same portal without the optional companies scope.
const noCompanies = hubspotCrm({ contacts, deals, accessToken: () => 'access-for-test', companiesScope: false });
let server: Listening;
let noCompaniesServer: Listening;

const serve = (crmStandIn: ReturnType<typeof hubspotCrm>) =>
  listen((req, res) => {
    void crmStandIn.handle(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
beforeAll(async () => {
  server = await serve(crm);
  noCompaniesServer = await serve(noCompanies);
});
afterAll(async () => {
  await server.close();
  await noCompaniesServer.close();
});

const open = { createdAt: expect.any(Number), closedAt: null };
const closed = { createdAt: expect.any(Number), closedAt: expect.any(Number) };

test("links emails to contacts, their deals (with when each was open), their companies and their deals' companies with five batch calls per 100 emails, on the dated paths", async () => {
  const client = new Client({ accessToken: 'access-for-test', basePath: server.url, numberOfApiCallRetries: 0 });
  let calls = 0;
  const linker = hubspotRecordLinker(client, { onCall: () => (calls += 1) });
  const emails = Array.from({ length: 250 }, (_, i) => `Buyer${i}@customer.example.com`);
  const links = await linker.linksForEmails(emails);

  expect(links.size).toBe(150);
  // Which deals a call gets depends on its time (sync/dealWindow.ts): every deal comes with its facts.
  expect(links.get('buyer0@customer.example.com')).toEqual([
    { objectType: 'contacts', objectId: 1000, source: 'email' },
    { objectType: 'deals', objectId: 5000, source: 'association', deal: open },
    { objectType: 'deals', objectId: 9000, source: 'association', deal: closed },
    { objectType: 'companies', objectId: 7000, source: 'association' },
    { objectType: 'companies', objectId: 7000, source: 'association', deal: open },
  ]);
  // A deal of another company than the contact's: the call shows on both companies.
  expect(links.get('buyer3@customer.example.com')).toEqual([
    { objectType: 'contacts', objectId: 1003, source: 'email' },
    { objectType: 'deals', objectId: 5003, source: 'association', deal: open },
    { objectType: 'deals', objectId: 9003, source: 'association', deal: closed },
    { objectType: 'companies', objectId: 7003, source: 'association' },
    { objectType: 'companies', objectId: 8003, source: 'association', deal: open },
  ]);
  expect(links.get('buyer1@customer.example.com')).toEqual([
    { objectType: 'contacts', objectId: 1001, source: 'email' },
    { objectType: 'companies', objectId: 7001, source: 'association' },
  ]);
  expect(links.has('buyer200@customer.example.com')).toBe(false);
  // 250 emails = 3 contact batches; the third holds no known contact, so 2 of each association and 2 deal batches.
  expect(crm.calls).toEqual({
    '/crm/objects/2026-03/contacts/batch/read': 3,
    '/crm/associations/2026-03/contacts/deals/batch/read': 2,
    '/crm/associations/2026-03/contacts/companies/batch/read': 2,
    '/crm/objects/2026-03/deals/batch/read': 2,
    '/crm/associations/2026-03/deals/companies/batch/read': 2,
  });
  expect(calls).toBe(11);
});

test('a portal without the companies scope gets contacts and deals, and is asked about companies once', async () => {
  const client = new Client({
    accessToken: 'access-for-test',
    basePath: noCompaniesServer.url,
    numberOfApiCallRetries: 0,
  });
  const linker = hubspotRecordLinker(client);
  const links = await linker.linksForEmails(Array.from({ length: 250 }, (_, i) => `buyer${i}@customer.example.com`));
  expect(links.get('buyer0@customer.example.com')).toEqual([
    { objectType: 'contacts', objectId: 1000, source: 'email' },
    { objectType: 'deals', objectId: 5000, source: 'association', deal: open },
    { objectType: 'deals', objectId: 9000, source: 'association', deal: closed },
  ]);
  expect(noCompanies.calls['/crm/associations/2026-03/contacts/companies/batch/read']).toBe(1);
  expect(noCompanies.calls['/crm/associations/2026-03/deals/companies/batch/read']).toBeUndefined();
});
