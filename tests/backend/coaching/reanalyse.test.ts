import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { analyseFnFor } from '../../../backend/src/sync/analyseMeeting.ts';
import { ruleBasedAnalyser } from '../../../backend/src/coaching/analysis/ruleBasedAnalyser.ts';
import { reanalyse } from '../../../backend/src/coaching/reanalyse.ts';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { seedDemo } from '../../../backend/src/seed/seedDemo.ts';
import { createMigratedDatabase, type TestDatabase } from '../../support/database.ts';

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createMigratedDatabase();
  await seedDemo(testDb.db, { hubId: 777, conversations: 8, analyse: analyseFnFor(ruleBasedAnalyser) });
});
afterAll(() => testDb.drop());

const analyses = () =>
  withSystem(
    testDb.db,
    async (tx) =>
      (
        await tx.query<{ conversation_id: string; analyser_version: string; score: number | null; metrics: unknown }>(
          'SELECT conversation_id, analyser_version, score, metrics FROM conversation_analyses ORDER BY conversation_id',
        )
      ).rows,
  );

test('every seeded conversation has a rules analysis with a score and its breakdown', async () => {
  const rows = await analyses();
  expect(rows).toHaveLength(8);
  for (const row of rows) {
    expect(row.analyser_version).toBe(ruleBasedAnalyser.version);
    expect(row.score).toEqual(expect.any(Number));
    expect(row.metrics).toMatchObject({ talkRatio: { rep: expect.any(Number) }, scoreBreakdown: expect.any(Array) });
  }
});

test('re-analysing from the stored transcript gives exactly what analysis at ingest gave', async () => {
  const atIngest = await analyses();
  await withSystem(testDb.db, (tx) =>
    tx.query(`UPDATE conversation_analyses SET analyser_version = 'old', score = 0, metrics = '{}'`),
  );
  expect(await reanalyse(testDb.db, ruleBasedAnalyser, { all: false })).toEqual({ accounts: 1, conversations: 8 });
  expect(await analyses()).toEqual(atIngest);
});

test('without --all only missing or outdated analyses are redone; with it, all of them', async () => {
  expect((await reanalyse(testDb.db, ruleBasedAnalyser, { all: false })).conversations).toBe(0);
  expect((await reanalyse(testDb.db, ruleBasedAnalyser, { all: true })).conversations).toBe(8);
});
