import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { listSyncLogs } from '../../../backend/src/sync/syncLogs.ts';
import { runSync } from '../../../backend/src/sync/runSync.ts';
import { withTenant } from '../../../backend/src/db/tenancy.ts';
import { createMigratedDatabase, type TestDatabase } from '../../support/database.ts';
import { generateMeetings, startFathomStandIn, type FathomStandIn } from '../../support/fathomStandIn.ts';
import { connectedAccount, standInSource } from '../../support/fathomSync.ts';

const HUB = 6501;
const COUNT = 30;
let testDb: TestDatabase;
let fathom: FathomStandIn;
let accountId: string;
let manyWords: string;
let unstorableId: string;

beforeAll(async () => {
  testDb = await createMigratedDatabase();
  accountId = await connectedAccount(testDb.db, HUB);
  const meetings = generateMeetings({ count: COUNT, segmentsPerMeeting: 4 });
  // 60,000 distinct words: their tsvector is over PostgreSQL's 1 MB limit ("string is too long for tsvector").
  const words = Array.from({ length: 60_000 }, (_, i) => `lexeme${i.toString(36).padStart(4, '0')}xyz`);
  const poisoned = meetings[COUNT - 8]!;
  poisoned.transcript = Array.from({ length: 60 }, (_, s) => ({
    speaker: poisoned.transcript[s % 2]!.speaker,
    text: words.slice(s * 1000, (s + 1) * 1000).join(' '),
    timestamp: `00:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`,
  }));
  manyWords = String(poisoned.recording_id);
  // A recording that ends in the year 9999: its duration is out of the column's range, so the
  // database refuses this meeting (any refusal would do: it stands for what we cannot foresee).
  const unstorable = meetings[COUNT - 15]!;
  unstorable.recording_end_time = '9999-12-31T23:59:59Z';
  unstorable.scheduled_end_time = '9999-12-31T23:59:59Z';
  unstorableId = String(unstorable.recording_id);
  fathom = await startFathomStandIn({ meetings, pageSize: 10 });
});
afterAll(async () => {
  await fathom.close();
  await testDb.drop();
});

test('a meeting of 60,000 distinct words is stored with a bounded search index, and an unstorable one is a logged incident that blocks nothing', async () => {
  const progress = await runSync(testDb.db, {
    accountId,
    source: standInSource({ baseUrl: fathom.baseUrl, apiKey: fathom.apiKey, hubId: HUB }),
    analyse: (c) => ({ version: 'test', score: null, metrics: { segments: c.segments.length } }),
  });
  // Every page was read once, and the backfill completed past both poisoned meetings.
  expect(progress).toMatchObject({ kind: 'backfill', pages: 3, meetingsNew: COUNT - 1, errors: 1 });
  expect(fathom.callCount('GET /meetings')).toBe(3);

  const stored = await withSystem(
    testDb.db,
    async (tx) =>
      (
        await tx.query<{ external_id: string; lexemes: number | null }>(
          'SELECT external_id, length(transcript_search) AS lexemes FROM conversations WHERE account_id = $1',
          [accountId],
        )
      ).rows,
  );
  expect(stored).toHaveLength(COUNT - 1);
  expect(stored.map((row) => row.external_id)).not.toContain(unstorableId);
  const big = stored.find((row) => row.external_id === manyWords)!;
  expect(big.lexemes).toBeGreaterThan(1_000);
  expect(big.lexemes).toBeLessThan(60_000);
  // The whole transcript is kept; only the search index is bounded.
  const segments = await withSystem(
    testDb.db,
    async (tx) =>
      (
        await tx.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM transcript_segments s JOIN conversations c ON c.id = s.conversation_id WHERE c.external_id = $1 AND c.account_id = $2',
          [manyWords, accountId],
        )
      ).rows[0]!.n,
  );
  expect(segments).toBe(60);

  const [log] = await withTenant(testDb.db, { accountId }, (tx) => listSyncLogs(tx));
  expect(log).toMatchObject({ status: 'succeeded', pages: 3, meetingsNew: COUNT - 1, errors: 1 });
  expect(log!.errorMessages).toEqual([expect.stringMatching(new RegExp(`^meeting ${unstorableId} was not stored: `))]);
  const connection = await withSystem(
    testDb.db,
    async (tx) =>
      (
        await tx.query<{ sync_cursor: string | null; backfill_completed_at: Date | null }>(
          `SELECT sync_cursor, backfill_completed_at FROM api_connections WHERE account_id = $1 AND provider = 'fathom'`,
          [accountId],
        )
      ).rows[0]!,
  );
  expect(connection.sync_cursor).toBeNull();
  expect(connection.backfill_completed_at).not.toBeNull();
});
