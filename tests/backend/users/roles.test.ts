import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Queryable } from '../../../backend/src/db/database.ts';
import { withTenant } from '../../../backend/src/db/tenancy.ts';
import { Conflict, Forbidden, InvalidInput } from '../../../backend/src/errors.ts';
import type { Caller } from '../../../backend/src/users/caller.ts';
import { resolveCaller } from '../../../backend/src/users/resolveCaller.ts';
import { listRoles, setRole } from '../../../backend/src/users/roles.ts';
import { createMigratedDatabase, type TestDatabase } from '../../support/database.ts';
import { seedTenant } from '../../support/tenantFixture.ts';

let testDb: TestDatabase;
const HUB = 920;
const hsId = { admin: HUB * 10 + 1, manager: HUB * 10 + 2, rep1: HUB * 10 + 3, rep2: HUB * 10 + 4 };

beforeAll(async () => {
  testDb = await createMigratedDatabase();
  await seedTenant(testDb.db, HUB);
});
afterAll(() => testDb.drop());

const who = (key: keyof typeof hsId) =>
  resolveCaller(testDb.db, { portalId: HUB, hubspotUserId: hsId[key], email: `${key}@${HUB}.example.com` });
const as = async <T>(caller: Caller, fn: (tx: Queryable) => Promise<T>) =>
  withTenant(testDb.db, { accountId: caller.accountId, userId: caller.userId }, fn);

test('lists every user of the portal with role and manager', async () => {
  const roles = await as(await who('admin'), listRoles);
  expect(roles.map(({ email, role, managerHubspotUserId }) => ({ email, role, managerHubspotUserId }))).toEqual([
    { email: `admin@${HUB}.example.com`, role: 'admin', managerHubspotUserId: null },
    { email: `manager@${HUB}.example.com`, role: 'manager', managerHubspotUserId: null },
    { email: `rep1@${HUB}.example.com`, role: 'rep', managerHubspotUserId: hsId.manager },
    { email: `rep2@${HUB}.example.com`, role: 'rep', managerHubspotUserId: null },
  ]);
});

test('run for a rep, the same list holds only the users he may know: himself, his manager, who coached him', async () => {
  const roles = await as(await who('rep1'), listRoles);
  expect(roles.map((r) => r.email).sort()).toEqual([
    `admin@${HUB}.example.com`,
    `manager@${HUB}.example.com`,
    `rep1@${HUB}.example.com`,
  ]);
});

test('a rep trying to promote himself is forbidden', async () => {
  const rep = await who('rep2');
  await expect(as(rep, (tx) => setRole(tx, rep, { hubspotUserId: hsId.rep2, role: 'admin' }))).rejects.toBeInstanceOf(
    Forbidden,
  );
});

test('an admin assigns a rep to a manager, and the change applies at once', async () => {
  const admin = await who('admin');
  const entry = await as(admin, (tx) =>
    setRole(tx, admin, { hubspotUserId: hsId.rep2, role: 'rep', managerHubspotUserId: hsId.manager }),
  );
  expect(entry).toMatchObject({ role: 'rep', managerHubspotUserId: hsId.manager });
  await expect(
    as(admin, (tx) => setRole(tx, admin, { hubspotUserId: hsId.rep2, role: 'rep', managerHubspotUserId: hsId.rep1 })),
  ).rejects.toBeInstanceOf(InvalidInput);
});

test('the last admin cannot step down; with a second admin he can', async () => {
  const admin = await who('admin');
  await expect(as(admin, (tx) => setRole(tx, admin, { hubspotUserId: hsId.admin, role: 'manager' }))).rejects.toThrow(
    new Conflict('This is the last admin of the portal: make someone else an admin first.'),
  );
  await as(admin, (tx) => setRole(tx, admin, { hubspotUserId: hsId.manager, role: 'admin' }));
  const steppedDown = await as(admin, (tx) => setRole(tx, admin, { hubspotUserId: hsId.admin, role: 'manager' }));
  expect(steppedDown.role).toBe('manager');
  expect((await who('admin')).role).toBe('manager');
});
