import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { NotInstalled } from '../../../backend/src/errors.ts';
import { resolveCaller } from '../../../backend/src/users/resolveCaller.ts';
import { createMigratedDatabase, type TestDatabase } from '../../support/database.ts';
import { seedTenant, type TenantFixture } from '../../support/tenantFixture.ts';

let testDb: TestDatabase;
let a: TenantFixture;

beforeAll(async () => {
  testDb = await createMigratedDatabase();
  a = await seedTenant(testDb.db, 910);
});
afterAll(() => testDb.drop());

test('a known HubSpot user gets his account and role', async () => {
  const caller = await resolveCaller(testDb.db, {
    portalId: 910,
    hubspotUserId: 910 * 10 + 2,
    email: 'manager@910.example.com',
  });
  expect(caller).toEqual({
    accountId: a.accountId,
    hubId: 910,
    userId: a.users.manager,
    hubspotUserId: 9102,
    email: 'manager@910.example.com',
    role: 'manager',
  });
});

test('a user seen for the first time becomes a rep, once, even when his first requests race', async () => {
  const identity = { portalId: 910, hubspotUserId: 555_001, email: 'New.Person@910.example.com' };
  const callers = await Promise.all(Array.from({ length: 5 }, () => resolveCaller(testDb.db, identity)));
  expect(new Set(callers.map((c) => c.userId)).size).toBe(1);
  expect(callers[0]).toMatchObject({ role: 'rep', email: 'new.person@910.example.com' });
});

test('a user known only by email (a Fathom recorder) is adopted, not duplicated', async () => {
  const existing = await withSystem(testDb.db, async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO users (account_id, email) VALUES ($1, 'recorder@910.example.com') RETURNING id`,
      [a.accountId],
    );
    return rows[0]!.id;
  });
  const caller = await resolveCaller(testDb.db, {
    portalId: 910,
    hubspotUserId: 555_002,
    email: 'recorder@910.example.com',
  });
  expect(caller.userId).toBe(existing);
});

test('an unknown or uninstalled portal is not installed', async () => {
  await expect(
    resolveCaller(testDb.db, { portalId: 999_999, hubspotUserId: 1, email: 'x@example.com' }),
  ).rejects.toBeInstanceOf(NotInstalled);
  await withSystem(testDb.db, (tx) =>
    tx.query(`UPDATE accounts SET status = 'uninstalled' WHERE id = $1`, [a.accountId]),
  );
  try {
    await expect(
      resolveCaller(testDb.db, { portalId: 910, hubspotUserId: 9101, email: 'admin@910.example.com' }),
    ).rejects.toBeInstanceOf(NotInstalled);
  } finally {
    await withSystem(testDb.db, (tx) => tx.query(`UPDATE accounts SET status = 'active' WHERE id = $1`, [a.accountId]));
  }
});
