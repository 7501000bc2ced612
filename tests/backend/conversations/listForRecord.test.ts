import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { getConversation } from '../../../backend/src/conversations/getConversation.ts';
import { listConversationsForRecord } from '../../../backend/src/conversations/listForRecord.ts';
import { withSystem, withTenant } from '../../../backend/src/db/tenancy.ts';
import { InvalidInput, NotFound } from '../../../backend/src/errors.ts';
import { seedConversationsOnRecord, type SeededConversation } from '../../support/conversationFixture.ts';
import { createMigratedDatabase, type TestDatabase } from '../../support/database.ts';
import { seedTenant, type TenantFixture } from '../../support/tenantFixture.ts';

let testDb: TestDatabase;
let a: TenantFixture;
let b: TenantFixture;
let onContact: SeededConversation[];
let otherTenantsCall: SeededConversation[];

beforeAll(async () => {
  testDb = await createMigratedDatabase();
  a = await seedTenant(testDb.db, 610);
  b = await seedTenant(testDb.db, 620);
  onContact = await seedConversationsOnRecord(testDb.db, {
    accountId: a.accountId,
    objectType: 'contacts',
    objectId: 555,
    count: 25,
    ties: true,
  });
  await seedConversationsOnRecord(testDb.db, { accountId: a.accountId, objectType: 'deals', objectId: 555, count: 3 });
  // The same contact id in another portal is another contact.
  otherTenantsCall = await seedConversationsOnRecord(testDb.db, {
    accountId: b.accountId,
    objectType: 'contacts',
    objectId: 555,
    count: 1,
  });
});
afterAll(() => testDb.drop());

const asA = <T>(fn: Parameters<typeof withTenant<T>>[2]) =>
  withTenant(testDb.db, { accountId: a.accountId, userId: a.users.rep1 }, fn);

describe('conversations of a record', () => {
  test('pages through every call on the record once, newest first, ties broken by id', async () => {
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await asA((tx) =>
        listConversationsForRecord(tx, { objectType: 'contacts', objectId: 555, limit: 10, cursor }),
      );
      pageSizes.push(page.items.length);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pageSizes).toEqual([10, 10, 5]);
    const expected = [...onContact]
      .sort((x, y) => y.startedAt.getTime() - x.startedAt.getTime() || (y.id < x.id ? -1 : 1))
      .map((c) => c.id);
    expect(seen).toEqual(expected);
  });

  test('items carry what the card shows, and only this tenant and object type', async () => {
    const page = await asA((tx) => listConversationsForRecord(tx, { objectType: 'deals', objectId: 555, limit: 10 }));
    expect(page.items).toHaveLength(3);
    expect(page.nextCursor).toBeNull();
    expect(page.items[0]).toEqual({
      id: expect.any(String),
      title: 'Call 0',
      startedAt: '2026-11-01T12:00:00.000Z',
      durationSeconds: 600,
      recordedBy: { name: null, email: null },
      participants: [],
      score: null,
      openActionItems: 1,
      url: null,
    });
    const contactIds = (
      await asA((tx) => listConversationsForRecord(tx, { objectType: 'contacts', objectId: 555, limit: 100 }))
    ).items.map((i) => i.id);
    expect(contactIds).not.toContain(otherTenantsCall[0]!.id);
  });

  test('a cursor that this API did not issue is refused', async () => {
    await expect(
      asA((tx) =>
        listConversationsForRecord(tx, { objectType: 'contacts', objectId: 555, limit: 10, cursor: 'bm9wZQ' }),
      ),
    ).rejects.toBeInstanceOf(InvalidInput);
  });
});

describe('one conversation', () => {
  test('shows participants, analysis and a transcript excerpt around the key moments', async () => {
    const id = a.conversationIds[0]!;
    await withSystem(testDb.db, async (tx) => {
      await tx.query('DELETE FROM transcript_segments WHERE account_id = $1 AND conversation_id = $2', [
        a.accountId,
        id,
      ]);
      for (let i = 0; i < 60; i++) {
        await tx.query(
          `INSERT INTO transcript_segments (account_id, conversation_id, position, speaker_name, is_external, text, start_seconds)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [a.accountId, id, i, i % 2 ? 'Buyer' : 'Rep', i % 2 === 1, `line ${i}`, i * 10],
        );
      }
      await tx.query(`UPDATE conversation_analyses SET metrics = $3 WHERE account_id = $1 AND conversation_id = $2`, [
        a.accountId,
        id,
        JSON.stringify({ topics: [{ name: 'pricing', moments: [{ seconds: 305 }] }] }),
      ]);
    });
    const detail = await asA((tx) => getConversation(tx, id));
    expect(detail.participants).toEqual([{ name: 'Buyer', email: 'buyer@customer-610.example.com', isExternal: true }]);
    expect(detail.analysis).toMatchObject({ analyserVersion: 'test', score: 70 });
    // 305 s falls in segment 30 (starts at 300 s); two segments either side.
    expect(detail.transcriptExcerpt.map((line) => line.position)).toEqual([28, 29, 30, 31, 32]);
    expect(detail.transcriptExcerpt[2]).toEqual({
      position: 30,
      speaker: 'Rep',
      isExternal: false,
      text: 'line 30',
      startSeconds: 300,
      playbackUrl: null,
    });
  });

  test('the key moments the excerpt is cut around: numbers or { seconds }, each once, earliest first, at most five', async () => {
    const momentsOf = async (metrics: unknown) =>
      (
        await testDb.db.query<{ seconds: number[] }>(
          'SELECT conversation_key_moments($1::jsonb, 5)::float8[] AS seconds',
          [JSON.stringify(metrics)],
        )
      ).rows[0]!.seconds;
    expect(
      await momentsOf({
        topics: [
          { name: 'pricing', moments: [90, { seconds: 30 }, 90, { seconds: 'soon' }, null, 'x'] },
          { name: 'timeline', moments: [{ seconds: 12.5 }, 400, 7, 600, 8, { seconds: 8 }] },
          { name: 'nothing here', moments: 'not a list' },
          'not a topic',
        ],
        nextSteps: { moments: [1] },
      }),
    ).toEqual([7, 8, 12.5, 30, 90]);
    expect(await momentsOf({})).toEqual([]);
    expect(await momentsOf({ topics: { pricing: [1] } })).toEqual([]);
    expect(await momentsOf([])).toEqual([]);
  });

  test("another tenant's conversation is not found", async () => {
    await expect(asA((tx) => getConversation(tx, b.conversationIds[0]!))).rejects.toBeInstanceOf(NotFound);
  });
});
