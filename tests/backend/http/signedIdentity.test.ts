// The caller of a signed request is the portalId, userId and userEmail HubSpot appended to the
// query string. HubSpot's v3 signature covers the whole URL, so the parser must see the whole query:
// node:querystring (Express's default) keeps only the first 1,000 `&`-pieces, and a card URL that
// carries a victim's identity followed by 1,000 `&` pushed HubSpot's own parameters out of sight.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { seedTenant, type TenantFixture } from '../../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

const clientSecret = randomBytes(24).toString('base64url');
let backend: TestBackend;
let attacker: TenantFixture;
let victim: TenantFixture;

beforeAll(async () => {
  backend = await startTestBackend({ HUBSPOT_CLIENT_ID: 'identity', HUBSPOT_CLIENT_SECRET: clientSecret });
  attacker = await seedTenant(backend.testDb.db, 950);
  victim = await seedTenant(backend.testDb.db, 960);
});
afterAll(() => backend.close());

// What the card asks for (anything its code puts in the URL), then what HubSpot appends: the
// signed-in rep of portal 950.
const victimAdmin = 'portalId=960&userId=9601&userEmail=admin%40960.example.com';
const hubspotAppends = 'portalId=950&userId=9503&userEmail=rep1%40950.example.com';
const signed = (path: string, init: { method?: string; body?: unknown } = {}) =>
  signedFetch(backend.url, path, { clientSecret, ...init });

async function attackerRoles(): Promise<string[]> {
  return withSystem(backend.testDb.db, async (tx) =>
    (
      await tx.query<{ role: string }>(
        `SELECT r.role FROM users u JOIN user_roles r ON r.user_id = u.id
            WHERE u.account_id = $1 AND u.hubspot_user_id = 9503`,
        [victim.accountId],
      )
    ).rows.map((row) => row.role),
  );
}

test("a query padded past 1,000 pieces does not pass another portal's admin off as the caller", async () => {
  const padding = '&'.repeat(1000);
  const read = await signed(`/api/settings/roles?${victimAdmin}${padding}&${hubspotAppends}`);
  expect(read.status).toBe(400);
  const text = await read.text();
  expect(text).not.toContain('admin@960.example.com');
  expect(JSON.parse(text)).toEqual({ error: 'invalid_input', message: expect.stringMatching(/portalId/) });

  const write = await signed(`/api/settings/roles?${victimAdmin}${padding}&${hubspotAppends}`, {
    method: 'PUT',
    body: { hubspotUserId: 9503, role: 'admin' },
  });
  expect(write.status).toBe(400);
  expect(await attackerRoles()).toEqual([]);
});

test('a route parameter after 1,000 pieces is seen too', async () => {
  // The route's own parameters come from the same full parse as the identity.
  const padding = '&'.repeat(1000);
  const answer = await signed(`/api/cards/conversations?objectType=contacts${padding}&objectId=1000&${hubspotAppends}`);
  expect(answer.status).toBe(200);
});

test.each([
  ['portalId', `${hubspotAppends}&portalId=960`],
  ['userId', `${hubspotAppends}&userId=9601`],
  ['userEmail', `${hubspotAppends}&userEmail=admin%40960.example.com`],
  ['appId', `appId=1&${hubspotAppends}&appId=2`],
  ['portalId', `portalId=960&${hubspotAppends}`],
  ['portalId', `${hubspotAppends.replace('portalId=950', 'portalId=950&portalId=950')}`],
])('an identity parameter given twice (%s) is refused', async (name, query) => {
  const answer = await signed(`/api/settings/roles?${query}`);
  expect(answer.status).toBe(400);
  expect(await answer.json()).toEqual({ error: 'invalid_input', message: expect.stringContaining(name) });
});

test.each(['portalId', 'userId', 'userEmail'])('a signed request without %s is refused', async (name) => {
  const query = hubspotAppends
    .split('&')
    .filter((pair) => !pair.startsWith(`${name}=`))
    .join('&');
  const answer = await signed(`/api/cards/coaching?objectType=contacts&objectId=1000&${query}`);
  expect(answer.status).toBe(400);
  expect(await answer.json()).toEqual({ error: 'invalid_input', message: expect.stringContaining(name) });
});

test('the caller HubSpot appended, once each, is served', async () => {
  const answer = await signed(`/api/cards/coaching?objectType=contacts&objectId=1000&${hubspotAppends}&appId=77`);
  expect(answer.status).toBe(200);
  expect(((await answer.json()) as { viewer: { email: string } }).viewer.email).toBe('rep1@950.example.com');
  expect(attacker.hubId).toBe(950);
});
