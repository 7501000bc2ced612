import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { SYNC_QUEUES } from '../../../backend/src/sync/syncJobs.ts';
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

// A worker is a process of its own, so it needs a database server both processes reach.
const onServer = engine === 'postgres';
const maybe = onServer ? test : test.skip;
const SKIPPED = onServer ? '' : ' [skipped on PGlite: a second process needs PostgreSQL; set TEST_DATABASE_URL]';

const HUB = 6101;
const MEETINGS = 200;
const PAGE = 20;

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
  fathom = await startFathomStandIn({ count: MEETINGS, pageSize: PAGE, segmentsPerMeeting: 6 });
  // The web process: takes requests and queues jobs, works none (workers: false).
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

const startWorker = async () => {
  const worker = await startWorkerProcess(workerEnv(backend, FAST_RECOVERY));
  workers.push(worker);
  return worker;
};

maybe(
  `a sync job whose worker is killed with SIGKILL mid-backfill is handed to a fresh worker, which stores every meeting once${SKIPPED}`,
  async () => {
    const db = backend.testDb.db;
    // Slow Fathom pages, so the kill lands in the middle of the history.
    fathom.failNext(1000, { kind: 'slow', delayMs: 300 }, 'GET /meetings');
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
    const logs = await withSystem(
      db,
      async (tx) =>
        (
          await tx.query<{ status: string; meetings_new: number; error_messages: string[] }>(
            'SELECT status, meetings_new, error_messages FROM sync_logs WHERE account_id = $1 ORDER BY started_at',
            [accountId],
          )
        ).rows,
    );
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
