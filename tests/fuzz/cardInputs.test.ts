import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { signedFetch } from '../support/signedFetch.ts';
import { seedTenant, type TenantFixture } from '../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../support/testBackend.ts';

const clientSecret = randomBytes(24).toString('base64url');
let backend: TestBackend;
let other: TenantFixture;

beforeAll(async () => {
  backend = await startTestBackend({ HUBSPOT_CLIENT_ID: 'fuzz', HUBSPOT_CLIENT_SECRET: clientSecret });
  await seedTenant(backend.testDb.db, 910);
  other = await seedTenant(backend.testDb.db, 920);
});
afterAll(() => backend.close());

// Whatever a signed caller sends, the answer is a 2xx or a 4xx with the error shape, and nothing
// of the other portal ever comes back.
async function check(response: Response) {
  const text = await response.text();
  expect({ status: response.status, ok: response.status < 500 }).toEqual({ status: response.status, ok: true });
  if (response.status >= 400) expect(JSON.parse(text)).toEqual({ error: expect.any(String), message: expect.any(String) });
  for (const id of [...other.conversationIds, ...Object.values(other.messages)]) expect(text).not.toContain(id);
}

const who = fc.constantFrom('admin', 'manager', 'rep1', 'rep2');
const junk = fc.oneof(fc.string(), fc.integer().map(String), fc.constantFrom('', '-1', '1e309', 'NaN', '0x10', '%00', '../', 'null'), fc.uuid());
const asCaller = (role: string, path: string, init: { method?: string; body?: unknown } = {}) =>
  signedFetch(backend.url, path, {
    clientSecret,
    identity: { portalId: 910, userId: 9100 + ['admin', 'manager', 'rep1', 'rep2'].indexOf(role) + 1, userEmail: `${role}@910.example.com` },
    ...init,
  });

test('generated list queries never cause a 5xx nor leak another tenant', async () => {
  await fc.assert(
    fc.asyncProperty(who, fc.record({ objectType: junk, objectId: junk, limit: junk, cursor: junk }, { requiredKeys: [] }), async (role, query) => {
      const search = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
      await check(await asCaller(role, `/api/cards/conversations?${search}`));
      await check(await asCaller(role, `/api/cards/coaching?${search}`));
    }),
    { numRuns: 300 },
  );
});

test('generated ids and actions never cause a 5xx nor leak another tenant', async () => {
  const ids = fc.oneof(junk, fc.constantFrom(...other.conversationIds, ...Object.values(other.messages)));
  const action = fc.constantFrom('send', 'acknowledge', 'dismiss', 'retract', 'outcome', 'nope');
  await fc.assert(
    fc.asyncProperty(who, ids, action, async (role, id, verb) => {
      await check(await asCaller(role, `/api/cards/conversations/${encodeURIComponent(id)}`));
      await check(await asCaller(role, `/api/cards/coaching/${encodeURIComponent(id)}/${verb}`, { method: 'POST', body: { result: 'applied' } }));
    }),
    { numRuns: 300 },
  );
});

test('generated coaching bodies never cause a 5xx', async () => {
  const body = fc.oneof(
    fc.anything(),
    fc.record({ conversationId: fc.oneof(fc.uuid(), junk), category: fc.oneof(fc.constantFrom('discovery', 'next_steps'), junk), body: fc.string({ maxLength: 6000 }), momentSeconds: fc.oneof(fc.integer(), fc.double()) }, { requiredKeys: [] }),
  );
  await fc.assert(
    fc.asyncProperty(who, body, async (role, payload) => {
      await check(await asCaller(role, '/api/cards/coaching', { method: 'POST', body: payload }));
      await check(await asCaller(role, '/api/settings/roles', { method: 'PUT', body: payload }));
    }),
    { numRuns: 300 },
  );
});
