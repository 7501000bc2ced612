import { expect } from '@jest/globals';
import { migrate } from '../../../backend/src/db/migrate.ts';
import { openPostgres } from '../../../backend/src/db/postgres.ts';
import { SYNC_QUEUES } from '../../../backend/src/sync/syncJobs.ts';
import { engine } from '../../support/database.ts';
import { faultRig, faultTest } from '../../support/faultFixture.ts';
import { waitFor } from '../../support/waitFor.ts';
import { postgresBinaries, startPrivatePostgres, type PrivatePostgres } from '../../support/privatePostgres.ts';

// Restarting a database needs a real server, and one of this test's own: the shared server on
// 5432 serves the other test files meanwhile.
const bin = postgresBinaries();
// CI must run this test, not skip it: a machine without the binaries is a broken CI machine.
// (.ci/run's PostgreSQL server comes from Debian's postgresql package, which brings them.)
if (!bin && process.env.CI) {
  throw new Error(
    'initdb and pg_ctl are missing under /usr/lib/postgresql/<version>/bin: CI needs the postgresql package',
  );
}
const runs = engine === 'postgres' && bin !== undefined;
const SKIPPED =
  engine !== 'postgres'
    ? ' [skipped on PGlite: needs PostgreSQL; set TEST_DATABASE_URL]'
    : ' [skipped: no PostgreSQL binaries (initdb, pg_ctl) under /usr/lib/postgresql]';

const HUB = 6103;
const MEETINGS = 160;
const PAGE = 20;

let server: PrivatePostgres;
// One process with its workers, as a single-machine install runs, on the test's own server.
const rig = faultRig({
  runs,
  hubspot: { hubId: HUB },
  fathom: { count: MEETINGS, pageSize: PAGE, segmentsPerMeeting: 6 },
  workers: true,
  async database() {
    server = await startPrivatePostgres(bin!);
    const db = openPostgres(server.url, { max: 10 });
    await migrate(db);
    return { db, url: server.url, drop: async () => db.close() };
  },
  beforeClose: () => server.start().catch(() => {}),
  afterClose: () => server.destroy(),
});

const status = async (path: string) => {
  const response = await fetch(`${rig.backend.url}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

faultTest(runs, SKIPPED)(
  `a sync survives a database restart: /readyz reports the outage, then the sync completes with every meeting stored once`,
  async () => {
    const { fathom, backend } = rig;
    fathom.failNext(1000, { kind: 'slow', delayMs: 250 }, 'GET /meetings');
    const connect = await rig.connectFathom();
    expect(connect.status).toBe(200);
    await waitFor(async () => (await rig.storedMeetings()).conversations >= 2 * PAGE, 'two pages stored');
    expect(await status('/readyz')).toEqual({ status: 200, body: { status: 'ready' } });

    await server.stop();
    // Down: not ready (a load balancer stops sending traffic), but alive (no restart of the process).
    expect(await status('/readyz')).toEqual({
      status: 503,
      body: { error: 'database_unavailable', message: expect.any(String) },
    });
    expect(await status('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    // Long enough for the sync to reach its next page write and fail on it.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await status('/readyz')).status).toBe(503);
    fathom.clearFaults();
    await server.start();

    await waitFor(async () => (await status('/readyz')).status === 200, '/readyz after the restart', {
      timeoutMs: 10_000,
    });
    await waitFor(
      async () =>
        (await rig.storedMeetings()).conversations === MEETINGS &&
        (await rig.jobStates(SYNC_QUEUES.account)).every((job) => job.state === 'completed'),
      'the sync to complete after the restart',
      {
        timeoutMs: 40_000,
        describe: async () =>
          `${JSON.stringify(await rig.storedMeetings())} ${JSON.stringify(await rig.jobStates(SYNC_QUEUES.account))}\n` +
          JSON.stringify(
            backend.log.lines().filter((line) => ['warn', 'error', 'fatal'].includes(line.level as string)),
          ).slice(0, 3000),
      },
    );

    expect(await rig.storedMeetings()).toEqual({
      conversations: MEETINGS,
      recordings: MEETINGS,
      analysed: MEETINGS,
    });
    const jobs = await rig.jobStates(SYNC_QUEUES.account);
    expect(jobs).toHaveLength(1);
    // pg-boss ran the job again after the outage broke its first attempt.
    expect(jobs[0]!.retryCount).toBeGreaterThanOrEqual(1);
    const logs = await rig.syncLogs();
    expect(logs.at(-1)!.status).toBe('succeeded');
    expect(logs.slice(0, -1).every((log) => log.status === 'failed')).toBe(true);
    expect(logs.reduce((sum, log) => sum + log.meetings_new, 0)).toBe(MEETINGS);
  },
);
