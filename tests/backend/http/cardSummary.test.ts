import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { playbackUrlAt } from '../../../backend/src/conversations/playback.ts';
import type { Queryable } from '../../../backend/src/db/database.ts';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { seedTenant, type TenantFixture } from '../../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

const clientSecret = randomBytes(24).toString('base64url');
let backend: TestBackend;
let a: TenantFixture;
let detailId: string;

const asRep = (path: string) =>
  signedFetch(backend.url, path, {
    clientSecret,
    identity: { portalId: 730, userId: 7303, userEmail: 'rep1@730.example.com' },
  });
// Scores and analyses follow the person (docs/who-sees-what.md): an admin sees them all.
const asAdmin = (path: string) =>
  signedFetch(backend.url, path, {
    clientSecret,
    identity: { portalId: 730, userId: 7301, userEmail: 'admin@730.example.com' },
  });
const json = async (response: Response) => ({
  status: response.status,
  body: (await response.json()) as Record<string, unknown>,
});

type Call = {
  daysAgo: number;
  score: number;
  actionItems?: unknown[];
  topics?: unknown[];
  dealId: number;
  url?: string;
};

async function insertCall(tx: Queryable, call: Call, key: string): Promise<string> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO conversations (account_id, external_id, title, started_at, duration_seconds, action_items, url)
     VALUES ($1, $2, $2, now() - ($3 || ' days')::interval, 900, $4, $5) RETURNING id`,
    [a.accountId, key, call.daysAgo, JSON.stringify(call.actionItems ?? []), call.url ?? null],
  );
  const id = rows[0]!.id;
  await tx.query(
    `INSERT INTO conversation_analyses (account_id, conversation_id, analyser_version, score, metrics) VALUES ($1, $2, 'test', $3, $4)`,
    [a.accountId, id, call.score, JSON.stringify({ topics: call.topics ?? [] })],
  );
  await tx.query(
    `INSERT INTO conversation_crm_links (account_id, conversation_id, object_type, object_id, source) VALUES ($1, $2, 'deals', $3, 'association')`,
    [a.accountId, id, call.dealId],
  );
  return id;
}

beforeAll(async () => {
  backend = await startTestBackend({ HUBSPOT_CLIENT_ID: 'summary-test-client', HUBSPOT_CLIENT_SECRET: clientSecret });
  a = await seedTenant(backend.testDb.db, 730);
  await seedTenant(backend.testDb.db, 740);
  detailId = await withSystem(backend.testDb.db, async (tx) => {
    const pricing = { name: 'pricing', count: 2, moments: [{ seconds: 30, segment: 0 }] };
    const calls: Call[] = [];
    // Deal 5001: the five newest calls score 80, the five before them 60, the two oldest 40.
    for (let day = 1; day <= 12; day++) {
      calls.push({ dealId: 5001, daysAgo: day, score: day <= 5 ? 80 : day <= 10 ? 60 : 40 });
    }
    calls[0]!.actionItems = [
      { description: 'Send pricing', completed: false, timestampSeconds: 90 },
      { description: 'Done', completed: true },
    ];
    calls[1]!.actionItems = [{ description: 'Book demo', completed: false }];
    for (const index of [0, 1, 2]) calls[index]!.topics = [pricing, { name: 'competitors', count: 0, moments: [] }];
    calls[3]!.topics = [{ name: 'competitors', count: 1, moments: [] }];
    calls[0]!.url = 'https://fathom.video/calls/42';
    // Deal 5002: a steady score, so no direction to speak of.
    for (let day = 1; day <= 6; day++) calls.push({ dealId: 5002, daysAgo: day, score: day <= 5 ? 70 : 72 });
    const ids: string[] = [];
    for (const [index, call] of calls.entries()) ids.push(await insertCall(tx, call, `summary-${index}`));
    await tx.query(
      `INSERT INTO transcript_segments (account_id, conversation_id, position, speaker_name, text, start_seconds)
       VALUES ($1, $2, 0, 'Rep', 'Let us talk about the price.', 28)`,
      [a.accountId, ids[0]],
    );
    // As every write path does: the card list reads the score from the call's card fields.
    await tx.query(`SELECT refresh_conversation_cards($1::uuid[])`, [ids]);
    return ids[0]!;
  });
});
afterAll(() => backend.close());

describe('GET /api/cards/summary', () => {
  test("a deal's summary counts its calls, its open action items and its topics, and sees the score rise", async () => {
    const summary = await json(await asAdmin('/api/cards/summary?objectType=deals&objectId=5001'));
    expect(summary.status).toBe(200);
    expect(summary.body).toEqual({
      calls: 12,
      lastCallAt: expect.any(String),
      averageScore: 65,
      scoreDirection: 'up',
      openActionItems: 2,
      topics: [
        { name: 'pricing', calls: 3 },
        { name: 'competitors', calls: 1 },
      ],
    });
    const ageMs = Date.now() - Date.parse(String(summary.body.lastCallAt));
    expect(ageMs).toBeGreaterThan(0.9 * 86_400_000);
    expect(ageMs).toBeLessThan(1.1 * 86_400_000);
  });

  test('a score that moves by less than three points is flat; a record without calls has nothing to say', async () => {
    expect((await json(await asAdmin('/api/cards/summary?objectType=deals&objectId=5002'))).body).toMatchObject({
      calls: 6,
      scoreDirection: 'flat',
    });
    expect((await json(await asRep('/api/cards/summary?objectType=companies&objectId=77'))).body).toEqual({
      calls: 0,
      lastCallAt: null,
      averageScore: null,
      scoreDirection: null,
      openActionItems: 0,
      topics: [],
    });
  });

  test("a rep sees the deal's calls and open action items, but not the scores or topics of calls he did not record", async () => {
    const summary = await json(await asRep('/api/cards/summary?objectType=deals&objectId=5001'));
    expect(summary.body).toMatchObject({
      calls: 12,
      averageScore: null,
      scoreDirection: null,
      openActionItems: 2,
      topics: [],
    });
  });

  test("another portal's records are not summed in, and bad input is a 400", async () => {
    const other = await signedFetch(backend.url, '/api/cards/summary?objectType=deals&objectId=5001', {
      clientSecret,
      identity: { portalId: 740, userId: 7403, userEmail: 'rep1@740.example.com' },
    });
    expect((await json(other)).body).toMatchObject({ calls: 0 });
    expect((await json(await asRep('/api/cards/summary?objectType=tickets&objectId=1'))).status).toBe(400);
  });
});

describe('the company card', () => {
  test("a company's calls are its contacts' calls, each once, newest first, and its summary counts them", async () => {
    // Two contacts of company 6001 were on the same call: the call is linked to the company once.
    const [first, second] = await withSystem(backend.testDb.db, async (tx) => {
      const ids = (
        await tx.query<{ id: string }>(
          `SELECT id FROM conversations WHERE account_id = $1 AND external_id IN ('summary-0', 'summary-1') ORDER BY started_at DESC`,
          [a.accountId],
        )
      ).rows.map((row) => row.id);
      for (const id of [ids[0], ids[0], ids[1]]) {
        await tx.query(
          `INSERT INTO conversation_crm_links (account_id, conversation_id, object_type, object_id, source)
           VALUES ($1, $2, 'companies', 6001, 'association') ON CONFLICT DO NOTHING`,
          [a.accountId, id],
        );
      }
      return ids;
    });
    const list = await json(await asRep('/api/cards/conversations?objectType=companies&objectId=6001'));
    expect(list.status).toBe(200);
    expect((list.body.items as Array<{ id: string }>).map((item) => item.id)).toEqual([first, second]);
    expect((await json(await asAdmin('/api/cards/summary?objectType=companies&objectId=6001'))).body).toMatchObject({
      calls: 2,
      averageScore: 80,
    });
    // Who sees what: a rep sees the company's calls, but not the scores of calls he did not record.
    const repList = list.body.items as Array<{ score: number | null }>;
    expect(repList.map((item) => item.score)).toEqual([null, null]);
    const adminList = (await json(await asAdmin('/api/cards/conversations?objectType=companies&objectId=6001'))).body;
    expect((adminList.items as Array<{ score: number | null }>).map((item) => item.score)).toEqual([80, 80]);
    expect((await json(await asRep('/api/cards/summary?objectType=companies&objectId=6001'))).body).toMatchObject({
      calls: 2,
      averageScore: null,
      topics: [],
    });
    // Another portal's company of the same id has none of these calls.
    const other = await signedFetch(backend.url, '/api/cards/conversations?objectType=companies&objectId=6001', {
      clientSecret,
      identity: { portalId: 740, userId: 7403, userEmail: 'rep1@740.example.com' },
    });
    expect((await json(other)).body.items).toEqual([]);
  });
});

describe('links into the recording', () => {
  test('action items, key moments and transcript lines open the recording at their second', async () => {
    const detail = (await json(await asAdmin(`/api/cards/conversations/${detailId}`))).body;
    expect(detail.actionItems).toEqual([
      {
        description: 'Send pricing',
        completed: false,
        timestampSeconds: 90,
        assigneeEmail: null,
        playbackUrl: 'https://fathom.video/calls/42#t=90',
      },
      { description: 'Done', completed: true, timestampSeconds: null, assigneeEmail: null, playbackUrl: null },
    ]);
    expect(detail.keyMoments).toEqual([
      { seconds: 30, label: 'Pricing', playbackUrl: 'https://fathom.video/calls/42#t=30' },
    ]);
    expect(detail.transcriptExcerpt).toEqual([
      expect.objectContaining({
        text: 'Let us talk about the price.',
        playbackUrl: 'https://fathom.video/calls/42#t=28',
      }),
    ]);
  });

  test('only an http(s) call URL becomes a link', () => {
    expect(playbackUrlAt('javascript:alert(1)', 5)).toBeNull();
    expect(playbackUrlAt('not a url', 5)).toBeNull();
    expect(playbackUrlAt('https://fathom.video/calls/1?x=1', 61.7)).toBe('https://fathom.video/calls/1?x=1#t=61');
    expect(playbackUrlAt('https://fathom.video/calls/1', null)).toBeNull();
  });
});
