import { expect } from '@jest/globals';
import { SYNC_QUEUES } from '../../../backend/src/sync/syncJobs.ts';
import { backfillRig, inFlightAt, pageReads, waitFor, workerProcessTest } from '../../support/faultFixture.ts';

const HUB = 6101;
const MEETINGS = 200;
const PAGE = 20;

const rig = backfillRig({ hubId: HUB, meetings: MEETINGS, pageSize: PAGE, segmentsPerMeeting: 6 });

workerProcessTest(
  `a sync job whose worker is killed with SIGKILL mid-backfill, between reading a page and storing it, is handed to a fresh worker, which stores every meeting once`,
  async () => {
    const { fathom, startWorker } = rig;
    // Slow Fathom pages, so the kill lands in the middle of the history.
    fathom.failNext(1000, { kind: 'slow', delayMs: 300 }, 'GET /meetings');
    const connect = await rig.connectFathom();
    expect(connect.status).toBe(200);
    const { syncJobId } = (await connect.json()) as { syncJobId: string };
    expect(syncJobId).toEqual(expect.any(String));

    const first = await startWorker();
    await waitFor(
      async () => (await rig.storedMeetings()).conversations >= 2 * PAGE,
      'two pages stored by the first worker',
      {
        describe: first.output,
      },
    );
    // The kill lands after the page was read and before it was stored: a cursor committed on its
    // own, ahead of its page, would now point past a page that is never stored.
    const held = await rig.holdPageWrites();
    await first.stop('SIGKILL');
    const cursorAtKill = await rig.storedCursor();
    await held.release();
    expect(cursorAtKill).not.toBeNull();

    const afterKill = await rig.storedMeetings();
    expect(afterKill.conversations).toBeLessThan(MEETINGS);
    // The job is still claimed by the dead worker: only its heartbeat running out frees it.
    expect(await rig.jobStates(SYNC_QUEUES.account)).toEqual([{ id: syncJobId, state: 'active', retryCount: 0 }]);

    fathom.clearFaults();
    const second = await startWorker();
    // Done when the job is: a job that completes short of Fathom's meetings fails the test at once.
    await waitFor(
      async () => (await rig.jobStates(SYNC_QUEUES.account))[0]?.state === 'completed',
      'the resumed sync',
      {
        timeoutMs: 40_000,
        describe: async () =>
          `${JSON.stringify(await rig.storedMeetings())} ${JSON.stringify(await rig.jobStates(SYNC_QUEUES.account))}\n${second.output()}`,
      },
    );

    expect(await rig.storedMeetings()).toEqual({
      conversations: MEETINGS,
      recordings: MEETINGS,
      analysed: MEETINGS,
    });
    // The same job, handed out a second time after its heartbeat stopped.
    expect(await rig.jobStates(SYNC_QUEUES.account)).toEqual([{ id: syncJobId, state: 'completed', retryCount: 1 }]);
    const logs = await rig.syncLogs();
    expect(logs.map((log) => log.status)).toEqual(['failed', 'succeeded']);
    expect(logs[0]!.error_messages[0]).toMatch(/^interrupted/);
    // Pages stored before the kill are not fetched into new rows again.
    expect(logs[0]!.meetings_new + logs[1]!.meetings_new).toBe(MEETINGS);
    // ...nor fetched at all: the resumed run starts at the committed cursor, so the only pages read
    // twice are those the first worker had in flight (read, not yet stored) when it died.
    const reads = pageReads(fathom);
    expect(reads.size).toBe(MEETINGS / PAGE);
    const inFlight = inFlightAt(fathom, cursorAtKill);
    const twice = [...reads].filter(([, count]) => count > 1);
    expect(twice.length).toBeLessThanOrEqual(2);
    for (const [cursor, count] of twice) expect([inFlight.includes(cursor), count]).toEqual([true, 2]);
    await second.stop('SIGTERM');
  },
);
