// A new HubSpot user id signs with an email this app knows for another HubSpot user of the portal.
// HubSpot's users list settles it when it can; otherwise the answer is a 409 that tells an admin
// what to do. Never a 5xx.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { hubspotEnv, startHubSpotStandIn, type HubSpotStandIn } from '../../support/hubspotStandIn.ts';
import { installThroughStandIn } from '../../support/install.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { seedTenant, type TenantFixture } from '../../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

type UserRow = { id: string; hubspot_user_id: number | null; email: string; role: string | null };
const usersOf = (backend: TestBackend, hubId: number) =>
  withSystem(
    backend.testDb.db,
    async (tx) =>
      (
        await tx.query<UserRow>(
          `SELECT u.id, u.hubspot_user_id, u.email, r.role FROM users u JOIN accounts a ON a.id = u.account_id
         LEFT JOIN user_roles r ON r.account_id = u.account_id AND r.user_id = u.id
        WHERE a.hub_id = $1 ORDER BY u.email`,
          [hubId],
        )
      ).rows,
  );

const CARD_AND_SETTINGS_READS = [
  '/api/cards/conversations?objectType=contacts&objectId=1000',
  '/api/cards/coaching?objectType=contacts&objectId=1000',
  '/api/cards/coaching/trend',
  '/api/settings/roles',
  '/api/settings/fathom',
];

describe('when HubSpot cannot settle it', () => {
  const clientSecret = randomBytes(24).toString('base64url');
  let backend: TestBackend;
  let a: TenantFixture;
  beforeAll(async () => {
    backend = await startTestBackend({ HUBSPOT_CLIENT_ID: 'conflict', HUBSPOT_CLIENT_SECRET: clientSecret });
    a = await seedTenant(backend.testDb.db, 950);
  });
  afterAll(() => backend.close());

  test("a new HubSpot user id with another user's email answers 409 saying what an admin should do, and writes nothing", async () => {
    const before = await usersOf(backend, 950);
    // rep1@950 is HubSpot user 9503 here; HubSpot now signs a new user 950777 with that email.
    const identity = { portalId: 950, userId: 950_777, userEmail: 'Rep1@950.example.com' };
    for (const path of CARD_AND_SETTINGS_READS) {
      const response = await signedFetch(backend.url, path, { clientSecret, identity });
      expect({ path, status: response.status }).toEqual({ path, status: 409 });
      const body = (await response.json()) as { error: string; message: string };
      expect(body).toEqual({ error: 'conflict', message: expect.stringContaining('An admin can fix it') });
      expect(body.message).toContain('rep1@950.example.com');
      // The other user's HubSpot id is for the log, not for whoever asked.
      expect(body.message).not.toContain('9503');
    }
    expect(backend.log.text()).toMatch(/"otherHubspotUserId":9503/);
    const write = await signedFetch(backend.url, '/api/cards/coaching', {
      clientSecret,
      identity,
      method: 'POST',
      body: { conversationId: a.conversationIds[0], category: 'discovery', body: 'Ask more.' },
    });
    expect(write.status).toBe(409);
    expect(await usersOf(backend, 950)).toEqual(before);
  });

  test('the user who owns the email keeps working', async () => {
    const response = await signedFetch(backend.url, CARD_AND_SETTINGS_READS[0]!, {
      clientSecret,
      identity: { portalId: 950, userId: 9503, userEmail: 'rep1@950.example.com' },
    });
    expect(response.status).toBe(200);
  });
});

describe("when HubSpot's users list settles it", () => {
  let hubspot: HubSpotStandIn;
  let backend: TestBackend;
  const HUB = 4343;
  beforeAll(async () => {
    hubspot = await startHubSpotStandIn({
      hubId: HUB,
      users: [
        { id: 777, email: 'admin@customer.example.com' },
        // 555 (gone@) was removed from the portal and the person re-created as 888.
        { id: 888, email: 'gone@customer.example.com' },
        // 556 changed his email to moved.new@; a new colleague 889 now has moved@.
        { id: 556, email: 'moved.new@customer.example.com' },
        { id: 889, email: 'moved@customer.example.com' },
        // Both listed with one email: nothing to settle.
        { id: 557, email: 'twice@customer.example.com' },
        { id: 890, email: 'twice@customer.example.com' },
      ],
    });
    hubspot.installingUser = { id: 777, email: 'admin@customer.example.com' };
    backend = await startTestBackend(hubspotEnv(hubspot));
    await installThroughStandIn(backend.url);
    await withSystem(backend.testDb.db, async (tx) => {
      const account = (await tx.query<{ id: string }>('SELECT id FROM accounts WHERE hub_id = $1', [HUB])).rows[0]!.id;
      for (const [hubspotUserId, email, role] of [
        [555, 'gone@customer.example.com', 'admin'],
        [556, 'moved@customer.example.com', 'manager'],
        [557, 'twice@customer.example.com', 'rep'],
      ] as const) {
        const user = (
          await tx.query<{ id: string }>(
            'INSERT INTO users (account_id, hubspot_user_id, email) VALUES ($1, $2, $3) RETURNING id',
            [account, hubspotUserId, email],
          )
        ).rows[0]!.id;
        await tx.query('INSERT INTO user_roles (account_id, user_id, role) VALUES ($1, $2, $3)', [account, user, role]);
      }
    });
  });
  afterAll(async () => {
    await backend.close();
    await hubspot.close();
  });

  const cardAs = (userId: number, userEmail: string) =>
    signedFetch(backend.url, CARD_AND_SETTINGS_READS[0]!, {
      clientSecret: hubspot.clientSecret,
      identity: { portalId: HUB, userId, userEmail },
    });

  test('the old user is gone from the portal: the new id takes over his row, as a rep', async () => {
    const before = (await usersOf(backend, HUB)).find((u) => u.email === 'gone@customer.example.com')!;
    const response = await cardAs(888, 'gone@customer.example.com');
    expect(response.status).toBe(200);
    expect(((await response.json()) as { viewer: { userId: string; role: string } }).viewer).toMatchObject({
      userId: before.id,
      role: 'rep',
    });
    expect((await usersOf(backend, HUB)).find((u) => u.email === 'gone@customer.example.com')).toEqual({
      id: before.id,
      hubspot_user_id: 888,
      email: 'gone@customer.example.com',
      role: 'rep',
    });
  });

  test('the old user changed his email: he gets it, and the newcomer is a new rep', async () => {
    expect((await cardAs(889, 'moved@customer.example.com')).status).toBe(200);
    const users = await usersOf(backend, HUB);
    expect(users.find((u) => u.hubspot_user_id === 556)).toMatchObject({
      email: 'moved.new@customer.example.com',
      role: 'manager',
    });
    expect(users.find((u) => u.hubspot_user_id === 889)).toMatchObject({
      email: 'moved@customer.example.com',
      role: 'rep',
    });
  });

  test('HubSpot lists both with the email: 409, nothing changed', async () => {
    const before = await usersOf(backend, HUB);
    const response = await cardAs(890, 'twice@customer.example.com');
    expect(response.status).toBe(409);
    expect(await usersOf(backend, HUB)).toEqual(before);
  });
});
