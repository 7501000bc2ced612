import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startJobs, type Jobs } from '../../../backend/src/jobs/boss.ts';
import { QUEUES } from '../../../backend/src/jobs/queues.ts';
import { createMigratedDatabase, type TestDatabase } from '../../support/database.ts';
import { memoryLogger } from '../../support/logger.ts';
import { seedTenant } from '../../support/tenantFixture.ts';

let testDb: TestDatabase;
let jobs: Jobs;
const log = memoryLogger();

beforeAll(async () => {
  testDb = await createMigratedDatabase();
  await seedTenant(testDb.db, 515);
  jobs = await startJobs({ db: testDb.db, logger: log.logger, syncSchedule: '*/5 * * * *', work: true });
});
afterAll(async () => {
  await jobs.stop();
  await testDb.drop();
});

test('the safety-net sync is scheduled with SYNC_SCHEDULE', async () => {
  const schedules = await jobs.boss.getSchedules();
  expect(schedules.map((s) => ({ name: s.name, cron: s.cron }))).toEqual([{ name: QUEUES.syncTick, cron: '*/5 * * * *' }]);
});

test('a sync tick is picked up by a worker on the same database and completes', async () => {
  const jobId = await jobs.boss.send(QUEUES.syncTick, {});
  expect(jobId).toEqual(expect.any(String));
  let state: string | undefined;
  for (let i = 0; i < 100 && state !== 'completed'; i++) {
    state = (await jobs.boss.getJobById(QUEUES.syncTick, jobId!))?.state;
    if (state !== 'completed') await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(state).toBe('completed');
  // The fixture account has an active Fathom connection; the tick saw it through the system role.
  expect(log.lines().find((line) => line.msg === 'sync tick')).toMatchObject({ connectedAccounts: 1 });
});
