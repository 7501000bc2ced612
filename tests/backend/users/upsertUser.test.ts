// Every path that meets a person (a signed request, the import, the recorder an admin coaches, the
// install) creates and merges users through app_upsert_user, by one rule.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Queryable } from '../../../backend/src/db/database.ts';
import { withSystem, withTenant } from '../../../backend/src/db/tenancy.ts';
import { addUsers } from '../../../backend/src/users/importHubSpotUsers.ts';
import { upsertUser } from '../../../backend/src/users/upsertUser.ts';
import { createMigratedDatabase, type TestDatabase } from '../../support/database.ts';
import { seedTenant, type TenantFixture } from '../../support/tenantFixture.ts';

let testDb: TestDatabase;
let a: TenantFixture;
beforeAll(async () => {
  testDb = await createMigratedDatabase();
  a = await seedTenant(testDb.db, 960);
});
afterAll(() => testDb.drop());

type UserRow = { id: string; hubspot_user_id: number | null; email: string; role: string | null };
const users = () =>
  withSystem(
    testDb.db,
    async (tx) =>
      (
        await tx.query<UserRow>(
          `SELECT u.id, u.hubspot_user_id, u.email, r.role FROM users u
             LEFT JOIN user_roles r ON r.account_id = u.account_id AND r.user_id = u.id
            WHERE u.account_id = $1 ORDER BY u.email`,
          [a.accountId],
        )
      ).rows,
  );
const asSystem = <T>(fn: (tx: Queryable) => Promise<T>) => withSystem(testDb.db, fn);
const asAdmin = <T>(fn: (tx: Queryable) => Promise<T>) =>
  withTenant(testDb.db, { accountId: a.accountId, userId: a.users.admin }, fn);

test("a known HubSpot id is that user, and gets HubSpot's current email", async () => {
  const known = await asSystem((tx) =>
    upsertUser(tx, { accountId: a.accountId, hubspotUserId: 9603, email: 'Rep1.New@960.example.com' }),
  );
  expect(known).toEqual({ outcome: 'known', userId: a.users.rep1, role: 'rep' });
  expect((await users()).find((u) => u.id === a.users.rep1)?.email).toBe('rep1.new@960.example.com');
});

test('a row with the email and no HubSpot id (a recorder) is adopted; an unknown person is created as a rep', async () => {
  const recorder = await asAdmin((tx) =>
    upsertUser(tx, { hubspotUserId: null, email: 'recorder@960.example.com', displayName: 'Rec' }),
  );
  expect(recorder).toMatchObject({ outcome: 'created', role: 'rep' });
  // Without a HubSpot id, the row with the email is him.
  expect(await asAdmin((tx) => upsertUser(tx, { hubspotUserId: null, email: 'recorder@960.example.com' }))).toEqual({
    ...recorder,
    outcome: 'known',
  });
  const adopted = await asSystem((tx) =>
    upsertUser(tx, { accountId: a.accountId, hubspotUserId: 960_100, email: 'recorder@960.example.com' }),
  );
  expect(adopted).toEqual({ outcome: 'adopted', userId: (recorder as { userId: string }).userId, role: 'rep' });
  expect((await users()).filter((u) => u.email === 'recorder@960.example.com')).toEqual([
    {
      id: adopted.outcome === 'adopted' ? adopted.userId : '',
      hubspot_user_id: 960_100,
      email: 'recorder@960.example.com',
      role: 'rep',
    },
  ]);
});

test('a new HubSpot id with an email another HubSpot user has is a conflict, and writes nothing', async () => {
  const before = await users();
  const conflict = await asSystem((tx) =>
    upsertUser(tx, { accountId: a.accountId, hubspotUserId: 960_200, email: 'rep2@960.example.com' }),
  );
  expect(conflict).toEqual({ outcome: 'conflict', otherHubspotUserId: 9604 });
  expect(await users()).toEqual(before);
});

test('a forced role (the installer) applies to a known user and clears his manager', async () => {
  const installer = await asSystem((tx) =>
    upsertUser(
      tx,
      { accountId: a.accountId, hubspotUserId: 9603, email: 'rep1.new@960.example.com' },
      { role: 'admin', forceRole: true },
    ),
  );
  expect(installer).toEqual({ outcome: 'known', userId: a.users.rep1, role: 'admin' });
  const role = await asSystem(
    async (tx) =>
      (
        await tx.query<{ role: string; manager_user_id: string | null }>(
          'SELECT role, manager_user_id FROM user_roles WHERE account_id = $1 AND user_id = $2',
          [a.accountId, a.users.rep1],
        )
      ).rows[0],
  );
  expect(role).toEqual({ role: 'admin', manager_user_id: null });
});

test("the import settles a conflict by the same rule, with HubSpot's list in hand", async () => {
  // The manager (9602) is gone from HubSpot and re-created as 960301 with his email; rep 2 (9604)
  // moved to a new email and a newcomer 960302 now has his old one.
  const list = [
    { hubspotUserId: 960_301, email: 'manager@960.example.com' },
    { hubspotUserId: 9604, email: 'rep2.moved@960.example.com' },
    { hubspotUserId: 960_302, email: 'rep2@960.example.com' },
  ];
  const added = await asAdmin((tx) => addUsers(tx, a.accountId, list));
  expect(added).toBe(1);
  const after = await users();
  expect(after.find((u) => u.id === a.users.manager)).toEqual({
    id: a.users.manager,
    hubspot_user_id: 960_301,
    email: 'manager@960.example.com',
    role: 'rep',
  });
  expect(after.find((u) => u.id === a.users.rep2)).toMatchObject({
    hubspot_user_id: 9604,
    email: 'rep2.moved@960.example.com',
  });
  expect(after.find((u) => u.hubspot_user_id === 960_302)).toMatchObject({
    email: 'rep2@960.example.com',
    role: 'rep',
  });
  expect(await asAdmin((tx) => addUsers(tx, a.accountId, list))).toBe(0);
});
