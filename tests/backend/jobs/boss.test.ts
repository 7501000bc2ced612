import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { QUEUES } from '../../../backend/src/jobs/queues.ts';
import { SYNC_QUEUES } from '../../../backend/src/sync/syncJobs.ts';
import { seedTenant, type TenantFixture } from '../../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

let backend: TestBackend;
let tenant: TenantFixture;

beforeAll(async () => {
  backend = await startTestBackend({ SYNC_SCHEDULE: '*/5 * * * *' }, { workers: false });
  tenant = await seedTenant(backend.testDb.db, 515);
});
afterAll(() => backend.close());

test('the safety-net sync is scheduled with SYNC_SCHEDULE', async () => {
  const schedules = await backend.jobs.boss.getSchedules();
  expect(schedules.map((s) => ({ name: s.name, cron: s.cron }))).toEqual([
    { name: QUEUES.syncTick, cron: '*/5 * * * *' },
  ]);
});

test('a schedule tick queues one sync per connected account, once however often it fires', async () => {
  const { requestSyncOfAllAccounts } = await import('../../../backend/src/sync/syncJobs.ts');
  expect(await requestSyncOfAllAccounts(backend.jobs.boss, backend.testDb.db)).toBe(1);
  // The account's sync is still queued: a second tick adds nothing.
  expect(await requestSyncOfAllAccounts(backend.jobs.boss, backend.testDb.db)).toBe(0);
  const queued = await backend.jobs.boss.findJobs<{ accountId: string }>(SYNC_QUEUES.account, { queued: true });
  expect(queued.map((job) => job.data.accountId)).toEqual([tenant.accountId]);
});
