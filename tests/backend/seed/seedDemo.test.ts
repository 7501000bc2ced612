import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { DEMO_HUB_ID, seedDemo } from '../../../backend/src/seed/seedDemo.ts';
import type { AnalyseFn } from '../../../backend/src/sync/storeConversation.ts';
import { createMigratedDatabase, type TestDatabase } from '../../support/database.ts';

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createMigratedDatabase();
});
afterAll(() => testDb.drop());

const analyse: AnalyseFn = (c) => ({ version: 'seed-test', score: Math.min(100, c.segments.length), metrics: {} });

test('the demo portal has every role, 50 calls with transcripts and analyses, and coaching in every state', async () => {
  const summary = await seedDemo(testDb.db, { analyse });
  expect(summary).toEqual({
    hubId: DEMO_HUB_ID,
    users: 7,
    conversations: { new: 50, updated: 0, unchanged: 0 },
    coachingMessages: 12,
  });
  const facts = await withSystem(testDb.db, async (tx) => {
    const one = async (sql: string) => (await tx.query<{ v: unknown }>(sql)).rows[0]!.v;
    return {
      roles: await one(`SELECT array_agg(DISTINCT role ORDER BY role) AS v FROM user_roles`),
      withoutTranscript: await one(
        `SELECT count(*)::int AS v FROM conversations c WHERE NOT EXISTS (SELECT 1 FROM transcript_segments s WHERE s.conversation_id = c.id)`,
      ),
      withoutAnalysis: await one(
        `SELECT count(*)::int AS v FROM conversations c WHERE NOT EXISTS (SELECT 1 FROM conversation_analyses a WHERE a.conversation_id = c.id)`,
      ),
      onContact101: await one(
        `SELECT count(*)::int AS v FROM conversation_crm_links WHERE object_type = 'contacts' AND object_id = 101`,
      ),
      statuses: await one(`SELECT array_agg(DISTINCT status ORDER BY status) AS v FROM coaching_messages`),
      outcomes: await one(`SELECT count(*)::int AS v FROM coaching_outcomes`),
    };
  });
  expect(facts).toEqual({
    roles: ['admin', 'manager', 'rep'],
    withoutTranscript: 0,
    withoutAnalysis: 0,
    onContact101: 5,
    statuses: ['draft', 'sent'],
    outcomes: 3,
  });
});

test('seeding again adds nothing', async () => {
  const again = await seedDemo(testDb.db, { analyse });
  expect(again.conversations).toEqual({ new: 0, updated: 0, unchanged: 50 });
  const { rows } = await withSystem(testDb.db, (tx) =>
    tx.query<{ n: number }>('SELECT count(*)::int AS n FROM coaching_messages'),
  );
  expect(rows[0]!.n).toBe(12);
});
