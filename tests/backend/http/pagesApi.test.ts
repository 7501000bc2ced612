// What the app pages ask of the API beyond the team and queue basics (homeApi.test.ts): reps found
// by the server, the queue telling "all coached" from "no calls", the trend of a period.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { signedFetch } from '../../support/signedFetch.ts';
import { seedTenant } from '../../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

const clientSecret = randomBytes(24).toString('base64url');
const HUB = 760;
let backend: TestBackend;

type Who = 'admin' | 'manager' | 'rep1' | 'rep2';
const offset: Record<Who, number> = { admin: 1, manager: 2, rep1: 3, rep2: 4 };
const get = async (who: Who, path: string) => {
  const response = await signedFetch(backend.url, path, {
    clientSecret,
    identity: { portalId: HUB, userId: HUB * 10 + offset[who], userEmail: `${who}@${HUB}.example.com` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const emails = (body: Record<string, unknown>) => (body.items as Array<{ email: string }>).map((item) => item.email);
const DAY = 86_400_000;
const ago = (days: number) => encodeURIComponent(new Date(Date.now() - days * DAY).toISOString());

beforeAll(async () => {
  backend = await startTestBackend({ HUBSPOT_CLIENT_ID: 'pages-test-client', HUBSPOT_CLIENT_SECRET: clientSecret });
  // rep1 (the manager's rep) recorded two calls, 1 and 2 days ago; a message about the first was sent.
  await seedTenant(backend.testDb.db, HUB);
});
afterAll(() => backend.close());

describe('GET /api/home/team?q: reps found by the server', () => {
  test('a part of the email or name, any case, among the reps the caller may see', async () => {
    expect(emails((await get('admin', '/api/home/team?q=REP1')).body)).toEqual([`rep1@${HUB}.example.com`]);
    expect(emails((await get('admin', '/api/home/team?q=rep')).body)).toEqual([
      `rep1@${HUB}.example.com`,
      `rep2@${HUB}.example.com`,
    ]);
    // rep2 is nobody's rep: his manager-less row is not the manager's to find.
    expect(emails((await get('manager', '/api/home/team?q=rep2')).body)).toEqual([]);
    expect(emails((await get('manager', '/api/home/team?q=rep')).body)).toEqual([`rep1@${HUB}.example.com`]);
    expect(emails((await get('admin', '/api/home/team?q=%25')).body)).toEqual([]);
  });

  test.each([
    ['an empty q', '/api/home/team?q='],
    ['a q of 101 characters', `/api/home/team?q=${'r'.repeat(101)}`],
    ['a q with a NUL', '/api/home/team?q=re%00p'],
  ])('%s answers 400', async (_name, path) => {
    expect(await get('admin', path)).toEqual({
      status: 400,
      body: { error: 'invalid_input', message: expect.any(String) },
    });
  });
});

describe('GET /api/home/queue: an empty queue says whether the period had calls', () => {
  test('all coached: hasCalls true; no calls at all: hasCalls false; a full page has no flag', async () => {
    // Only the call of 1 day ago is in this period, and coaching about it was sent.
    const coached = await get('admin', `/api/home/queue?from=${ago(1.5)}`);
    expect(coached.body).toEqual({ items: [], nextCursor: null, hasCalls: true });
    const empty = await get('manager', `/api/home/queue?from=2020-01-01&to=2020-02-01`);
    expect(empty.body).toEqual({ items: [], nextCursor: null, hasCalls: false });
    const waiting = await get('admin', `/api/home/queue?from=${ago(30)}`);
    expect((waiting.body.items as unknown[]).length).toBe(1);
    expect(waiting.body).not.toHaveProperty('hasCalls');
  });
});

describe('GET /api/cards/coaching/trend?from&to: the chart follows the period', () => {
  test('only the calls of the period', async () => {
    const points = async (path: string) => ((await get('rep1', path)).body.points as unknown[]).length;
    expect(await points('/api/cards/coaching/trend')).toBe(2);
    expect(await points(`/api/cards/coaching/trend?from=${ago(1.5)}`)).toBe(1);
    expect(await points(`/api/cards/coaching/trend?from=${ago(30)}&to=${ago(1.5)}`)).toBe(1);
    expect((await get('rep1', `/api/cards/coaching/trend?from=${ago(1)}&to=${ago(2)}`)).status).toBe(400);
  });
});
