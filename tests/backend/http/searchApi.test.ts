import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { searchText } from '../../../backend/src/sync/searchText.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { seedTenant, type TenantFixture } from '../../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

const clientSecret = randomBytes(24).toString('base64url');
let backend: TestBackend;
let a: TenantFixture;
let b: TenantFixture;
/** The calls seeded for search in portal 730 (and one in 740), by who recorded them. */
const calls: Record<string, string> = {};

type Who = 'admin' | 'manager' | 'rep1' | 'rep2';
const offset: Record<Who, number> = { admin: 1, manager: 2, rep1: 3, rep2: 4 };
const as = (who: Who, path: string, hub = 730) =>
  signedFetch(backend.url, path, {
    clientSecret,
    identity: { portalId: hub, userId: hub * 10 + offset[who], userEmail: `${who}@${hub}.example.com` },
  });
type Hit = { id: string; title: string; startedAt: string; repEmail: string; moments: unknown[] };
const search = async (who: Who, q: string, extra = '', hub = 730) => {
  const response = await as(who, `/api/search?q=${encodeURIComponent(q)}${extra}`, hub);
  const body = (await response.json()) as { items: Hit[]; nextCursor: string | null };
  return { status: response.status, body };
};
const titles = (body: { items: Hit[] }) => body.items.map((hit) => hit.title);

type Seeded = { key: string; title: string; hoursAgo: number; recorder: keyof TenantFixture['users'] };
async function seedCall(fixture: TenantFixture, call: Seeded, summary: string | null, lines: string[]) {
  const segments = lines.map((text, i) => ({
    speakerName: 'Rep',
    speakerEmail: null,
    text,
    startSeconds: 12 + i * 30,
  }));
  return withSystem(backend.testDb.db, async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO conversations (account_id, external_id, title, url, started_at, duration_seconds, recorded_by_user_id,
                                  recorded_by_email, summary_markdown, transcript_search)
       VALUES ($1, $2, $3, 'https://fathom.video/calls/' || $2, now() - ($4 || ' hours')::interval, 900, $5,
               $6, $7, to_tsvector('english', $8)) RETURNING id`,
      [
        fixture.accountId,
        call.key,
        call.title,
        call.hoursAgo,
        fixture.users[call.recorder],
        `${call.recorder}@${fixture.hubId}.example.com`,
        summary,
        searchText({ title: call.title, summaryMarkdown: summary, segments }),
      ],
    );
    const id = rows[0]!.id;
    for (const [position, segment] of segments.entries())
      await tx.query(
        `INSERT INTO transcript_segments (account_id, conversation_id, position, speaker_name, text, start_seconds)
         VALUES ($1, $2, $3, 'Rep', $4, $5)`,
        [fixture.accountId, id, position, segment.text, segment.startSeconds],
      );
    return id;
  });
}

beforeAll(async () => {
  backend = await startTestBackend({ HUBSPOT_CLIENT_ID: 'search-test-client', HUBSPOT_CLIENT_SECRET: clientSecret });
  a = await seedTenant(backend.testDb.db, 730);
  b = await seedTenant(backend.testDb.db, 740);
  calls.rep1 = await seedCall(a, { key: 's-rep1', title: 'Acme discovery', hoursAgo: 1, recorder: 'rep1' }, null, [
    'Thanks for joining today.',
    'We talked about pricing and the discount for two years.',
    'The budget is approved by the CFO.',
  ]);
  calls.rep2 = await seedCall(
    a,
    { key: 's-rep2', title: 'Globex renewal', hoursAgo: 2, recorder: 'rep2' },
    '## Renewal\n- Pricing stays as it is.',
    ['Good to see you again.'],
  );
  calls.manager = await seedCall(
    a,
    { key: 's-man', title: 'Pricing review with Initech', hoursAgo: 3, recorder: 'manager' },
    null,
    ['Our competitor offered less.'],
  );
  calls.admin = await seedCall(a, { key: 's-adm', title: 'Umbrella intro', hoursAgo: 4, recorder: 'admin' }, null, [
    'Pricing comes after the demo.',
  ]);
  calls.otherPortal = await seedCall(b, { key: 's-b', title: 'Hooli pricing', hoursAgo: 1, recorder: 'rep1' }, null, [
    'Pricing and the zeppelin discount.',
  ]);
});
afterAll(() => backend.close());

describe('GET /api/search', () => {
  test('an admin finds every matching call of the portal, newest first, by transcript, summary or title', async () => {
    const { status, body } = await search('admin', 'pricing');
    expect(status).toBe(200);
    expect(titles(body)).toEqual(['Acme discovery', 'Globex renewal', 'Pricing review with Initech', 'Umbrella intro']);
    expect(body.nextCursor).toBeNull();
    const first = body.items[0]!;
    expect(first).toEqual({
      id: calls.rep1,
      title: 'Acme discovery',
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      repEmail: 'rep1@730.example.com',
      url: 'https://fathom.video/calls/s-rep1',
      moments: [
        {
          seconds: 42,
          text: 'We talked about pricing and the discount for two years.',
          playbackUrl: 'https://fathom.video/calls/s-rep1#t=42',
        },
      ],
    });
    // Found by its summary: no line of its transcript says it.
    expect(body.items[1]!.moments).toEqual([]);
  });

  test("a manager finds his reps' calls and his own; a rep only his own", async () => {
    expect(titles((await search('manager', 'pricing')).body)).toEqual([
      'Acme discovery',
      'Pricing review with Initech',
    ]);
    expect(titles((await search('rep1', 'pricing')).body)).toEqual(['Acme discovery']);
    expect(titles((await search('rep2', 'pricing')).body)).toEqual(['Globex renewal']);
  });

  test("another portal's calls are never found, not even by a word only they hold", async () => {
    for (const who of ['admin', 'manager', 'rep1', 'rep2'] as const) {
      const { status, body } = await search(who, 'zeppelin');
      expect({ who, status, items: body.items }).toEqual({ who, status: 200, items: [] });
      const all = JSON.stringify((await search(who, 'pricing or hooli')).body);
      expect(all).not.toContain(calls.otherPortal);
      expect(all).not.toContain('Hooli');
    }
    // The other portal's admin does find it: the word is there.
    expect(titles((await search('admin', 'zeppelin', '', 740)).body)).toEqual(['Hooli pricing']);
  });

  test('websearch syntax: "exact phrase", -word and or; each moment is a line that holds a term', async () => {
    expect(titles((await search('admin', '"pricing and the discount"')).body)).toEqual(['Acme discovery']);
    expect(titles((await search('admin', '"discount and the pricing"')).body)).toEqual([]);
    expect(titles((await search('admin', 'pricing -discount')).body)).toEqual([
      'Globex renewal',
      'Pricing review with Initech',
      'Umbrella intro',
    ]);
    const either = (await search('admin', 'budget or competitor')).body;
    expect(titles(either)).toEqual(['Acme discovery', 'Pricing review with Initech']);
    expect(either.items[0]!.moments).toEqual([
      {
        seconds: 72,
        text: 'The budget is approved by the CFO.',
        playbackUrl: 'https://fathom.video/calls/s-rep1#t=72',
      },
    ]);
    // Two terms on two lines: both lines are moments.
    const both = (await search('admin', 'discount budget')).body;
    expect(both.items[0]!.moments).toHaveLength(2);
    // Only stop words or only negations find nothing (and read no call).
    expect((await search('admin', 'the')).body.items).toEqual([]);
    expect((await search('admin', '-pricing')).body.items).toEqual([]);
  });

  test("on a record's card: only the calls linked to that record", async () => {
    await withSystem(backend.testDb.db, (tx) =>
      tx.query(
        `INSERT INTO conversation_crm_links (account_id, conversation_id, object_type, object_id, source)
         VALUES ($1, $2, 'deals', 5501, 'association'), ($1, $3, 'deals', 5501, 'association')`,
        [a.accountId, calls.rep1, calls.manager],
      ),
    );
    expect(titles((await search('admin', 'pricing', '&objectType=deals&objectId=5501')).body)).toEqual([
      'Acme discovery',
      'Pricing review with Initech',
    ]);
    expect(titles((await search('rep1', 'pricing', '&objectType=deals&objectId=5501')).body)).toEqual([
      'Acme discovery',
    ]);
    expect(titles((await search('admin', 'pricing', '&objectType=contacts&objectId=5501')).body)).toEqual([]);
  });

  test('pages with the cursor: each call once, in order', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Hit[]; nextCursor: string | null } } = await search(
        'admin',
        'pricing',
        `&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.status).toBe(200);
      seen.push(...titles(page.body));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['Acme discovery', 'Globex renewal', 'Pricing review with Initech', 'Umbrella intro']);
  });

  test.each([
    ['no q', '/api/search'],
    ['an empty q', '/api/search?q='],
    ['a blank q', '/api/search?q=%20%20'],
    ['a q of 201 characters', `/api/search?q=${'a'.repeat(201)}`],
    ['a q with a NUL', '/api/search?q=pri%00cing'],
    ['two q', '/api/search?q=a&q=b'],
    ['a cursor that is not one', '/api/search?q=pricing&cursor=abc%01def'],
    ['a cursor of no call', `/api/search?q=pricing&cursor=${Buffer.from('x|y').toString('base64url')}`],
    ['limit 0', '/api/search?q=pricing&limit=0'],
    ['limit 51', '/api/search?q=pricing&limit=51'],
    ['limit not a number', '/api/search?q=pricing&limit=ten'],
    ['a record without its id', '/api/search?q=pricing&objectType=deals'],
    ['a record of no type', '/api/search?q=pricing&objectType=tickets&objectId=1'],
  ])('%s answers 400 invalid_input', async (_name, path) => {
    const response = await as('admin', path);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_input', message: expect.any(String) });
  });

  test('a q of 200 characters is fine', async () => {
    expect((await search('admin', 'pricing '.repeat(25).slice(0, 200))).status).toBe(200);
  });
});
