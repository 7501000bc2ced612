import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { createMigratedDatabase, type TestDatabase } from '../../support/database.ts';
import { countsFor, leavePendingLinks, seedTenant, type TenantFixture } from '../../support/tenantFixture.ts';

let testDb: TestDatabase;
let a: TenantFixture;
let b: TenantFixture;

beforeAll(async () => {
  testDb = await createMigratedDatabase();
  a = await seedTenant(testDb.db, 303);
  b = await seedTenant(testDb.db, 404);
  await leavePendingLinks(testDb.db, a);
  await leavePendingLinks(testDb.db, b);
});
afterAll(() => testDb.drop());

test('deleting an account removes every row of it in every table, and nothing of another account', async () => {
  const bBefore = await countsFor(testDb.db, b.accountId);
  const aBefore = await countsFor(testDb.db, a.accountId);
  expect(Object.values(aBefore).every((n) => n > 0)).toBe(true);
  await withSystem(testDb.db, async (tx) => {
    // An install that has not finished yet belongs to no account and must survive.
    await tx.query(
      `INSERT INTO oauth_states (provider, state_hash, expires_at) VALUES ('hubspot', 'pending', now() + interval '1 minute')`,
    );
    const { rowCount } = await tx.query('DELETE FROM accounts WHERE id = $1', [a.accountId]);
    expect(rowCount).toBe(1);
  });
  const aAfter = await countsFor(testDb.db, a.accountId);
  expect(Object.values(aAfter).every((n) => n === 0)).toBe(true);
  expect(Object.keys(aAfter)).toEqual(Object.keys(aBefore));
  expect(await countsFor(testDb.db, b.accountId)).toEqual(bBefore);
  const remaining = await withSystem(testDb.db, async (tx) => ({
    accounts: (await tx.query<{ hub_id: number }>('SELECT hub_id FROM accounts')).rows,
    pending: (await tx.query(`SELECT 1 FROM oauth_states WHERE state_hash = 'pending'`)).rowCount,
  }));
  expect(remaining).toEqual({ accounts: [{ hub_id: 404 }], pending: 1 });
});
