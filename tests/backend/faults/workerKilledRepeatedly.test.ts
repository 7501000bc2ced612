import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { requestSync, SYNC_QUEUES } from '../../../backend/src/sync/syncJobs.ts';
import { engine } from '../../support/database.ts';
import {
  FAST_RECOVERY,
  inFlightAt,
  jobStates,
  pageReads,
  storedCursor,
  storedMeetings,
  waitFor,
} from '../../support/faultFixture.ts';
import { startFathomStandIn, type FathomStandIn } from '../../support/fathomStandIn.ts';
import { hubspotEnv, startHubSpotStandIn, type HubSpotStandIn } from '../../support/hubspotStandIn.ts';
import { installThroughStandIn } from '../../support/install.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';
import { startWorkerProcess, workerEnv, type WorkerProcess } from '../../support/workerProcess.ts';

// Worker processes need a database server both they and the test reach.
const onServer = engine === 'postgres';
const maybe = onServer ? test : test.skip;
const SKIPPED = onServer ? '' : ' [skipped on PGlite: a second process needs PostgreSQL; set TEST_DATABASE_URL]';

const HUB = 6111;
const KILLS = 20;
const PAGE = 10;
const MEETINGS = 600;

// The safety-net schedule stays out of the way (a tick at a quarter hour would queue its own sync).
const NO_TICK = '0 0 1 1 *';
let hubspot: HubSpotStandIn;
let fathom: FathomStandIn;
let backend: TestBackend;
let accountId: string;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  if (!onServer) return;
  hubspot = await startHubSpotStandIn({ hubId: HUB });
  fathom = await startFathomStandIn({ count: MEETINGS, pageSize: PAGE, segmentsPerMeeting: 4 });
  backend = await startTestBackend(
    { ...hubspotEnv(hubspot), FATHOM_API_BASE: fathom.baseUrl, SYNC_SCHEDULE: NO_TICK },
    { workers: false, tuning: FAST_RECOVERY },
  );
  await installThroughStandIn(backend.url);
  accountId = (
    await withSystem(backend.testDb.db, (tx) =>
      tx.query<{ id: string }>('SELECT id FROM accounts WHERE hub_id = $1', [HUB]),
    )
  ).rows[0]!.id;
});
afterAll(async () => {
  if (!onServer) return;
  for (const worker of workers) await worker.stop('SIGKILL');
  await backend.close();
  await fathom.close();
  await hubspot.close();
});

maybe(
  `a backfill whose worker is killed with SIGKILL ${KILLS} times in a row loses nothing, doubles nothing and reads no stored page again${SKIPPED}`,
  async () => {
    const db = backend.testDb.db;
    const boss = backend.jobs.boss;
    // Slow pages, so most kills land while a page is being read.
    fathom.failNext(100_000, { kind: 'slow', delayMs: 150 }, 'GET /meetings');
    const connect = await signedFetch(backend.url, '/api/settings/fathom', {
      clientSecret: hubspot.clientSecret,
      identity: {
        portalId: HUB,
        userId: hubspot.installingUser.id,
        userEmail: hubspot.installingUser.email.toLowerCase(),
      },
      method: 'PUT',
      body: { apiKey: fathom.apiKey },
    });
    expect(connect.status).toBe(200);

    // The cursor each kill left committed: the resumed run may read that page again (it was in
    // flight), and no page before it.
    const cursorsAtKills: string[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const before = (await storedMeetings(db, accountId)).conversations;
      const worker = await startWorkerProcess(workerEnv(backend, FAST_RECOVERY));
      workers.push(worker);
      await waitFor(
        async () => (await storedMeetings(db, accountId)).conversations > before,
        `a page stored before kill ${kill + 1}`,
        {
          timeoutMs: 30_000,
          describe: worker.output,
        },
      );
      // Somewhere in the next page: its read, its transaction, or its commit.
      await new Promise((resolve) => setTimeout(resolve, (kill * 37) % 200));
      await worker.stop('SIGKILL');
      cursorsAtKills.push(await storedCursor(db, accountId));
      // The dead worker's job would be handed out again when its heartbeat runs out (the test in
      // workerKilledMidSync.test.ts waits for that); here it is cancelled and the sync requested
      // again, as the schedule would, so twenty kills take minutes, not a quarter of an hour.
      for (const job of await jobStates(db, SYNC_QUEUES.account)) {
        if (job.state === 'active' || job.state === 'created' || job.state === 'retry')
          await boss.cancel(SYNC_QUEUES.account, job.id);
      }
      await requestSync(boss, accountId);
    }
    expect((await storedMeetings(db, accountId)).conversations).toBeLessThan(MEETINGS);

    fathom.clearFaults();
    const last = await startWorkerProcess(workerEnv(backend, FAST_RECOVERY));
    workers.push(last);
    // A fresh worker may read 30 pages a minute (Fathom's heavy-call budget, kept by its limiter).
    await waitFor(
      async () => (await storedMeetings(db, accountId)).conversations === MEETINGS,
      'the backfill to finish',
      {
        timeoutMs: 150_000,
        describe: async () =>
          `${JSON.stringify(await storedMeetings(db, accountId))} ${JSON.stringify(await jobStates(db, SYNC_QUEUES.account))}\n${last.output()}`,
      },
    );
    await waitFor(
      async () => (await jobStates(db, SYNC_QUEUES.account)).some((job) => job.state === 'completed'),
      'the last job to complete',
    );

    // Nothing lost, nothing doubled.
    expect(await storedMeetings(db, accountId)).toEqual({
      conversations: MEETINGS,
      recordings: MEETINGS,
      analysed: MEETINGS,
    });
    const logs = await withSystem(
      db,
      async (tx) =>
        (
          await tx.query<{ status: string; meetings_new: number; meetings_unchanged: number }>(
            'SELECT status, meetings_new, meetings_unchanged FROM sync_logs WHERE account_id = $1 ORDER BY started_at',
            [accountId],
          )
        ).rows,
    );
    expect(logs.filter((log) => log.status === 'succeeded')).toHaveLength(1);
    expect(logs.reduce((sum, log) => sum + log.meetings_new, 0)).toBe(MEETINGS);
    expect(logs.reduce((sum, log) => sum + log.meetings_unchanged, 0)).toBe(0);

    // No page read twice, but for those in flight at each kill (the one being stored, the next).
    const reads = pageReads(fathom);
    expect(reads.size).toBe(MEETINGS / PAGE);
    const allowed = new Map<string, number>();
    for (const cursor of cursorsAtKills)
      for (const page of inFlightAt(fathom, cursor)) allowed.set(page, (allowed.get(page) ?? 0) + 1);
    const extra = [...reads].filter(([cursor, count]) => count > 1 + (allowed.get(cursor) ?? 0));
    expect(extra).toEqual([]);
    expect([...reads.values()].reduce((sum, count) => sum + count, 0)).toBeLessThanOrEqual(MEETINGS / PAGE + 2 * KILLS);
    await last.stop('SIGTERM');
  },
  600_000,
);
