import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Database } from '../../../backend/src/db/database.ts';
import { migrate } from '../../../backend/src/db/migrate.ts';
import { openDatabase } from '../../../backend/src/db/open.ts';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { runSync } from '../../../backend/src/sync/runSync.ts';
import { createEmptyDatabase, engine, seededDataDir, type TestDatabase } from '../../support/database.ts';
import { startFathomStandIn, type FathomStandIn } from '../../support/fathomStandIn.ts';
import { connectedAccount, standInSource } from '../../support/fathomSync.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HUB = 5001;
const PAGE = 25;

let fathom: FathomStandIn;
let server: TestDatabase | undefined;
let dataDir: string;
let db: Database;
let accountId: string;

// The database must outlive the process that writes to it: a server database, or PGlite files.
const reopen = async () =>
  engine === 'postgres' ? (server!.db as Database) : openDatabase({ databaseUrl: undefined, dataDir });

beforeAll(async () => {
  fathom = await startFathomStandIn({ count: 300, segmentsPerMeeting: 8, pageSize: PAGE });
  dataDir = await seededDataDir('fathom-crash-');
  if (engine === 'postgres') server = await createEmptyDatabase();
  db = await reopen();
  await migrate(db);
  accountId = await connectedAccount(db, HUB);
  if (engine === 'pglite') await db.close();
});
afterAll(async () => {
  await fathom.close();
  if (engine === 'pglite') await db.close();
  await server?.drop();
});

test('a sync killed with SIGKILL mid-backfill resumes where it stopped: nothing lost, nothing twice', async () => {
  // Slow pages, so the kill lands in the middle of the history.
  fathom.failNext(100, { kind: 'slow', delayMs: 250 }, 'GET /meetings');
  const child = spawn(process.execPath, ['tests/support/syncChild.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: server?.url ?? '',
      DATA_DIR: path.join(dataDir),
      ACCOUNT_ID: accountId,
      FATHOM_API_BASE: fathom.baseUrl,
      FATHOM_KEY: fathom.apiKey,
      HUB_ID: String(HUB),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const pagesBeforeKill = await new Promise<number>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const pages = [...buffer.matchAll(/"pages":(\d+)/g)].map((m) => Number(m[1]));
      if ((pages.at(-1) ?? 0) >= 3) {
        child.kill('SIGKILL');
        resolve(pages.at(-1)!);
      }
    });
    child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`sync child ended by itself (${code}):\n${stderr}`));
    });
  });
  await new Promise((resolve) =>
    child.exitCode !== null || child.signalCode ? resolve(null) : child.once('exit', resolve),
  );
  fathom.clearFaults();

  db = await reopen();
  const stored = async () =>
    withSystem(
      db,
      async (tx) =>
        (
          await tx.query<{ n: number; distinct_ids: number }>(
            'SELECT count(*)::int AS n, count(DISTINCT external_id)::int AS distinct_ids FROM conversations WHERE account_id = $1',
            [accountId],
          )
        ).rows[0]!,
    );
  const afterKill = await stored();
  // Whole pages only: each page and its cursor commit together.
  expect(afterKill.n % PAGE).toBe(0);
  expect(afterKill.n).toBeGreaterThanOrEqual(pagesBeforeKill * PAGE);
  expect(afterKill.n).toBeLessThan(300);

  const resumed = await runSync(db, {
    accountId,
    source: standInSource({ baseUrl: fathom.baseUrl, apiKey: fathom.apiKey, hubId: HUB }),
    analyse: (c) => ({ version: 'test', score: null, metrics: { segments: c.segments.length } }),
  });
  expect(resumed.kind).toBe('backfill');
  expect(resumed.meetingsNew).toBe(300 - afterKill.n);
  expect(resumed.meetingsUnchanged).toBe(0);
  expect(await stored()).toEqual({ n: 300, distinct_ids: 300 });
  const logs = await withSystem(
    db,
    async (tx) =>
      (
        await tx.query<{ status: string; error_messages: string[] }>(
          'SELECT status, error_messages FROM sync_logs WHERE account_id = $1 ORDER BY started_at',
          [accountId],
        )
      ).rows,
  );
  expect(logs.map((l) => l.status)).toEqual(['failed', 'succeeded']);
  expect(logs[0]!.error_messages[0]).toMatch(/^interrupted/);
});
