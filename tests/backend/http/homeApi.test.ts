import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { withSystem, withTenant } from '../../../backend/src/db/tenancy.ts';
import { coachingQueue } from '../../../backend/src/home/coachingQueue.ts';
import { teamOverview } from '../../../backend/src/home/teamOverview.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { seedTenant, type TenantFixture } from '../../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

const clientSecret = randomBytes(24).toString('base64url');
let backend: TestBackend;
let a: TenantFixture;
let b: TenantFixture;
/** rep2's calls in portal 710: 1, 3 and 40 days ago */
let rep2Calls: { recent: string; older: string; previousPeriod: string };

type Who = 'admin' | 'manager' | 'rep1' | 'rep2';
const offset: Record<Who, number> = { admin: 1, manager: 2, rep1: 3, rep2: 4 };
const as = (who: Who, path: string, hub = 710) =>
  signedFetch(backend.url, path, {
    clientSecret,
    identity: { portalId: hub, userId: hub * 10 + offset[who], userEmail: `${who}@${hub}.example.com` },
  });
const json = async (response: Response) => ({
  status: response.status,
  body: (await response.json()) as Record<string, unknown>,
});
const itemsOf = (body: Record<string, unknown>) => body.items as Array<Record<string, unknown>>;

beforeAll(async () => {
  backend = await startTestBackend({ HUBSPOT_CLIENT_ID: 'home-test-client', HUBSPOT_CLIENT_SECRET: clientSecret });
  a = await seedTenant(backend.testDb.db, 710);
  b = await seedTenant(backend.testDb.db, 720);
  // The fixture's rep1 recorded two calls (1 and 2 days ago, score 70); messages about the first
  // were sent to rep1 and rep2, and one outcome on rep1's is "applied". Give rep2 calls of his own.
  rep2Calls = await withSystem(backend.testDb.db, async (tx) => {
    await tx.query(`UPDATE coaching_messages SET sent_at = now() WHERE status = 'sent'`);
    const call = async (key: string, daysAgo: number, score: number) => {
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO conversations (account_id, external_id, title, started_at, duration_seconds, recorded_by_user_id)
         VALUES ($1, $2, $3, now() - ($4 || ' days')::interval, 600, $5) RETURNING id`,
        [a.accountId, key, `Rep two ${key}`, daysAgo, a.users.rep2],
      );
      await tx.query(
        `INSERT INTO conversation_analyses (account_id, conversation_id, analyser_version, score, metrics)
         VALUES ($1, $2, 'test', $3, '{}')`,
        [a.accountId, rows[0]!.id, score],
      );
      return rows[0]!.id;
    };
    const calls = {
      recent: await call('r2-1', 1, 80),
      older: await call('r2-3', 3, 60),
      previousPeriod: await call('r2-40', 40, 50),
    };
    const message = async (conversationId: string, status: string) =>
      (
        await tx.query<{ id: string }>(
          `INSERT INTO coaching_messages (account_id, conversation_id, author_user_id, rep_user_id, category, body, status,
                                        sent_at, acknowledged_at)
         VALUES ($1, $2, $3, $4, 'discovery', 'Slow down.', $5,
                 CASE WHEN $5 <> 'draft' THEN now() END, CASE WHEN $5 = 'acknowledged' THEN now() END)
         RETURNING id`,
          [a.accountId, conversationId, a.users.admin, a.users.rep2, status],
        )
      ).rows[0]!.id;
    const acknowledged = await message(calls.recent, 'acknowledged');
    await tx.query(
      `INSERT INTO coaching_outcomes (account_id, message_id, result, recorded_by_user_id) VALUES ($1, $2, 'applied', $3)`,
      [a.accountId, acknowledged, a.users.admin],
    );
    await message(calls.older, 'draft'); // a draft does not take a call out of the queue
    return calls;
  });
});
afterAll(() => backend.close());

describe('GET /api/home/team', () => {
  test('an admin sees every rep of the portal with calls, scores and coaching of the period', async () => {
    const team = await json(await as('admin', '/api/home/team'));
    expect(team.status).toBe(200);
    expect(team.body.nextCursor).toBeNull();
    expect(itemsOf(team.body)).toEqual([
      {
        id: a.users.rep1,
        hubspotUserId: 7103,
        email: 'rep1@710.example.com',
        name: 'rep1@710.example.com',
        calls: 2,
        averageScore: 70,
        previousAverageScore: null,
        coaching: { sent: 1, acknowledged: 0, applied: 1 },
        uncoachedCalls: 1,
      },
      {
        id: a.users.rep2,
        hubspotUserId: 7104,
        email: 'rep2@710.example.com',
        name: 'rep2@710.example.com',
        calls: 2,
        averageScore: 70,
        previousAverageScore: 50,
        coaching: { sent: 2, acknowledged: 1, applied: 1 },
        uncoachedCalls: 1,
      },
    ]);
  });

  test('a manager sees only the reps he manages, a rep only himself', async () => {
    const manager = itemsOf((await json(await as('manager', '/api/home/team'))).body);
    expect(manager.map((item) => item.id)).toEqual([a.users.rep1]);
    const rep2 = itemsOf((await json(await as('rep2', '/api/home/team'))).body);
    expect(rep2.map((item) => item.id)).toEqual([a.users.rep2]);
  });

  test('the period bounds what is counted', async () => {
    const day = 86_400_000;
    const from = new Date(Date.now() - 50 * day).toISOString();
    const to = new Date(Date.now() - 10 * day).toISOString();
    const team = itemsOf((await json(await as('admin', `/api/home/team?from=${from}&to=${to}`))).body);
    expect(team.find((item) => item.id === a.users.rep2)).toMatchObject({
      calls: 1,
      averageScore: 50,
      uncoachedCalls: 1,
    });
    expect(team.find((item) => item.id === a.users.rep1)).toMatchObject({ calls: 0, averageScore: null });
  });

  test.each([
    ['from after to', '/api/home/team?from=2026-05-01&to=2026-04-01'],
    ['a period over a year', '/api/home/team?from=2024-01-01&to=2026-01-01'],
    ['a date that is not one', '/api/home/team?from=yesterday'],
    // Dates JavaScript knows and PostgreSQL's timestamps do not: bounded to 2000-2100.
    ['a date before the year 2000', '/api/home/team?from=-271821-04-21&to=-271821-05-21'],
    ['a date after 2100', '/api/home/team?from=+275760-08-01&to=+275760-09-12'],
    ['a queue from before 2000', '/api/home/queue?from=-271821-04-21'],
    ['a queue until after 2100', '/api/home/queue?to=2101-01-01'],
    ['a queue from 1999', '/api/home/queue?from=1999-12-31'],
    // A cursor is letters and digits; one holding a NUL byte (as text or inside its encoding) is refused.
    [
      'a team cursor holding NUL',
      `/api/home/team?cursor=${Buffer.from('a\u0000b|00000000-0000-4000-8000-000000000000').toString('base64url')}`,
    ],
    ['a team cursor with a control character', '/api/home/team?cursor=abc%00def'],
    ['a queue cursor with a control character', '/api/home/queue?cursor=abc%01def'],
  ])('%s is a 400', async (_name, path) => {
    const response = await json(await as('admin', path));
    expect(response).toMatchObject({ status: 400, body: { error: 'invalid_input' } });
  });

  test('pages by email with a cursor; a manager pages through his reps only; a forged cursor is a 400', async () => {
    const first = (await json(await as('admin', '/api/home/team?limit=1'))).body;
    expect(itemsOf(first).map((item) => item.id)).toEqual([a.users.rep1]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (
      await json(await as('admin', `/api/home/team?limit=1&cursor=${encodeURIComponent(String(first.nextCursor))}`))
    ).body;
    expect(itemsOf(second).map((item) => item.id)).toEqual([a.users.rep2]);
    expect(second.nextCursor).toBeNull();
    const manager = (await json(await as('manager', '/api/home/team?limit=1'))).body;
    expect(itemsOf(manager).map((item) => item.id)).toEqual([a.users.rep1]);
    expect(manager.nextCursor).toBeNull();
    // The admin's cursor after rep1, replayed by the manager, still shows him none but his own reps.
    const replayed = (
      await json(await as('manager', `/api/home/team?cursor=${encodeURIComponent(String(first.nextCursor))}`))
    ).body;
    expect(itemsOf(replayed)).toEqual([]);
    for (const forged of [
      'bm90LWEtY3Vyc29y',
      Buffer.from('["a@b.c","1"]').toString('base64url'),
      Buffer.from('a@b.c|1').toString('base64url'),
    ]) {
      expect(await json(await as('admin', `/api/home/team?cursor=${forged}`))).toMatchObject({
        status: 400,
        body: { error: 'invalid_input' },
      });
    }
  });

  test("another portal's reps never appear", async () => {
    const team = itemsOf((await json(await as('admin', '/api/home/team', 720))).body);
    expect(team.map((item) => item.id).sort()).toEqual([b.users.rep1, b.users.rep2].sort());
  });
});

describe('the policies, without the API', () => {
  test("a manager's statements run as if he were an admin still reach only his reps (row level security)", async () => {
    // The API's filter says "every rep"; the database session is the manager's.
    const asAdminFilter = {
      accountId: a.accountId,
      hubId: 710,
      userId: a.users.manager,
      hubspotUserId: 7102,
      email: 'manager@710.example.com',
      role: 'admin' as const,
    };
    const day = 86_400_000;
    const period = { from: new Date(Date.now() - 30 * day), to: new Date(), limit: 50 };
    const [team, queue] = await withTenant(
      backend.testDb.db,
      { accountId: a.accountId, userId: a.users.manager },
      async (tx) => [
        await teamOverview(tx, asAdminFilter, period),
        await coachingQueue(tx, asAdminFilter, { limit: 50 }),
      ],
    );
    expect(team.items.map((item) => item.id)).toEqual([a.users.rep1]);
    expect(queue.items.map((item) => item.rep.id)).toEqual([a.users.rep1]);
  });
});

describe('GET /api/home/coaching', () => {
  test('a rep reads the coaching sent to him, never drafts nor what was sent to others', async () => {
    const rep2 = itemsOf((await json(await as('rep2', '/api/home/coaching'))).body);
    expect(rep2.map((item) => item.status).sort()).toEqual(['acknowledged', 'sent']);
    expect(rep2.every((item) => item.repUserId === a.users.rep2)).toBe(true);
    const rep1 = itemsOf((await json(await as('rep1', '/api/home/coaching'))).body);
    expect(rep1.map((item) => item.id)).toEqual([a.messages.toRep1Sent]);
  });
});

describe('GET /api/home/queue', () => {
  test("an admin's queue holds every rep's uncoached calls, newest first; drafts do not count", async () => {
    const queue = await json(await as('admin', '/api/home/queue'));
    expect(queue.status).toBe(200);
    expect(itemsOf(queue.body).map((item) => item.id)).toEqual([
      a.conversationIds[1],
      rep2Calls.older,
      rep2Calls.previousPeriod,
    ]);
    expect(itemsOf(queue.body)[1]).toMatchObject({
      title: 'Rep two r2-3',
      durationSeconds: 600,
      score: 60,
      rep: { id: a.users.rep2 },
    });
    expect(queue.body.nextCursor).toBeNull();
  });

  test("a manager's queue holds only his reps' calls", async () => {
    const queue = await json(await as('manager', '/api/home/queue'));
    expect(itemsOf(queue.body).map((item) => item.id)).toEqual([a.conversationIds[1]]);
    const notHisRep = await json(await as('manager', '/api/home/queue?repHubspotUserId=7104'));
    expect(itemsOf(notHisRep.body)).toEqual([]);
  });

  test('a period keeps the calls that started in it', async () => {
    const day = 86_400_000;
    const from = new Date(Date.now() - 30 * day).toISOString();
    const recent = await json(await as('admin', `/api/home/queue?from=${from}`));
    expect(itemsOf(recent.body).map((item) => item.id)).toEqual([a.conversationIds[1], rep2Calls.older]);
    const to = new Date(Date.now() - 10 * day).toISOString();
    const old = await json(
      await as('admin', `/api/home/queue?from=${new Date(Date.now() - 50 * day).toISOString()}&to=${to}`),
    );
    expect(itemsOf(old.body).map((item) => item.id)).toEqual([rep2Calls.previousPeriod]);
    expect(await json(await as('admin', `/api/home/queue?from=${to}&to=${from}`))).toMatchObject({ status: 400 });
  });

  test('pages with a cursor, one rep at a time', async () => {
    const seen: unknown[] = [];
    let path = '/api/home/queue?repHubspotUserId=7104&limit=1';
    for (let page = 0; page < 5; page++) {
      const body = (await json(await as('admin', path))).body;
      seen.push(...itemsOf(body).map((item) => item.id));
      if (!body.nextCursor) break;
      path = `/api/home/queue?repHubspotUserId=7104&limit=1&cursor=${encodeURIComponent(String(body.nextCursor))}`;
    }
    expect(seen).toEqual([rep2Calls.older, rep2Calls.previousPeriod]);
  });

  test('a rep has no queue (403); a forged cursor is a 400', async () => {
    expect(await json(await as('rep1', '/api/home/queue'))).toMatchObject({
      status: 403,
      body: { error: 'forbidden' },
    });
    const forged = await json(await as('admin', '/api/home/queue?cursor=bm90LWEtY3Vyc29y'));
    expect(forged).toMatchObject({ status: 400, body: { error: 'invalid_input' } });
  });
});
