import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Queryable } from '../../../backend/src/db/database.ts';
import { withTenant } from '../../../backend/src/db/tenancy.ts';
import { storeConversation, type AnalyseFn } from '../../../backend/src/sync/storeConversation.ts';
import { createMigratedDatabase, type TestDatabase } from '../../support/database.ts';
import { incomingConversation } from '../../support/incoming.ts';
import { countsFor, seedTenant, type TenantFixture } from '../../support/tenantFixture.ts';

let testDb: TestDatabase;
let a: TenantFixture;
let b: TenantFixture;

// A stand-in analyser with a visible effect: the score is the number of segments.
const analyse: AnalyseFn = (conversation) => ({
  version: 'count-1',
  score: conversation.segments.length,
  metrics: { segments: conversation.segments.length },
});

beforeAll(async () => {
  testDb = await createMigratedDatabase();
  a = await seedTenant(testDb.db, 810);
  b = await seedTenant(testDb.db, 820);
});
afterAll(() => testDb.drop());

const inA = <T>(fn: (tx: Queryable) => Promise<T>) => withTenant(testDb.db, { accountId: a.accountId }, fn);

test('a new meeting is stored whole: conversation, participants, transcript, Fathom links, analysis', async () => {
  const result = await inA((tx) => storeConversation(tx, incomingConversation({ externalId: 'store-1' }), analyse));
  expect(result.change).toBe('new');
  const stored = await inA(async (tx) => ({
    conversation: (
      await tx.query('SELECT title, duration_seconds, recorded_by_email FROM conversations WHERE id = $1', [
        result.conversationId,
      ])
    ).rows,
    participants: (
      await tx.query(
        'SELECT participant_key, is_external FROM conversation_participants WHERE conversation_id = $1 ORDER BY participant_key',
        [result.conversationId],
      )
    ).rows,
    segments: (
      await tx.query(
        'SELECT position, speaker_name, is_external, start_seconds FROM transcript_segments WHERE conversation_id = $1 ORDER BY position',
        [result.conversationId],
      )
    ).rows,
    links: (
      await tx.query(
        'SELECT object_type, object_id, source FROM conversation_crm_links WHERE conversation_id = $1 ORDER BY object_type',
        [result.conversationId],
      )
    ).rows,
    analysis: (
      await tx.query('SELECT analyser_version, score FROM conversation_analyses WHERE conversation_id = $1', [
        result.conversationId,
      ])
    ).rows,
  }));
  expect(stored).toEqual({
    conversation: [{ title: 'Acme / Discovery', duration_seconds: 1800, recorded_by_email: 'rita@seller.example.com' }],
    participants: [
      { participant_key: 'bob@acme.example.com', is_external: true },
      { participant_key: 'name:Dial-in guest', is_external: true },
      { participant_key: 'rita@seller.example.com', is_external: false },
    ],
    // Bob's segment has no matched email: his side comes from his name among the invitees.
    segments: [
      { position: 0, speaker_name: 'Rita Rep', is_external: false, start_seconds: 0 },
      { position: 1, speaker_name: 'Bob Buyer', is_external: true, start_seconds: 6 },
      { position: 2, speaker_name: 'Rita Rep', is_external: false, start_seconds: 14 },
    ],
    links: [
      { object_type: 'contacts', object_id: 9001, source: 'fathom' },
      { object_type: 'deals', object_id: 7001, source: 'fathom' },
    ],
    analysis: [{ analyser_version: 'count-1', score: 3 }],
  });
});

test('storing the same meeting again writes nothing', async () => {
  const first = await inA((tx) => storeConversation(tx, incomingConversation({ externalId: 'store-2' }), analyse));
  const before = await countsFor(testDb.db, a.accountId);
  const again = await inA((tx) => storeConversation(tx, incomingConversation({ externalId: 'store-2' }), analyse));
  expect(again).toEqual({ conversationId: first.conversationId, change: 'unchanged' });
  expect(await countsFor(testDb.db, a.accountId)).toEqual(before);
});

test('an edited meeting updates in place, replacing its transcript', async () => {
  const first = await inA((tx) => storeConversation(tx, incomingConversation({ externalId: 'store-3' }), analyse));
  const edited = incomingConversation({
    externalId: 'store-3',
    title: 'Acme / Discovery (renamed)',
    segments: [{ speakerName: 'Rita Rep', speakerEmail: null, text: 'Only line now.', startSeconds: 0 }],
  });
  const result = await inA((tx) => storeConversation(tx, edited, analyse));
  expect(result).toEqual({ conversationId: first.conversationId, change: 'updated' });
  const after = await inA(async (tx) => ({
    titles: (await tx.query(`SELECT title FROM conversations WHERE external_id = 'store-3'`)).rows,
    segments: (
      await tx.query('SELECT text FROM transcript_segments WHERE conversation_id = $1', [first.conversationId])
    ).rows,
    score: (
      await tx.query('SELECT score FROM conversation_analyses WHERE conversation_id = $1', [first.conversationId])
    ).rows,
  }));
  expect(after).toEqual({
    titles: [{ title: 'Acme / Discovery (renamed)' }],
    segments: [{ text: 'Only line now.' }],
    score: [{ score: 1 }],
  });
});

test('the same recording id in two portals is two conversations', async () => {
  const inAccountA = await inA((tx) =>
    storeConversation(tx, incomingConversation({ externalId: 'shared-id' }), analyse),
  );
  const inAccountB = await withTenant(testDb.db, { accountId: b.accountId }, (tx) =>
    storeConversation(tx, incomingConversation({ externalId: 'shared-id' }), analyse),
  );
  expect(inAccountB.change).toBe('new');
  expect(inAccountB.conversationId).not.toBe(inAccountA.conversationId);
});

test("the recorder is linked to the portal's user with the same email", async () => {
  await withTenant(testDb.db, { accountId: a.accountId }, (tx) =>
    tx.query(`INSERT INTO users (account_id, email) VALUES (app_account_id(), 'rita@seller.example.com')`),
  );
  const result = await inA((tx) => storeConversation(tx, incomingConversation({ externalId: 'store-4' }), analyse));
  const { rows } = await inA((tx) =>
    tx.query<{ email: string }>(
      'SELECT u.email FROM conversations c JOIN users u ON u.id = c.recorded_by_user_id WHERE c.id = $1',
      [result.conversationId],
    ),
  );
  expect(rows).toEqual([{ email: 'rita@seller.example.com' }]);
});
