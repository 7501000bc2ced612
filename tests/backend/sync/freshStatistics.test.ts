// A backfill on a fresh database must not slow down page after page: the foreign-key check of each
// stored row against its call has to find the call by its key, not by reading the account's calls.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Database } from '../../../backend/src/db/database.ts';
import { openPostgres } from '../../../backend/src/db/postgres.ts';
import { statisticsDue } from '../../../backend/src/sync/freshStatistics.ts';
import { runSync } from '../../../backend/src/sync/runSync.ts';
import { createMigratedDatabase, engine, type TestDatabase } from '../../support/database.ts';
import { startFathomStandIn, type FathomStandIn } from '../../support/fathomStandIn.ts';
import { connectedAccount, standInSource } from '../../support/fathomSync.ts';

const HUB = 5301;
let testDb: TestDatabase;
let fathom: FathomStandIn;

beforeAll(async () => {
  testDb = await createMigratedDatabase();
  fathom = await startFathomStandIn({ count: 130, segmentsPerMeeting: 4, pageSize: 10 });
});
afterAll(async () => {
  await fathom.close();
  await testDb.drop();
});

test('statistics are due each time the meetings a run stored double, from 64 on', () => {
  expect(statisticsDue(0, 63)).toBe(false);
  expect(statisticsDue(60, 70)).toBe(true);
  expect(statisticsDue(64, 70)).toBe(false);
  expect(statisticsDue(120, 130)).toBe(true);
  expect(statisticsDue(130, 255)).toBe(false);
  expect(statisticsDue(250, 260)).toBe(true);
  expect(statisticsDue(0, 1000)).toBe(true);
});

/** The plan a session keeps for PostgreSQL's own foreign-key check of a row against its call. */
async function keptPlan(session: Database, accountId: string): Promise<string[]> {
  await session.exec('SET plan_cache_mode = force_generic_plan');
  try {
    const { rows } = await session.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN EXECUTE fk_check('${accountId}', '00000000-0000-4000-8000-000000000000')`,
    );
    return rows.map((row) => row['QUERY PLAN']);
  } finally {
    await session.exec('RESET plan_cache_mode');
  }
}

test("a connection that planned the check while the calls were few plans it again by the call's key once a backfill stored many", async () => {
  const db = testDb.db;
  const accountId = await connectedAccount(db, HUB);
  // One session (PGlite has only one), holding the check as PostgreSQL holds it: prepared once,
  // planned while the account has no call yet.
  const session = engine === 'postgres' ? openPostgres(testDb.url!, { max: 1 }) : db;
  await session.exec(
    'PREPARE fk_check(uuid, uuid) AS SELECT 1 FROM ONLY conversations x WHERE account_id = $1 AND id = $2 FOR KEY SHARE OF x',
  );
  try {
    await keptPlan(session, accountId);
    const result = await runSync(db, {
      accountId,
      source: standInSource({ baseUrl: fathom.baseUrl, apiKey: fathom.apiKey, hubId: HUB }),
      analyse: () => ({ version: 'test', score: null, metrics: {} }),
    });
    expect(result.meetingsNew).toBe(130);
    const tuples = await db.query<{ n: number }>(
      `SELECT reltuples::int AS n FROM pg_class WHERE relname = 'conversations'`,
    );
    expect(tuples.rows[0]!.n).toBeGreaterThanOrEqual(64);
    const plan = await keptPlan(session, accountId);
    const keyed = plan.some((line) => line.includes('Index Cond:') && line.includes('id = $2'));
    expect({ keyed, plan }).toEqual({ keyed: true, plan });
  } finally {
    await session.exec('DEALLOCATE fk_check');
    if (session !== db) await session.close();
  }
});
