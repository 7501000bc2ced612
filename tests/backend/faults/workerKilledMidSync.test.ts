import { expect } from '@jest/globals';
import { SYNC_QUEUES } from '../../../backend/src/sync/syncJobs.ts';
import {
  faultRig,
  inFlightAt,
  jobStates,
  NO_TICK,
  onServer,
  pageReads,
  storedCursor,
  storedMeetings,
  syncLogs,
  waitFor,
  workerProcessTest,
} from '../../support/faultFixture.ts';

const HUB = 6101;
const MEETINGS = 200;
const PAGE = 20;

// The web process takes requests and queues jobs, works none: worker processes do.
const rig = faultRig({
  runs: onServer,
  hubspot: { hubId: HUB },
  fathom: { count: MEETINGS, pageSize: PAGE, segmentsPerMeeting: 6 },
  env: { SYNC_SCHEDULE: NO_TICK },
  workers: false,
});

workerProcessTest(
  `a sync job whose worker is killed with SIGKILL mid-backfill is handed to a fresh worker, which stores every meeting once`,
  async () => {
    const { fathom, accountId, startWorker } = rig;
    const db = rig.backend.testDb.db;
    // Slow Fathom pages, so the kill lands in the middle of the history.
    fathom.failNext(1000, { kind: 'slow', delayMs: 300 }, 'GET /meetings');
    const connect = await rig.connectFathom();
    expect(connect.status).toBe(200);
    const { syncJobId } = (await connect.json()) as { syncJobId: string };
    expect(syncJobId).toEqual(expect.any(String));

    const first = await startWorker();
    await waitFor(
      async () => (await storedMeetings(db, accountId)).conversations >= 2 * PAGE,
      'two pages stored by the first worker',
      {
        describe: first.output,
      },
    );
    await first.stop('SIGKILL');
    const cursorAtKill = await storedCursor(db, accountId);
    expect(cursorAtKill).not.toBeNull();

    const afterKill = await storedMeetings(db, accountId);
    expect(afterKill.conversations).toBeLessThan(MEETINGS);
    // The job is still claimed by the dead worker: only its heartbeat running out frees it.
    expect(await jobStates(db, SYNC_QUEUES.account)).toEqual([{ id: syncJobId, state: 'active', retryCount: 0 }]);

    fathom.clearFaults();
    const second = await startWorker();
    await waitFor(
      async () =>
        (await storedMeetings(db, accountId)).conversations === MEETINGS &&
        (await jobStates(db, SYNC_QUEUES.account))[0]?.state === 'completed',
      'the resumed sync',
      {
        timeoutMs: 40_000,
        describe: async () =>
          `${JSON.stringify(await storedMeetings(db, accountId))} ${JSON.stringify(await jobStates(db, SYNC_QUEUES.account))}\n${second.output()}`,
      },
    );

    expect(await storedMeetings(db, accountId)).toEqual({
      conversations: MEETINGS,
      recordings: MEETINGS,
      analysed: MEETINGS,
    });
    // The same job, handed out a second time after its heartbeat stopped.
    expect(await jobStates(db, SYNC_QUEUES.account)).toEqual([{ id: syncJobId, state: 'completed', retryCount: 1 }]);
    const logs = await syncLogs(db, accountId);
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
