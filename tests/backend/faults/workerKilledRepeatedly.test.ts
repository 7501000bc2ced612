import { expect } from '@jest/globals';
import { requestSync, SYNC_QUEUES } from '../../../backend/src/sync/syncJobs.ts';
import { backfillRig, inFlightAt, pageReads, waitFor, workerProcessTest } from '../../support/faultFixture.ts';

const HUB = 6111;
const KILLS = 20;
const PAGE = 10;
const MEETINGS = 600;

const rig = backfillRig({ hubId: HUB, meetings: MEETINGS, pageSize: PAGE, segmentsPerMeeting: 4 });

workerProcessTest(
  `a backfill whose worker is killed with SIGKILL ${KILLS} times in a row loses nothing, doubles nothing and reads no stored page again`,
  async () => {
    const { fathom, accountId, startWorker } = rig;
    const boss = rig.backend.jobs.boss;
    // Slow pages, so most kills land while a page is being read.
    fathom.failNext(100_000, { kind: 'slow', delayMs: 150 }, 'GET /meetings');
    const connect = await rig.connectFathom();
    expect(connect.status).toBe(200);

    // The cursor each kill left committed: the resumed run may read that page again (it was in
    // flight), and no page before it.
    const cursorsAtKills: string[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const before = (await rig.storedMeetings()).conversations;
      const worker = await startWorker();
      await waitFor(
        async () => (await rig.storedMeetings()).conversations > before,
        `a page stored before kill ${kill + 1}`,
        {
          timeoutMs: 30_000,
          describe: worker.output,
        },
      );
      // Somewhere in the next page: its read, its transaction, or its commit; the first kill after
      // the page was read and before it was stored (past a cursor committed on its own, if any).
      const held = kill === 0 ? await rig.holdPageWrites() : undefined;
      if (!held) await new Promise((resolve) => setTimeout(resolve, (kill * 37) % 200));
      await worker.stop('SIGKILL');
      cursorsAtKills.push(await rig.storedCursor());
      await held?.release();
      // The dead worker's job would be handed out again when its heartbeat runs out (the test in
      // workerKilledMidSync.test.ts waits for that); here it is cancelled and the sync requested
      // again, as the schedule would, so twenty kills take minutes, not a quarter of an hour.
      for (const job of await rig.jobStates(SYNC_QUEUES.account)) {
        if (job.state === 'active' || job.state === 'created' || job.state === 'retry')
          await boss.cancel(SYNC_QUEUES.account, job.id);
      }
      await requestSync(boss, accountId);
    }
    expect((await rig.storedMeetings()).conversations).toBeLessThan(MEETINGS);

    fathom.clearFaults();
    const last = await startWorker();
    // A fresh worker may read 30 pages a minute (Fathom's heavy-call budget, kept by its limiter).
    // Done when the job is: one that completes short of Fathom's meetings fails the test at once.
    await waitFor(
      async () => (await rig.jobStates(SYNC_QUEUES.account)).some((job) => job.state === 'completed'),
      'the backfill to finish',
      {
        timeoutMs: 150_000,
        describe: async () =>
          `${JSON.stringify(await rig.storedMeetings())} ${JSON.stringify(await rig.jobStates(SYNC_QUEUES.account))}\n${last.output()}`,
      },
    );

    // Nothing lost, nothing doubled.
    expect(await rig.storedMeetings()).toEqual({
      conversations: MEETINGS,
      recordings: MEETINGS,
      analysed: MEETINGS,
    });
    const logs = await rig.syncLogs();
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
