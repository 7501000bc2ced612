import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { createMessage, recordOutcome, transitionMessage } from '../../../backend/src/coaching/messages.ts';
import { withSystem, withTenant } from '../../../backend/src/db/tenancy.ts';
import type { Caller } from '../../../backend/src/users/caller.ts';
import { createMigratedDatabase, type TestDatabase } from '../../support/database.ts';
import { seedTenant, type TenantFixture } from '../../support/tenantFixture.ts';

let testDb: TestDatabase;
let a: TenantFixture;

beforeAll(async () => {
  testDb = await createMigratedDatabase();
  a = await seedTenant(testDb.db, 730);
  // Rep 1's calls: talk ratios before the coaching (days -20..-13) and after it (days +1..+3).
  const calls: Array<[days: number, repTalk: number]> = [
    [-20, 0.9],
    [-16, 0.5],
    [-15, 0.8],
    [-14, 0.7],
    [-13, 0.7],
    [-12, 0.8],
    [1, 0.6],
    [2, 0.5],
    [3, 0.4],
  ];
  await withSystem(testDb.db, async (tx) => {
    await tx.query('DELETE FROM conversations WHERE account_id = $1 AND id <> $2', [a.accountId, a.conversationIds[0]]);
    await tx.query(`UPDATE conversations SET started_at = now() - interval '30 days' WHERE id = $1`, [
      a.conversationIds[0],
    ]);
    await tx.query(
      `UPDATE conversation_analyses SET metrics = '{"talkRatio":{"rep":0.1}}' WHERE conversation_id = $1`,
      [a.conversationIds[0]],
    );
    for (const [i, [days, talk]] of calls.entries()) {
      const id = (
        await tx.query<{ id: string }>(
          `INSERT INTO conversations (account_id, external_id, started_at, recorded_by_user_id) VALUES ($1, $2, now() + $3 * interval '1 day', $4) RETURNING id`,
          [a.accountId, `m-${i}`, days, a.users.rep1],
        )
      ).rows[0]!.id;
      await tx.query(
        `INSERT INTO conversation_analyses (account_id, conversation_id, analyser_version, score, metrics) VALUES ($1, $2, 't', 50, $3)`,
        [a.accountId, id, JSON.stringify({ talkRatio: { rep: talk } })],
      );
    }
  });
});
afterAll(() => testDb.drop());

test("an outcome stores the rep's metric over his 5 calls before the message and up to 5 after it", async () => {
  const manager: Caller = {
    accountId: a.accountId,
    hubId: 730,
    userId: a.users.manager,
    hubspotUserId: 7302,
    email: 'manager@730.example.com',
    role: 'manager',
  };
  const outcome = await withTenant(testDb.db, { accountId: a.accountId, userId: a.users.manager }, async (tx) => {
    const message = await createMessage(tx, manager, {
      conversationId: a.conversationIds[0]!,
      category: 'talk_ratio',
      body: 'Let them talk.',
    });
    await transitionMessage(tx, manager, message.id, 'send');
    return (await recordOutcome(tx, manager, message.id, { result: 'applied' })).outcome;
  });
  // Before: the 5 latest calls before now are days -16..-12: (0.5 + 0.8 + 0.7 + 0.7 + 0.8) / 5 = 0.7.
  // After: days +1..+3: (0.6 + 0.5 + 0.4) / 3 = 0.5.
  expect(outcome?.measured).toEqual({
    metricName: 'rep talk ratio',
    before: 0.7,
    after: 0.5,
    callsBefore: 5,
    callsAfter: 3,
  });
});
