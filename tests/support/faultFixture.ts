import { afterAll, beforeAll, test } from '@jest/globals';
import pg from 'pg';
import type { Database } from '../../backend/src/db/database.ts';
import { withSystem } from '../../backend/src/db/tenancy.ts';
import type { JobTuning } from '../../backend/src/jobs/boss.ts';
import { engine, type TestDatabase } from './database.ts';
import { startFathomStandIn, type FathomStandIn, type StandInOptions } from './fathomStandIn.ts';
import { hubspotEnv, startHubSpotStandIn, type HubSpotStandIn } from './hubspotStandIn.ts';
import { installThroughStandIn } from './install.ts';
import { signedFetch } from './signedFetch.ts';
import { startTestBackend, type TestBackend } from './testBackend.ts';
import { startWorkerProcess, workerEnv, type WorkerProcess } from './workerProcess.ts';

/**
 * Queue settings for crash tests: pg-boss's shortest heartbeat (10 s), a supervisor pass every
 * second and a retry after a second or two, so a killed worker's job is handed out again within
 * about 15 s instead of minutes. Production keeps the defaults (60 s heartbeat and supervisor).
 */
export const FAST_RECOVERY: JobTuning = { heartbeatSeconds: 10, superviseIntervalSeconds: 1, retryDelaySeconds: 1 };

/** A worker is a process of its own, so it needs a database server both it and the test reach. */
export const onServer = engine === 'postgres';
export const SKIPPED_ON_PGLITE = ' [skipped on PGlite: a second process needs PostgreSQL; set TEST_DATABASE_URL]';

/** `test` where `runs` holds; elsewhere skipped, its name ending with why (`skipped`). */
export const faultTest =
  (runs: boolean, skipped: string) => (name: string, fn: () => Promise<void>, timeout?: number) =>
    (runs ? test : test.skip)(`${name}${runs ? '' : skipped}`, fn, timeout);
/** A test with worker processes: on PostgreSQL only. */
export const workerProcessTest = faultTest(onServer, SKIPPED_ON_PGLITE);

// The safety-net schedule stays out of the way (a tick at a quarter hour would queue its own sync).
const NO_TICK = '0 0 1 1 *';

export type FaultRig = {
  hubspot: HubSpotStandIn;
  fathom: FathomStandIn;
  backend: TestBackend;
  /** The account the install made. */
  accountId: string;
  /** A worker process on the backend's database (FAST_RECOVERY); killed at the end if still running. */
  startWorker(): Promise<WorkerProcess>;
  /** PUT /api/settings/fathom with the stand-in's API key, as the admin who installed the app. */
  connectFathom(): Promise<Response>;
  /** What the account has stored, its backfill's committed cursor, its sync runs; a queue's jobs. */
  storedMeetings(): Promise<StoredMeetings>;
  storedCursor(): Promise<string>;
  syncLogs(): Promise<SyncLogRow[]>;
  jobStates(queue: string): Promise<JobState[]>;
  /**
   * Holds every write to conversations (a table lock, from a connection of the test's own) until
   * a worker waits on it: a sync stopped there has read its page and not stored it. Whatever the
   * sync commits before a page's own transaction (its cursor, if it ever did) is committed by then.
   */
  holdPageWrites(): Promise<{ release(): Promise<void> }>;
};

/**
 * The setup the fault tests share, registered as the file's beforeAll and afterAll: the HubSpot
 * and Fathom stand-ins, the backend on them (working jobs itself or leaving them to worker
 * processes), the app installed through the stand-in. The returned rig is filled in by beforeAll.
 * Where `runs` does not hold, nothing starts.
 */
export function faultRig(options: {
  runs: boolean;
  hubspot: Parameters<typeof startHubSpotStandIn>[0];
  fathom: StandInOptions;
  env?: Record<string, string>;
  /** Whether the backend's own process works the jobs (else only worker processes do). */
  workers: boolean;
  /** A database the test brings (its own server); else a fresh one from tests/support/database.ts. */
  database?: () => Promise<TestDatabase>;
  /** Before the backend closes, and after it: what the test's own database server needs. */
  beforeClose?: () => Promise<void>;
  afterClose?: () => Promise<void>;
}): FaultRig {
  const rig = {} as FaultRig;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    if (!options.runs) return;
    const database = options.database ? await options.database() : undefined;
    const hubspot = await startHubSpotStandIn(options.hubspot);
    const fathom = await startFathomStandIn(options.fathom);
    const backend = await startTestBackend(
      { ...hubspotEnv(hubspot), FATHOM_API_BASE: fathom.baseUrl, ...options.env },
      { workers: options.workers, tuning: FAST_RECOVERY, ...(database ? { database } : {}) },
    );
    await installThroughStandIn(backend.url);
    const hubId = hubspot.hubId;
    const accountId = (
      await withSystem(backend.testDb.db, (tx) =>
        tx.query<{ id: string }>('SELECT id FROM accounts WHERE hub_id = $1', [hubId]),
      )
    ).rows[0]!.id;
    Object.assign(rig, {
      hubspot,
      fathom,
      backend,
      accountId,
      async startWorker() {
        const worker = await startWorkerProcess(workerEnv(backend, FAST_RECOVERY));
        workers.push(worker);
        return worker;
      },
      connectFathom: () =>
        signedFetch(backend.url, '/api/settings/fathom', {
          clientSecret: hubspot.clientSecret,
          identity: {
            portalId: hubId,
            userId: hubspot.installingUser.id,
            userEmail: hubspot.installingUser.email.toLowerCase(),
          },
          method: 'PUT',
          body: { apiKey: fathom.apiKey },
        }),
      storedMeetings: () => storedMeetings(backend.testDb.db, accountId),
      storedCursor: () => storedCursor(backend.testDb.db, accountId),
      syncLogs: () => syncLogs(backend.testDb.db, accountId),
      jobStates: (queue: string) => jobStates(backend.testDb.db, queue),
      holdPageWrites: () => holdPageWrites(backend.testDb),
    } satisfies FaultRig);
  }, 60_000);
  afterAll(async () => {
    if (!options.runs) return;
    for (const worker of workers) await worker.stop('SIGKILL');
    await options.beforeClose?.();
    await rig.backend?.close();
    await options.afterClose?.();
    await rig.fathom?.close();
    await rig.hubspot?.close();
  });
  return rig;
}

/**
 * A Fathom history of `meetings` to backfill, in pages of `pageSize`, worked by worker processes
 * only: the web process takes requests and queues jobs, and no scheduled tick queues its own sync.
 */
export const backfillRig = (options: {
  hubId: number;
  meetings: number;
  pageSize: number;
  segmentsPerMeeting: number;
}) =>
  faultRig({
    runs: onServer,
    hubspot: { hubId: options.hubId },
    fathom: { count: options.meetings, pageSize: options.pageSize, segmentsPerMeeting: options.segmentsPerMeeting },
    env: { SYNC_SCHEDULE: NO_TICK },
    workers: false,
  });

export type SyncLogRow = { status: string; meetings_new: number; meetings_unchanged: number; error_messages: string[] };

/** The account's sync runs, oldest first, read as the system role. */
async function syncLogs(db: Database, accountId: string): Promise<SyncLogRow[]> {
  return withSystem(
    db,
    async (tx) =>
      (
        await tx.query<SyncLogRow>(
          `SELECT status, meetings_new, meetings_unchanged, error_messages FROM sync_logs
            WHERE account_id = $1 ORDER BY started_at`,
          [accountId],
        )
      ).rows,
  );
}

/** Polls `check` until it holds; the error names what was awaited and what `describe` says of it. */
export async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  options: { timeoutMs?: number; describe?: () => Promise<string> | string } = {},
) {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${options.describe ? `: ${await options.describe()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export type StoredMeetings = {
  /** Conversation rows of the account. */
  conversations: number;
  /** Distinct Fathom recordings among them. */
  recordings: number;
  /** Conversations that have their analysis. */
  analysed: number;
};

/** What the account has stored, read as the system role. */
export async function storedMeetings(db: Database, accountId: string): Promise<StoredMeetings> {
  return withSystem(
    db,
    async (tx) =>
      (
        await tx.query<StoredMeetings>(
          `SELECT count(*)::int AS conversations, count(DISTINCT c.external_id)::int AS recordings,
              count(a.conversation_id)::int AS analysed
         FROM conversations c
         LEFT JOIN conversation_analyses a ON a.account_id = c.account_id AND a.conversation_id = c.id
        WHERE c.account_id = $1`,
          [accountId],
        )
      ).rows[0]!,
  );
}

export type JobState = { id: string; state: string; retryCount: number };

/** The states of a queue's jobs in pg-boss, with how often each was retried. */
async function jobStates(db: Database, queue: string): Promise<JobState[]> {
  return (
    await db.query<JobState>(
      `SELECT id::text, state::text, retry_count AS "retryCount" FROM pgboss.job WHERE name = $1 ORDER BY created_on`,
      [queue],
    )
  ).rows;
}

/**
 * How often the sync read each page of meetings from the Fathom stand-in, by the cursor that asked
 * for it ('first' for the first page). Only the sync's page reads count: those with transcripts,
 * not the key check made when Fathom is connected.
 */
export function pageReads(fathom: FathomStandIn): Map<string, number> {
  const reads = new Map<string, number>();
  for (const request of fathom.requests) {
    if (request.endpoint !== 'GET /meetings' || request.query.get('include_transcript') !== 'true') continue;
    const cursor = request.query.get('cursor') ?? 'first';
    reads.set(cursor, (reads.get(cursor) ?? 0) + 1);
  }
  return reads;
}

/**
 * The pages a kill may leave to be read again: the sync stores one page while it reads the next,
 * so when it dies with `committed` as its stored cursor, that page and the one after it (in the
 * order the backfill first read them) were in flight. Any other page read again was stored.
 */
export function inFlightAt(fathom: FathomStandIn, committed: string): string[] {
  const order: string[] = [];
  for (const request of fathom.requests) {
    if (request.endpoint !== 'GET /meetings' || request.query.get('include_transcript') !== 'true') continue;
    const cursor = request.query.get('cursor') ?? 'first';
    if (!order.includes(cursor)) order.push(cursor);
  }
  const at = order.indexOf(committed);
  return at < 0 ? [committed] : order.slice(at, at + 2);
}

async function holdPageWrites(testDb: TestDatabase): Promise<{ release(): Promise<void> }> {
  const holder = new pg.Client({ connectionString: testDb.url });
  await holder.connect();
  await holder.query('BEGIN');
  // SHARE conflicts with the ROW EXCLUSIVE lock every INSERT and UPDATE takes; reads go on.
  await holder.query('LOCK TABLE conversations IN SHARE MODE');
  await waitFor(
    async () =>
      (
        await testDb.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'conversations'::regclass AND NOT granted`,
        )
      ).rows[0]!.n > 0,
    'a worker waiting to store a page',
  );
  return {
    async release() {
      await holder.query('ROLLBACK');
      await holder.end();
    },
  };
}

/** The backfill's committed cursor ('first' when none is stored yet). */
async function storedCursor(db: Database, accountId: string): Promise<string> {
  const row = (
    await withSystem(db, (tx) =>
      tx.query<{ sync_cursor: string | null }>(
        `SELECT sync_cursor FROM api_connections WHERE account_id = $1 AND provider = 'fathom'`,
        [accountId],
      ),
    )
  ).rows[0];
  return row?.sync_cursor ?? 'first';
}
