import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { analyseFnFor } from '../../../backend/src/sync/analyseMeeting.ts';
import { ruleBasedAnalyser } from '../../../backend/src/coaching/analysis/ruleBasedAnalyser.ts';
import { createMessage, recordOutcome, transitionMessage } from '../../../backend/src/coaching/messages.ts';
import { suggestCoaching } from '../../../backend/src/coaching/suggestions.ts';
import { withSystem, withTenant } from '../../../backend/src/db/tenancy.ts';
import { Forbidden } from '../../../backend/src/errors.ts';
import { seedDemo } from '../../../backend/src/seed/seedDemo.ts';
import type { Caller } from '../../../backend/src/users/caller.ts';
import { createMigratedDatabase, type TestDatabase } from '../../support/database.ts';

let testDb: TestDatabase;
let manager: Caller;
let calls: Array<{ id: string; title: string }>;

beforeAll(async () => {
  testDb = await createMigratedDatabase();
  await seedDemo(testDb.db, { hubId: 4444, conversations: 12, analyse: analyseFnFor(ruleBasedAnalyser) });
  const facts = await withSystem(testDb.db, async (tx) => ({
    account: (await tx.query<{ id: string }>('SELECT id FROM accounts')).rows[0]!.id,
    mia: (await tx.query<{ id: string }>(`SELECT id FROM users WHERE email = 'mia.manager@demo.example.com'`)).rows[0]!
      .id,
    // Calls of Mia's reps: a manager coaches, and sees the analyses of, his own team only.
    calls: (
      await tx.query<{ id: string; title: string }>(
        `SELECT c.id, c.title FROM conversations c
         JOIN user_roles r ON r.user_id = c.recorded_by_user_id
         JOIN users m ON m.id = r.manager_user_id AND m.email = 'mia.manager@demo.example.com'
        ORDER BY c.started_at DESC`,
      )
    ).rows,
  }));
  manager = {
    accountId: facts.account,
    hubId: 4444,
    userId: facts.mia,
    hubspotUserId: 9_000_002,
    email: 'mia.manager@demo.example.com',
    role: 'manager',
  };
  calls = facts.calls;
  await withSystem(testDb.db, (tx) => tx.query(`DELETE FROM coaching_outcomes`));
});
afterAll(() => testDb.drop());

const asManager = <T>(fn: Parameters<typeof withTenant<T>>[2]) =>
  withTenant(testDb.db, { accountId: manager.accountId, userId: manager.userId }, fn);

test('findings of the analysis are measured against the team norm', async () => {
  const target = calls[0]!.id;
  await withSystem(testDb.db, (tx) =>
    tx.query(
      `UPDATE conversation_analyses SET metrics = metrics || '{"talkRatio":{"rep":0.92},"nextSteps":{"agreed":false},"questions":{"total":1}}'::jsonb
        WHERE conversation_id = $1`,
      [target],
    ),
  );
  const suggestions = await asManager((tx) => suggestCoaching(tx, manager, target));
  const analysis = suggestions.filter((s) => s.kind === 'analysis');
  expect(analysis.map((s) => s.category)).toEqual(expect.arrayContaining(['talk_ratio', 'next_steps', 'discovery']));
  expect(analysis.find((s) => s.category === 'talk_ratio')!.reason).toMatch(
    /^The rep talked 92% of the time; the team's norm is \d+%\.$/,
  );
  expect(analysis.find((s) => s.category === 'discovery')!.reason).toBe(
    'The rep asked 1 question; aim for at least one every two minutes.',
  );
});

test('past coaching with a good outcome on similar calls is suggested, ranked; other outcomes are not', async () => {
  const coach = async (conversationId: string, body: string, result: 'applied' | 'not_yet') =>
    asManager(async (tx) => {
      const message = await createMessage(tx, manager, { conversationId, category: 'objection_handling', body });
      await transitionMessage(tx, manager, message.id, 'send');
      await recordOutcome(tx, manager, message.id, { result });
      return message.id;
    });
  const worked = await coach(
    calls[3]!.id,
    'When pricing came up, tie the price to the hours of notes saved.',
    'applied',
  );
  const pending = await coach(calls[4]!.id, 'Handle the pricing objection before the demo.', 'not_yet');
  const suggestions = await asManager((tx) => suggestCoaching(tx, manager, calls[0]!.id));
  const past = suggestions.filter((s) => s.kind === 'past_coaching');
  expect(past.map((s) => s.kind === 'past_coaching' && s.messageId)).toEqual([worked]);
  expect(past[0]).toMatchObject({
    category: 'objection_handling',
    body: expect.stringMatching(/pricing/),
    rank: expect.any(Number),
  });
  expect(JSON.stringify(suggestions)).not.toContain(pending);
});

test('reps do not get suggestions', async () => {
  const rep = { ...manager, role: 'rep' as const };
  await expect(asManager((tx) => suggestCoaching(tx, rep, calls[0]!.id))).rejects.toBeInstanceOf(Forbidden);
});
