import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { incomingConversation } from '../../support/incoming.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { seedTenant, type TenantFixture } from '../../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

const clientSecret = randomBytes(24).toString('base64url');
let backend: TestBackend;
let a: TenantFixture;
let b: TenantFixture;

beforeAll(async () => {
  backend = await startTestBackend({ HUBSPOT_CLIENT_ID: 'card-test-client', HUBSPOT_CLIENT_SECRET: clientSecret });
  a = await seedTenant(backend.testDb.db, 610);
  b = await seedTenant(backend.testDb.db, 620);
});
afterAll(() => backend.close());

type Who = 'admin' | 'manager' | 'rep1' | 'rep2';
const offset: Record<Who, number> = { admin: 1, manager: 2, rep1: 3, rep2: 4 };
const as = (who: Who, path: string, init: { method?: string; body?: unknown; hub?: number } = {}) => {
  const hub = init.hub ?? 610;
  return signedFetch(backend.url, path, {
    clientSecret,
    identity: { portalId: hub, userId: hub * 10 + offset[who], userEmail: `${who}@${hub}.example.com` },
    ...(init.method ? { method: init.method } : {}),
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
};
const json = async (response: Response) => ({
  status: response.status,
  body: (await response.json()) as Record<string, unknown>,
});

describe('signatures and tenants', () => {
  test('an unsigned or tampered request is 401 and nothing runs', async () => {
    const unsigned = await fetch(
      `${backend.url}/api/cards/conversations?objectType=contacts&objectId=1000&portalId=610&userId=6101&userEmail=admin@610.example.com`,
    );
    expect(await json(unsigned)).toEqual({
      status: 401,
      body: { error: 'unauthorized', message: 'This request is not signed by HubSpot.' },
    });
    const tampered = await signedFetch(backend.url, '/api/cards/conversations?objectType=contacts&objectId=1000', {
      clientSecret,
      identity: { portalId: 610, userId: 6103, userEmail: 'rep1@610.example.com' },
      tamper: (request) => (request.url = request.url.replace('userId=6103', 'userId=6101')),
    });
    expect(tampered.status).toBe(401);
    const stale = await signedFetch(backend.url, '/api/cards/conversations?objectType=contacts&objectId=1000', {
      clientSecret,
      identity: { portalId: 610, userId: 6103, userEmail: 'rep1@610.example.com' },
      timestamp: Date.now() - 6 * 60_000,
    });
    expect(stale.status).toBe(401);
  });

  test('a portal without the app is not_installed', async () => {
    const response = await as('admin', '/api/cards/conversations?objectType=contacts&objectId=1', { hub: 999 });
    expect(await json(response)).toMatchObject({ status: 404, body: { error: 'not_installed' } });
  });

  test("another tenant's ids are 404, never their data", async () => {
    expect((await as('admin', `/api/cards/conversations/${b.conversationIds[0]}`)).status).toBe(404);
    expect((await as('admin', `/api/cards/coaching/${b.messages.toRep1Sent}/send`, { method: 'POST' })).status).toBe(
      404,
    );
    const list = await json(await as('admin', '/api/cards/conversations?objectType=contacts&objectId=1000'));
    expect(JSON.stringify(list.body)).not.toContain(b.conversationIds[0]);
  });
});

describe('conversations card API', () => {
  test('lists the calls of a record with the viewer, and shows one call', async () => {
    const list = await json(await as('rep1', '/api/cards/conversations?objectType=contacts&objectId=1000&limit=5'));
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ nextCursor: null, viewer: { role: 'rep' } });
    const items = list.body.items as Array<Record<string, unknown>>;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      id: a.conversationIds[0],
      title: 'Call 0 of 610',
      durationSeconds: 1800,
      startedAt: expect.any(String),
    });
    const detail = await json(await as('rep1', `/api/cards/conversations/${a.conversationIds[0]}`));
    expect(detail.body).toMatchObject({
      id: a.conversationIds[0],
      analysis: { score: 70 },
      transcriptExcerpt: [{ text: 'What matters most to you this quarter?' }],
    });
  });

  test.each([
    ['a missing objectType', '/api/cards/conversations?objectId=1'],
    ['an unknown objectType', '/api/cards/conversations?objectType=tickets&objectId=1'],
    ['a non-numeric objectId', '/api/cards/conversations?objectType=contacts&objectId=abc'],
    ['a limit over 50', '/api/cards/conversations?objectType=contacts&objectId=1&limit=500'],
    ['a forged cursor', '/api/cards/conversations?objectType=contacts&objectId=1&cursor=abc'],
    ['a malformed id', '/api/cards/conversations/not-a-uuid'],
  ])('400 for %s', async (_what, path) => {
    const response = await json(await as('rep1', path));
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: 'invalid_input', message: expect.any(String) });
  });
});

describe('coaching card API', () => {
  test('a manager writes and sends; the rep sees it and acknowledges; the outcome is recorded', async () => {
    const created = await json(
      await as('manager', '/api/cards/coaching', {
        method: 'POST',
        body: {
          conversationId: a.conversationIds[1],
          category: 'next_steps',
          body: 'Close with a date.',
          momentSeconds: 120,
        },
      }),
    );
    expect(created).toMatchObject({ status: 201, body: { status: 'draft', repEmail: 'rep1@610.example.com' } });
    const id = created.body.id as string;
    expect((await json(await as('manager', `/api/cards/coaching/${id}/send`, { method: 'POST' }))).body.status).toBe(
      'sent',
    );
    const forRep = await json(await as('rep1', '/api/cards/coaching?objectType=contacts&objectId=1001'));
    expect((forRep.body.items as Array<{ id: string }>).map((m) => m.id)).toContain(id);
    expect(await json(await as('rep1', `/api/cards/coaching/${id}/acknowledge`, { method: 'POST' }))).toMatchObject({
      status: 200,
      body: { status: 'acknowledged' },
    });
    const outcome = await json(
      await as('manager', `/api/cards/coaching/${id}/outcome`, {
        method: 'POST',
        body: { result: 'applied', notes: 'Booked a follow-up.' },
      }),
    );
    expect(outcome.body).toMatchObject({ outcome: { result: 'applied', notes: 'Booked a follow-up.' } });
  });

  test('roles are enforced by the server: 403 for a rep writing, 409 for an illegal move, 404 for what one cannot see', async () => {
    const byRep = await json(
      await as('rep1', '/api/cards/coaching', {
        method: 'POST',
        body: { conversationId: a.conversationIds[0], category: 'discovery', body: 'x' },
      }),
    );
    expect(byRep).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    const illegal = await json(
      await as('admin', `/api/cards/coaching/${a.messages.toRep1Draft}/dismiss`, { method: 'POST' }),
    );
    expect(illegal).toMatchObject({
      status: 409,
      body: { error: 'conflict', message: expect.stringMatching(/only a sent message can be dismissed/) },
    });
    expect(
      (await as('rep2', `/api/cards/coaching/${a.messages.toRep1Sent}/acknowledge`, { method: 'POST' })).status,
    ).toBe(404);
    expect(
      (await as('manager', `/api/cards/coaching/${a.messages.toRep1Sent}/acknowledge`, { method: 'POST' })).status,
    ).toBe(403);
  });

  test.each([
    ['no body', undefined],
    ['an unknown category', { conversationId: '00000000-0000-4000-8000-000000000000', category: 'vibes', body: 'x' }],
    ['an empty text', { conversationId: '00000000-0000-4000-8000-000000000000', category: 'discovery', body: '  ' }],
    [
      'a negative moment',
      { conversationId: '00000000-0000-4000-8000-000000000000', category: 'discovery', body: 'x', momentSeconds: -1 },
    ],
    [
      'an extra field',
      { conversationId: '00000000-0000-4000-8000-000000000000', category: 'discovery', body: 'x', status: 'sent' },
    ],
  ])('400 for a message with %s', async (_what, body) => {
    const response = await as('manager', '/api/cards/coaching', { method: 'POST', body: body ?? {} });
    expect(response.status).toBe(400);
  });

  test('suggestions: managers get them for their calls, reps get 403, other tenants 404', async () => {
    const forManager = await json(await as('manager', `/api/cards/conversations/${a.conversationIds[0]}/suggestions`));
    expect(forManager).toMatchObject({ status: 200, body: { items: expect.any(Array), nextCursor: null } });
    expect((await as('rep1', `/api/cards/conversations/${a.conversationIds[0]}/suggestions`)).status).toBe(403);
    expect((await as('manager', `/api/cards/conversations/${b.conversationIds[0]}/suggestions`)).status).toBe(404);
  });

  test('the trend: a rep sees his own, not another rep’s; his manager sees it', async () => {
    const own = await json(await as('rep1', '/api/cards/coaching/trend'));
    expect(own.status).toBe(200);
    expect((own.body.points as unknown[]).length).toBe(2);
    expect(own.body.points).toEqual(
      expect.arrayContaining([expect.objectContaining({ score: 70, conversationId: a.conversationIds[0] })]),
    );
    expect((await as('rep2', `/api/cards/coaching/trend?repUserId=${a.users.rep1}`)).status).toBe(403);
    expect((await as('manager', `/api/cards/coaching/trend?repUserId=${a.users.rep1}`)).status).toBe(200);
  });
});

describe('settings API', () => {
  test('only admins: a rep gets 403, and cannot promote himself', async () => {
    expect((await as('rep1', '/api/settings/roles')).status).toBe(403);
    const promote = await as('rep1', '/api/settings/roles', {
      method: 'PUT',
      body: { hubspotUserId: 6103, role: 'admin' },
    });
    expect(promote.status).toBe(403);
  });

  test('an admin lists roles, changes one, and the last admin cannot step down', async () => {
    const roles = await json(await as('admin', '/api/settings/roles'));
    expect((roles.body.items as unknown[]).length).toBe(4);
    const promoted = await json(
      await as('admin', '/api/settings/roles', { method: 'PUT', body: { hubspotUserId: 6104, role: 'manager' } }),
    );
    expect(promoted).toMatchObject({ status: 200, body: { role: 'manager' } });
    const stepDown = await json(
      await as('admin', '/api/settings/roles', { method: 'PUT', body: { hubspotUserId: 6101, role: 'rep' } }),
    );
    expect(stepDown).toMatchObject({ status: 409, body: { error: 'conflict' } });
  });

  test("an admin extends the account's trackers, and the account's analysis uses them", async () => {
    expect(
      (await as('rep1', '/api/settings/trackers', { method: 'PUT', body: { trackers: { competitors: ['Zorblatt'] } } }))
        .status,
    ).toBe(403);
    expect(
      (await as('admin', '/api/settings/trackers', { method: 'PUT', body: { trackers: { 'bad name!': ['x'] } } }))
        .status,
    ).toBe(400);
    const saved = await json(
      await as('admin', '/api/settings/trackers', { method: 'PUT', body: { trackers: { competitors: ['Zorblatt'] } } }),
    );
    expect(saved).toEqual({ status: 200, body: { trackers: { competitors: ['Zorblatt'] } } });
    const analyse = await backend.services.sync.analyseFor(a.accountId);
    const metrics = analyse(
      incomingConversation({
        segments: [
          {
            speakerName: 'Bob Buyer',
            speakerEmail: 'bob@acme.example.com',
            text: 'We also talk to Zorblatt.',
            startSeconds: 0,
          },
        ],
      }),
    ).metrics as {
      topics: Array<{ name: string; count: number }>;
    };
    expect(metrics.topics.find((t) => t.name === 'competitors')?.count).toBe(1);
  });

  test('sync logs and status are visible to the admin', async () => {
    const logs = await json(await as('admin', '/api/settings/sync-logs'));
    // The default schedule runs every 15 minutes: the next run is within 15 minutes.
    const next = Date.parse(logs.body.nextScheduledRun as string) - Date.now();
    expect(next).toBeGreaterThan(0);
    expect(next).toBeLessThanOrEqual(15 * 60_000);
    expect(logs.body.items).toEqual([
      expect.objectContaining({ status: 'succeeded', kind: 'backfill', pages: 1, startedAt: expect.any(String) }),
    ]);
    const fathom = await json(await as('admin', '/api/settings/fathom'));
    expect(fathom.body).toMatchObject({ connected: true, authType: 'api_key', webhookRegistered: true });
    expect(JSON.stringify(fathom.body)).not.toMatch(/api_key_enc|secret/);
  });
});
