import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { loadConfig } from '../../backend/src/config.ts';
import { connectFathomApiKey } from '../../backend/src/fathom/connection/apiKeyConnect.ts';
import { withSystem } from '../../backend/src/db/tenancy.ts';
import { startJobs, type Jobs } from '../../backend/src/jobs/boss.ts';
import { QUEUES } from '../../backend/src/jobs/queues.ts';
import { createServices } from '../../backend/src/services.ts';
import { requestSync, SYNC_QUEUES } from '../../backend/src/sync/syncJobs.ts';
import { createMigratedDatabase, engine, type TestDatabase } from '../support/database.ts';
import { startFathomStandIn, type FathomStandIn } from '../support/fathomStandIn.ts';
import { memoryLogger } from '../support/logger.ts';
import { waitForIdleQueues } from '../support/queues.ts';
import { waitFor } from '../support/waitFor.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

test('npm run worker without DATABASE_URL refuses to start and says why', async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'fathom-worker-')) };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['backend/src/worker.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code).toBe(1);
  expect(stderr).toMatch(/^npm run worker needs DATABASE_URL: the embedded database \(PGlite\) belongs to one process/);
});

const ACCOUNTS = 20;
const WORKERS = 3;
const HUB_BASE = 7100;
// Never fires while the test runs: the only tick is the one the test sends.
const NO_SCHEDULED_TICK = '0 0 1 1 *';

type Worker = { child: ChildProcess; lines: Array<Record<string, unknown>>; stderr: string };

const scaleOut = engine === 'postgres' ? describe : describe.skip;

scaleOut(
  'several worker processes on one PostgreSQL (PostgreSQL only: the embedded database belongs to one process)',
  () => {
    let testDb: TestDatabase;
    let fathom: FathomStandIn;
    let jobs: Jobs;
    let env: NodeJS.ProcessEnv;
    const workers: Worker[] = [];
    const accounts = new Map<string, { hubId: number; apiKey: string }>();

    beforeAll(async () => {
      testDb = await createMigratedDatabase();
      const keys = Array.from(
        { length: ACCOUNTS },
        (_, i) => `fathom-key-account-${i}-${randomBytes(6).toString('hex')}`,
      );
      fathom = await startFathomStandIn({ count: 3, pageSize: 10, apiKey: keys[0]!, apiKeys: keys.slice(1) });
      env = {
        ...process.env,
        DATABASE_URL: testDb.url!,
        DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'fathom-workers-')),
        TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        FATHOM_API_BASE: fathom.baseUrl,
        SYNC_SCHEDULE: NO_SCHEDULED_TICK,
        LOG_LEVEL: 'info',
        // Each worker serves its own counters on a free port (it logs which).
        METRICS_PORT: '0',
      };
      delete env.TEST_DATABASE_URL;
      const config = loadConfig(env);
      const services = createServices(config, testDb.db, memoryLogger().logger);
      for (let i = 0; i < ACCOUNTS; i++) {
        const hubId = HUB_BASE + i;
        const ids = await withSystem(testDb.db, async (tx) => {
          const id = (await tx.query<{ id: string }>('INSERT INTO accounts (hub_id) VALUES ($1) RETURNING id', [hubId]))
            .rows[0]!.id;
          const user = (
            await tx.query<{ id: string }>(
              `INSERT INTO users (account_id, email, hubspot_user_id) VALUES ($1, $2, 1) RETURNING id`,
              [id, `admin@${hubId}.example.com`],
            )
          ).rows[0]!.id;
          await tx.query(`INSERT INTO user_roles (account_id, user_id, role) VALUES ($1, $2, 'admin')`, [id, user]);
          return { id, user };
        });
        await connectFathomApiKey(
          services.fathom,
          {
            accountId: ids.id,
            hubId,
            userId: ids.user,
            hubspotUserId: 1,
            email: `admin@${hubId}.example.com`,
            role: 'admin',
          },
          { apiKey: keys[i]! },
        );
        accounts.set(ids.id, { hubId, apiKey: keys[i]! });
      }
      // This process only sends the tick; it works on nothing.
      jobs = await startJobs({
        db: testDb.db,
        logger: memoryLogger().logger,
        syncSchedule: NO_SCHEDULED_TICK,
        work: false,
        sync: services.sync,
      });

      for (let i = 0; i < WORKERS; i++) {
        const child = spawn(process.execPath, ['backend/src/worker.ts'], {
          cwd: ROOT,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const worker: Worker = { child, lines: [], stderr: '' };
        let buffer = '';
        child.stdout!.on('data', (chunk) => {
          buffer += chunk;
          let newline: number;
          while ((newline = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, newline);
            buffer = buffer.slice(newline + 1);
            if (line.trim()) worker.lines.push(JSON.parse(line) as Record<string, unknown>);
          }
        });
        child.stderr!.on('data', (chunk) => (worker.stderr += chunk));
        workers.push(worker);
      }
      await Promise.all(
        workers.map((worker) =>
          waitFor(() => worker.lines.some((l) => l.msg === 'worker started'), 'the worker to start', {
            describe: () => worker.stderr,
          }),
        ),
      );
    }, 120_000);

    afterAll(async () => {
      for (const { child } of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await jobs?.stop();
      await fathom?.close();
      await testDb?.drop();
    });

    test('one schedule tick syncs each of 20 accounts exactly once, spread over more than one worker process', async () => {
      const callsBefore = fathom.callsByApiKey();
      // Slow Fathom pages keep every worker busy long enough for the others to take jobs too.
      fathom.failNext(ACCOUNTS, { kind: 'slow', delayMs: 300 }, 'GET /meetings');
      const tickId = await jobs.boss.send(QUEUES.syncTick, {});
      expect(tickId).not.toBeNull();

      const finished = () =>
        withSystem(
          testDb.db,
          async (tx) =>
            (
              await tx.query<{ account_id: string; status: string; meetings_new: number; job_id: string | null }>(
                `SELECT account_id, status, meetings_new, job_id FROM sync_logs WHERE status <> 'running'`,
              )
            ).rows,
        );
      await waitFor(async () => (await finished()).length >= ACCOUNTS, 'every account synced', {
        timeoutMs: 60_000,
        describe: () => workers.map((w) => w.stderr).join('\n'),
      });
      // A (wrong) second job of any account would have run by now, and left its log.
      await waitForIdleQueues(testDb.db, [QUEUES.syncTick, SYNC_QUEUES.account], 'the tick and its syncs');

      const logs = await withSystem(
        testDb.db,
        async (tx) =>
          (
            await tx.query<{ account_id: string; status: string; meetings_new: number; job_id: string | null }>(
              'SELECT account_id, status, meetings_new, job_id FROM sync_logs ORDER BY account_id',
            )
          ).rows,
      );
      expect(logs).toHaveLength(ACCOUNTS);
      expect(new Set(logs.map((log) => log.account_id))).toEqual(new Set(accounts.keys()));
      expect(logs.every((log) => log.status === 'succeeded' && log.meetings_new === 3)).toBe(true);
      expect(new Set(logs.map((log) => log.job_id)).size).toBe(ACCOUNTS);

      // Fathom saw exactly one page request per account's key for this tick.
      const callsAfter = fathom.callsByApiKey();
      for (const { apiKey } of accounts.values()) {
        expect((callsAfter.get(apiKey) ?? 0) - (callsBefore.get(apiKey) ?? 0)).toBe(1);
      }

      const syncJobs = await jobs.boss.findJobs<{ accountId: string }>(SYNC_QUEUES.account);
      expect(syncJobs).toHaveLength(ACCOUNTS);
      expect(syncJobs.every((job) => job.state === 'completed')).toBe(true);
      const [tick] = await jobs.boss.findJobs(QUEUES.syncTick, { id: tickId! });
      expect(tick).toMatchObject({ state: 'completed', output: { queued: ACCOUNTS } });

      // Which process did what: each worker logs the syncs it finished, with its pid.
      const finishedBy = workers.map((worker) =>
        worker.lines.filter((line) => line.msg === 'fathom sync finished').map((line) => line.accountId as string),
      );
      expect(finishedBy.flat().sort()).toEqual([...accounts.keys()].sort());
      expect(finishedBy.filter((done) => done.length > 0).length).toBeGreaterThan(1);

      // Each worker's /metrics counts the runs it did; together, one per account.
      const runs = await Promise.all(
        workers.map(async (worker) => {
          const port = worker.lines.find((line) => line.msg === 'worker started')!.metricsPort as number;
          const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
          return Number(/^fathom_hubspot_sync_runs_total\{outcome="succeeded"\} (\d+)$/m.exec(text)?.[1]);
        }),
      );
      expect(runs).toEqual(finishedBy.map((done) => done.length));
      console.log(`syncs per worker process: ${finishedBy.map((done) => done.length).join(', ')}`);
    }, 90_000);

    test('SIGTERM lets a sync in flight finish, then each worker process exits cleanly, leaving no job active', async () => {
      // One more sync, slowed down by Fathom so that it is still running when the signal comes.
      const [accountId, { apiKey }] = [...accounts.entries()][0]!;
      const callsBefore = fathom.callsByApiKey().get(apiKey) ?? 0;
      fathom.failNext(1, { kind: 'slow', delayMs: 2_000 }, 'GET /meetings');
      expect(await requestSync(jobs.boss, accountId)).not.toBeNull();
      await waitFor(() => (fathom.callsByApiKey().get(apiKey) ?? 0) > callsBefore, 'the sync to reach Fathom', {
        timeoutMs: 20_000,
      });

      const exits = workers.map(
        ({ child }) =>
          new Promise<number | null>((resolve) =>
            child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
          ),
      );
      for (const { child } of workers) child.kill('SIGTERM');
      expect(await Promise.all(exits)).toEqual(workers.map(() => 0));
      for (const worker of workers)
        expect(worker.lines.some((line) => line.msg === 'shutting down' && line.signal === 'SIGTERM')).toBe(true);
      const runs = await withSystem(
        testDb.db,
        async (tx) =>
          (
            await tx.query<{ kind: string; status: string }>(
              'SELECT kind, status FROM sync_logs WHERE account_id = $1 ORDER BY started_at',
              [accountId],
            )
          ).rows,
      );
      expect(runs).toEqual([
        { kind: 'backfill', status: 'succeeded' },
        { kind: 'incremental', status: 'succeeded' },
      ]);
      // Nothing was left half-done: no job is still marked active.
      const active = (await jobs.boss.findJobs(SYNC_QUEUES.account)).filter((job) => job.state === 'active');
      expect(active).toEqual([]);
    }, 60_000);
  },
);
