// The conversations card reads participants, open action items and score from columns of the
// call's row, written at write time (the sync's upsert, refresh_conversation_cards() elsewhere),
// and reads them, with the call's title, time, duration, recorder and link, from the copies on
// the call's CRM links (the triggers of db/triggers). Each write path that changes one of them must leave those
// columns equal to what the call's rows say now, on the call and on every one of its links.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { reanalyse } from '../../../backend/src/coaching/reanalyse.ts';
import type { ConversationAnalyser } from '../../../backend/src/coaching/analysis/types.ts';
import { withSystem, withTenant } from '../../../backend/src/db/tenancy.ts';
import { forgetContact } from '../../../backend/src/hubspot/lifecycle.ts';
import { storeConversation, type AnalyseFn } from '../../../backend/src/sync/storeConversation.ts';
import { createMigratedDatabase, type TestDatabase } from '../../support/database.ts';
import { incomingConversation } from '../../support/incoming.ts';
import { seedTenant, type TenantFixture } from '../../support/tenantFixture.ts';

let testDb: TestDatabase;
let a: TenantFixture;

const analyse: AnalyseFn = (conversation) => ({
  version: 'count-1',
  score: 10 * conversation.segments.length,
  metrics: {},
});

beforeAll(async () => {
  testDb = await createMigratedDatabase();
  a = await seedTenant(testDb.db, 830);
});
afterAll(() => testDb.drop());

type CardFields = { participants: unknown; openActionItems: number; score: number | null };

/** The card columns as stored, and the same fields worked out here from the call's own rows. */
async function storedAndTrue(conversationId: string): Promise<{ stored: CardFields; truth: CardFields }> {
  return withSystem(testDb.db, async (tx) => {
    const call = (
      await tx.query<{
        card_participants: unknown;
        card_open_action_items: number;
        card_score: number | null;
        action_items: unknown;
      }>(
        'SELECT card_participants, card_open_action_items, card_score, action_items FROM conversations WHERE id = $1',
        [conversationId],
      )
    ).rows[0]!;
    const people = (
      await tx.query<{ name: string | null; email: string | null; is_external: boolean }>(
        `SELECT name, email, is_external FROM conversation_participants WHERE conversation_id = $1
        ORDER BY is_external DESC, participant_key`,
        [conversationId],
      )
    ).rows;
    const analysis = (
      await tx.query<{ score: number | null }>('SELECT score FROM conversation_analyses WHERE conversation_id = $1', [
        conversationId,
      ])
    ).rows[0];
    const items = Array.isArray(call.action_items) ? (call.action_items as Array<{ completed?: unknown }>) : [];
    const links = (
      await tx.query<Record<string, unknown>>(
        `SELECT l.conversation_started_at = c.started_at AND l.conversation_title = c.title
            AND l.conversation_duration_seconds = c.duration_seconds
            AND l.conversation_recorded_by_user_id IS NOT DISTINCT FROM c.recorded_by_user_id
            AND l.conversation_recorded_by_name IS NOT DISTINCT FROM c.recorded_by_name
            AND l.conversation_recorded_by_email IS NOT DISTINCT FROM c.recorded_by_email
            AND l.conversation_url IS NOT DISTINCT FROM c.url
            AND l.conversation_score IS NOT DISTINCT FROM c.card_score
            AND l.conversation_open_action_items = c.card_open_action_items
            AND l.conversation_participants = c.card_participants AS copies_the_call
           FROM conversation_crm_links l JOIN conversations c ON c.id = l.conversation_id
          WHERE l.conversation_id = $1`,
        [conversationId],
      )
    ).rows;
    expect(links.length).toBeGreaterThan(0);
    expect(links).toEqual(links.map(() => ({ copies_the_call: true })));
    return {
      stored: {
        participants: call.card_participants,
        openActionItems: call.card_open_action_items,
        score: call.card_score,
      },
      truth: {
        participants: people.map((p) => ({ name: p.name, email: p.email, isExternal: p.is_external })),
        openActionItems: items.filter((item) => item?.completed !== true).length,
        score: analysis?.score ?? null,
      },
    };
  });
}

const inA = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(testDb.db, { accountId: a.accountId }, fn);

test('sync and webhook storage (storeConversation): a new call and an edited call keep the card fields true', async () => {
  const first = await inA((tx) => storeConversation(tx, incomingConversation({ externalId: 'card-1' }), analyse));
  const afterNew = await storedAndTrue(first.conversationId);
  expect(afterNew.stored).toEqual(afterNew.truth);
  expect(afterNew.stored).toMatchObject({ openActionItems: 1, score: 30 });

  const edited = incomingConversation({
    externalId: 'card-1',
    participants: [{ name: 'Carol Champion', email: 'carol@acme.example.com', isExternal: true }],
    actionItems: [
      { description: 'Send pricing', completed: true, timestampSeconds: 1500, assigneeEmail: null },
      { description: 'Book the demo', completed: false, timestampSeconds: 1600, assigneeEmail: null },
      { description: 'Loop in legal', completed: false, timestampSeconds: 1700, assigneeEmail: null },
    ],
    segments: incomingConversation().segments.slice(0, 1),
  });
  const again = await inA((tx) => storeConversation(tx, edited, analyse));
  expect(again).toEqual({ conversationId: first.conversationId, change: 'updated' });
  const afterEdit = await storedAndTrue(first.conversationId);
  expect(afterEdit.stored).toEqual(afterEdit.truth);
  expect(afterEdit.stored).toEqual({
    participants: [{ name: 'Carol Champion', email: 'carol@acme.example.com', isExternal: true }],
    openActionItems: 2,
    score: 10,
  });
});

test("an edited call's title, link, duration and start are copied onto every one of its links", async () => {
  const linked = { contactIds: [9001, 9002], dealIds: [7001], companyIds: [] };
  const first = await inA((tx) =>
    storeConversation(tx, incomingConversation({ externalId: 'card-copy', crmMatches: linked }), analyse),
  );
  const edited = incomingConversation({
    externalId: 'card-copy',
    crmMatches: linked,
    title: 'Acme / Pricing (renamed in Fathom)',
    url: 'https://fathom.video/calls/1-moved',
    startedAt: new Date('2026-11-03T09:00:00Z'),
    endedAt: new Date('2026-11-03T09:45:00Z'),
    durationSeconds: 2700,
  });
  expect(await inA((tx) => storeConversation(tx, edited, analyse))).toEqual({
    conversationId: first.conversationId,
    change: 'updated',
  });
  const copies = await withSystem(
    testDb.db,
    async (tx) =>
      (
        await tx.query(
          `SELECT object_type, object_id::int, conversation_title AS title, conversation_url AS url,
                  conversation_duration_seconds AS duration, conversation_started_at AS started_at
             FROM conversation_crm_links WHERE conversation_id = $1 ORDER BY object_type, object_id`,
          [first.conversationId],
        )
      ).rows,
  );
  const copy = {
    title: 'Acme / Pricing (renamed in Fathom)',
    url: 'https://fathom.video/calls/1-moved',
    duration: 2700,
    started_at: new Date('2026-11-03T09:00:00Z'),
  };
  expect(copies).toEqual([
    { object_type: 'contacts', object_id: 9001, ...copy },
    { object_type: 'contacts', object_id: 9002, ...copy },
    { object_type: 'deals', object_id: 7001, ...copy },
  ]);
  expect((await storedAndTrue(first.conversationId)).stored).toEqual((await storedAndTrue(first.conversationId)).truth);
});

test('sync storage: duplicate, name-only and mixed-case participants give the card what the participants table holds', async () => {
  const crowded = incomingConversation({
    externalId: 'card-crowd',
    participants: [
      { name: 'Zoe Seller', email: 'Zoe@Us.example.com', isExternal: false },
      { name: 'Walk-in', email: null, isExternal: true },
      { name: 'Carol Champion', email: 'carol@acme.example.com', isExternal: true },
      { name: 'Carol Again', email: 'CAROL@acme.example.com', isExternal: false },
      { name: 'Adam Seller', email: 'adam@us.example.com', isExternal: false },
      { name: null, email: null, isExternal: true },
    ],
    actionItems: [],
  });
  const stored = await inA((tx) => storeConversation(tx, crowded, analyse));
  const fields = await storedAndTrue(stored.conversationId);
  expect(fields.stored).toEqual(fields.truth);
  expect(fields.stored.openActionItems).toBe(0);
  expect((fields.stored.participants as unknown[]).length).toBe(5);
});

test('re-analysis keeps the card score true', async () => {
  const stored = await inA((tx) => storeConversation(tx, incomingConversation({ externalId: 'card-2' }), analyse));
  const fixed: ConversationAnalyser = { version: 'fixed-2', analyse: () => ({ score: 87 }) as never };
  await reanalyse(testDb.db, fixed, { all: true });
  const after = await storedAndTrue(stored.conversationId);
  expect(after.stored).toEqual(after.truth);
  expect(after.stored.score).toBe(87);
});

test("privacy deletion (forgetContact) takes the contact out of the card's participants", async () => {
  const stored = await inA((tx) => storeConversation(tx, incomingConversation({ externalId: 'card-3' }), analyse));
  await withSystem(testDb.db, (tx) =>
    tx.query(
      `INSERT INTO conversation_crm_links (account_id, conversation_id, object_type, object_id, source, matched_email)
       VALUES ($1, $2, 'contacts', 4711, 'email', 'bob@acme.example.com')`,
      [a.accountId, stored.conversationId],
    ),
  );
  expect(JSON.stringify((await storedAndTrue(stored.conversationId)).stored)).toContain('bob@acme.example.com');
  expect(await forgetContact(testDb.db, a.accountId, 4711)).toBe(1);
  const after = await storedAndTrue(stored.conversationId);
  expect(after.stored).toEqual(after.truth);
  expect(JSON.stringify(after.stored)).not.toContain('bob@acme.example.com');
});

test("a refresh writes only the calls whose card fields changed, and only the tenant's own", async () => {
  const rewritten = await inA(
    async (tx) =>
      (await tx.query<{ n: number }>('SELECT refresh_conversation_cards(array_agg(id)) AS n FROM conversations'))
        .rows[0]!.n,
  );
  expect(rewritten).toBe(0);
});
