// Generated card and settings requests, signed as HubSpot signs them, against one backend: every
// answer is a 2xx or a 4xx with the error shape, nothing of the other portal ever comes back, and
// a real share of the cases reaches a handler and succeeds (valid object types, the caller's own
// records, calls and messages, real and forged cursors), so the handlers are what gets fuzzed,
// not only the input validation. Identities are generated too: the portal's users, newcomers, a
// new HubSpot user id with another user's email (the collision that once answered 500), unknown
// portals. Over 10,000 generated requests in all. The routes come from the routers themselves
// (backend.signedRoutes): every signed route but HubSpot's webhook (fuzzed in publicRoutes.test.ts)
// must be reached, so a route added without a generator here fails the run by name.
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { encodeCursor, encodeKeyCursor } from '../../backend/src/conversations/cursor.ts';
import { seedConversationsOnRecord } from '../support/conversationFixture.ts';
import { skippingClock } from '../support/skippingClock.ts';
import { startFathomStandIn, type FathomStandIn } from '../support/fathomStandIn.ts';
import { signedFetch } from '../support/signedFetch.ts';
import { hubspotEnv, startHubSpotStandIn, type HubSpotStandIn } from '../support/hubspotStandIn.ts';
import { sealHubSpotToken, seedTenant, type TenantFixture } from '../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../support/testBackend.ts';

const clientSecret = randomBytes(24).toString('base64url');
const HUB = 910;
let backend: TestBackend;
let fathom: FathomStandIn;
let hubspot: HubSpotStandIn;
let own: TenantFixture;
let other: TenantFixture;
const realCursors: string[] = [];

// A fresh backend and tenants for each round: the rounds stay independent and short (a round's
// state grows with its drafts, outcomes and connections, and with it the time its requests take).
async function startRound() {
  realCursors.length = 0;
  fathom = await startFathomStandIn({ meetings: [] });
  // HubSpot's users list, for the settings' import.
  hubspot = await startHubSpotStandIn({
    hubId: HUB,
    users: [
      { id: 9101, email: 'admin@910.example.com' },
      { id: 9105, email: 'newcomer@910.example.com' },
    ],
  });
  // The Fathom client keeps to Fathom's 60 calls a minute; the generated connects and disconnects
  // make far more than that, so its waits are skipped (the inputs are under test, not the limits).
  backend = await startTestBackend(
    {
      ...hubspotEnv(hubspot),
      HUBSPOT_CLIENT_SECRET: clientSecret,
      FATHOM_API_BASE: fathom.baseUrl,
    },
    { fathomClock: skippingClock() },
  );
  own = await seedTenant(backend.testDb.db, HUB);
  const token = `at-fuzz-${randomBytes(8).toString('hex')}`;
  hubspot.accessTokens.push(token);
  await sealHubSpotToken(backend.testDb.db, backend.services.sealer, own.accountId, token);
  other = await seedTenant(backend.testDb.db, 920);
  const onContact = await seedConversationsOnRecord(backend.testDb.db, {
    accountId: own.accountId,
    objectType: 'contacts',
    objectId: 1000,
    count: 14,
    ties: true,
  });
  await seedConversationsOnRecord(backend.testDb.db, {
    accountId: own.accountId,
    objectType: 'deals',
    objectId: 7001,
    count: 6,
    prefix: 'deal',
  });
  own.conversationIds.push(...onContact.map((call) => call.id));
  // Cursors the API itself issued, page after page.
  for (let cursor: string | null | undefined, i = 0; i === 0 || cursor; i++) {
    const page = (await (
      await asCaller(
        IDENTITIES.rep1!,
        `/api/cards/conversations?objectType=contacts&objectId=1000&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      )
    ).json()) as { nextCursor: string | null };
    cursor = page.nextCursor;
    if (cursor) realCursors.push(cursor);
  }
}
async function endRound() {
  await backend.close();
  await hubspot.close();
  await fathom.close();
}

type Identity = { portalId: number; userId: number; userEmail: string };
const IDENTITIES: Record<string, Identity> = {
  admin: { portalId: HUB, userId: 9101, userEmail: 'admin@910.example.com' },
  manager: { portalId: HUB, userId: 9102, userEmail: 'manager@910.example.com' },
  rep1: { portalId: HUB, userId: 9103, userEmail: 'rep1@910.example.com' },
  rep2: { portalId: HUB, userId: 9104, userEmail: 'Rep2@910.example.com' },
};

function asCaller(identity: Identity, path: string, init: { method?: string; body?: unknown } = {}) {
  return signedFetch(backend.url, path, { clientSecret, identity, ...init });
}

// Mostly the portal's own users; also newcomers, colliding identities and unknown portals.
const identity: fc.Arbitrary<Identity> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...Object.values(IDENTITIES)) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 400 })
      .map((n) => ({ portalId: HUB, userId: 500_000 + n, userEmail: `newcomer${n}@910.example.com` })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('admin', 'manager', 'rep1', 'rep2')
      .chain((who) =>
        fc
          .integer({ min: 1, max: 400 })
          .map((n) => ({ portalId: HUB, userId: 700_000 + n, userEmail: `${who}@910.example.com` })),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 99_999 }).map((portalId) => ({
      portalId: portalId === HUB || portalId === 920 ? 1 : portalId,
      userId: 1,
      userEmail: 'x@example.com',
    })),
  },
);

const junk = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer().map(String),
  fc.constantFrom('', '-1', '1e309', 'NaN', '0x10', '%00', '../', 'null', '[]'),
  fc.uuid(),
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 4 });
const objectType = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('contacts', 'deals') },
  { weight: 1, arbitrary: fc.constant('companies') },
  { weight: 1, arbitrary: junk },
);
const objectId = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('1000', '1001', '7001', '4242') },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 2 ** 40 }).map(String) },
  { weight: 1, arbitrary: junk },
);
const cursor = fc.oneof(
  { weight: 3, arbitrary: fc.constant('real') },
  // Forged, in the API's own format: a time and an id, so they parse and page from there.
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), fc.uuid())
      .map(([startedAt, id]) => encodeCursor({ startedAt, id })),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((s) => Buffer.from(s).toString('base64url')) },
  { weight: 1, arbitrary: junk },
);
const conversationId = fc.oneof(
  { weight: 6, arbitrary: fc.constant('own') },
  { weight: 1, arbitrary: fc.constant('other') },
  { weight: 1, arbitrary: junk },
);
const messageId = fc.oneof(
  { weight: 6, arbitrary: fc.constant('own') },
  { weight: 1, arbitrary: fc.constant('other') },
  { weight: 1, arbitrary: junk },
);
const pick = <T>(items: T[], seed: number) => items[seed % items.length]!;
const category = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('discovery', 'next_steps', 'pricing') },
  { weight: 1, arbitrary: junk },
);
const role = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('rep', 'manager') }, { weight: 1, arbitrary: junk });
// Dates of the home pages: real ones, the edges of what JavaScript and PostgreSQL know, and junk.
const date = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .date({ min: new Date('2025-01-01'), max: new Date('2027-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10)),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom('-271821-04-21', '+275760-09-13', '1969-12-31', '2100-01-02', '0000-01-01', '1e20'),
  },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) },
  { weight: 1, arbitrary: junk },
);
// Team cursors in the team table's own format (an email and an id), some holding control characters.
const teamCursor = fc.oneof(
  fc
    .tuple(fc.constantFrom('rep1@910.example.com', 'a\u0000b', 'x\u001fy', ''), fc.uuid())
    .map(([key, id]) => encodeKeyCursor(key, id)),
  cursor.map((c) => (c === 'real' ? undefined : c)),
);

type Request = { path: string; method?: string; body?: unknown };
const query = (params: Record<string, string | undefined>) =>
  new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined),
  ).toString();

// One generated request on one of the card and settings routes; `seed` picks among own ids.
const request: fc.Arbitrary<Request> = fc.integer({ min: 0, max: 1_000_000 }).chain((seed) => {
  const idOf = (kind: string, ownIds: string[], otherIds: string[]) =>
    kind === 'own' ? pick(ownIds, seed) : kind === 'other' ? pick(otherIds, seed) : kind;
  const conversation = (kind: string) => idOf(kind, own.conversationIds, other.conversationIds);
  const message = (kind: string) => idOf(kind, Object.values(own.messages), Object.values(other.messages));
  return fc.oneof(
    {
      weight: 9,
      arbitrary: fc
        .record({
          objectType,
          objectId,
          limit: maybe(fc.oneof(fc.integer({ min: 1, max: 50 }).map(String), junk)),
          cursor: maybe(cursor),
        })
        .map((q) => ({
          path: `/api/cards/conversations?${query({ ...q, cursor: q.cursor === 'real' ? pick(realCursors, seed) : q.cursor })}`,
        })),
    },
    {
      weight: 4,
      arbitrary: conversationId.map((id) => ({
        path: `/api/cards/conversations/${encodeURIComponent(conversation(id))}`,
      })),
    },
    {
      weight: 2,
      arbitrary: fc.record({ objectType, objectId }).map((q) => ({ path: `/api/cards/summary?${query(q)}` })),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({
          from: maybe(date),
          to: maybe(date),
          cursor: maybe(teamCursor),
          limit: maybe(fc.oneof(fc.integer({ min: 1, max: 100 }).map(String), junk)),
        })
        .map((q) => ({ path: `/api/home/team?${query(q)}` })),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({
          repHubspotUserId: maybe(fc.oneof(fc.constantFrom('9103', '9104', '9201'), junk)),
          from: maybe(date),
          to: maybe(date),
          cursor: maybe(cursor),
          limit: maybe(fc.oneof(fc.integer({ min: 1, max: 50 }).map(String), junk)),
        })
        .map((q) => ({
          path: `/api/home/queue?${query({ ...q, cursor: q.cursor === 'real' ? pick(realCursors, seed) : q.cursor })}`,
        })),
    },
    { weight: 1, arbitrary: fc.constant({ path: '/api/home/coaching' }) },
    {
      weight: 1,
      arbitrary: conversationId.map((id) => ({
        path: `/api/cards/conversations/${encodeURIComponent(conversation(id))}/suggestions`,
      })),
    },
    {
      weight: 4,
      arbitrary: fc.record({ objectType, objectId }).map((q) => ({ path: `/api/cards/coaching?${query(q)}` })),
    },
    {
      weight: 1,
      arbitrary: fc
        .record({
          repUserId: maybe(fc.oneof(fc.constantFrom(...Object.values(own.users)), junk)),
          limit: maybe(fc.oneof(fc.integer({ min: 1, max: 50 }).map(String), junk)),
        })
        .map((q) => ({ path: `/api/cards/coaching/trend?${query(q)}` })),
    },
    {
      weight: 2,
      arbitrary: fc
        .record(
          {
            conversationId,
            category,
            body: fc.oneof(fc.string({ minLength: 1, maxLength: 200 }), fc.string({ maxLength: 6000 })),
            momentSeconds: maybe(fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.double())),
          },
          { requiredKeys: ['conversationId', 'category', 'body'] },
        )
        .map((body) => ({
          method: 'POST',
          path: '/api/cards/coaching',
          body: { ...body, conversationId: conversation(body.conversationId) },
        })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(messageId, fc.constantFrom('send', 'acknowledge', 'dismiss', 'retract', 'nope'))
        .map(([id, action]) => ({
          method: 'POST',
          path: `/api/cards/coaching/${encodeURIComponent(message(id))}/${action}`,
        })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          messageId,
          fc.oneof(
            fc.record({
              result: fc.constantFrom('applied', 'not_yet', 'not_applicable'),
              notes: maybe(fc.string({ maxLength: 100 })),
            }),
            fc.anything(),
          ),
        )
        .map(([id, body]) => ({
          method: 'POST',
          path: `/api/cards/coaching/${encodeURIComponent(message(id))}/outcome`,
          body,
        })),
    },
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(
          '/api/settings/roles',
          '/api/settings/trackers',
          '/api/settings/fathom',
          '/api/settings/sync-logs',
          '/api/settings/sync-logs?limit=5',
          '/api/settings/sync-logs?limit=500',
          '/api/settings/data',
        )
        .map((path) => ({ path })),
    },
    // Role changes only for the reps, so the portal keeps its admin and manager for the other cases.
    {
      weight: 1,
      arbitrary: fc
        .record(
          {
            hubspotUserId: fc.oneof(fc.constantFrom(9103, 9104), fc.integer()),
            role,
            managerHubspotUserId: maybe(fc.oneof(fc.constantFrom(9101, 9102, 9103), fc.integer())),
          },
          { requiredKeys: ['hubspotUserId', 'role'] },
        )
        .map((body) => ({ method: 'PUT', path: '/api/settings/roles', body })),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc
            .dictionary(
              fc.constantFrom('pricing', 'competitors', 'nextSteps', 'bad name', 'x'),
              fc.array(fc.string({ maxLength: 30 }), { maxLength: 4 }),
            )
            .map((trackers) => ({ trackers })),
          fc.anything(),
        )
        .map((body) => ({ method: 'PUT', path: '/api/settings/trackers', body })),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(fc.record({ apiKey: fc.oneof(fc.string({ maxLength: 40 }), fc.constant(fathom.apiKey)) }), fc.anything())
        .map((body) => ({ method: 'PUT', path: '/api/settings/fathom', body })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { method: 'POST', path: '/api/settings/sync' },
        { method: 'DELETE', path: '/api/settings/fathom' },
        { method: 'POST', path: '/api/settings/roles/import' },
      ),
    },
    // The removal's confirmation, never this portal's own hub id as a number: a removal that went
    // through would end the round (it is tested in tests/backend/hubspot/journal.test.ts).
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.record({ hubId: fc.oneof(fc.constantFrom(920, 0, -910, String(HUB)), fc.integer(), fc.double()) }),
          fc.anything(),
        )
        .map((body) => ({ method: 'DELETE', path: '/api/settings/installation', body })),
    },
  );
});

const statuses: Record<string, number> = {};
let cases = 0;
// How often each signed route was reached, by its pattern as the router declares it.
const reached = new Map<string, number>();
function routeOf(sent: Request): string | undefined {
  const pathname = sent.path.split('?')[0]!;
  const route = backend.signedRoutes.find(
    (candidate) =>
      candidate.method === (sent.method ?? 'GET') &&
      new RegExp(`^${candidate.path.replace(/:[A-Za-z]+/g, '[^/]+')}$`).test(pathname),
  );
  return route && `${route.method} ${route.path}`;
}
// The backend runs in this process (PGlite too): its longest stall is printed with the counts.
const loopDelay = monitorEventLoopDelay();
loopDelay.enable();

// Each answer: 2xx, or 4xx with `{ error, message }`; never a 5xx; never the other portal's ids.
async function check(response: Response, sent: Request) {
  const text = await response.text();
  cases += 1;
  const route = routeOf(sent);
  if (route) reached.set(route, (reached.get(route) ?? 0) + 1);
  const family = `${Math.floor(response.status / 100)}xx`;
  statuses[family] = (statuses[family] ?? 0) + 1;
  expect({ sent, status: response.status, below500: response.status < 500 }).toEqual({
    sent,
    status: response.status,
    below500: true,
  });
  if (response.status >= 400)
    expect(JSON.parse(text)).toEqual({ error: expect.any(String), message: expect.any(String) });
  for (const id of [...other.conversationIds, ...Object.values(other.messages)]) expect(text).not.toContain(id);
}

const ROUNDS = 4;
const RUNS_PER_ROUND = Math.ceil(Number(process.env.FUZZ_RUNS ?? 1_260) / ROUNDS);

describe.each(Array.from({ length: ROUNDS }, (_, i) => i + 1))('card and settings fuzzing, round %i', () => {
  beforeAll(startRound, 60_000);
  afterAll(endRound);

  test("generated card and settings requests: only 2xx or 4xx, never another portal's ids", async () => {
    // Several requests per run, sent together: one backend answers many requests at once.
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(identity, request), { minLength: 8, maxLength: 8 }), async (batch) => {
        await Promise.all(batch.map(async ([who, sent]) => check(await asCaller(who, sent.path, sent), sent)));
      }),
      { numRuns: RUNS_PER_ROUND, endOnFailure: true },
    );
  }, 600_000);
});

afterAll(() => {
  // Over all rounds: at least 10,000 cases (FUZZ_RUNS shortens a local run; CI runs them all), a
  // quarter or more of them answered 2xx (they reached the handlers), and never a 5xx.
  loopDelay.disable();
  console.log(
    `card and settings fuzzing: ${cases} requests, ${JSON.stringify(statuses)}, longest event-loop stall ${Math.round(loopDelay.max / 1e6)} ms`,
  );
  if (!process.env.FUZZ_RUNS) expect(cases).toBeGreaterThanOrEqual(10_000);
  // Every signed route of the routers, but HubSpot's webhook (publicRoutes.test.ts), was fuzzed.
  const routes = backend.signedRoutes
    .map((route) => `${route.method} ${route.path}`)
    .filter((route) => route !== 'POST /webhooks/hubspot');
  expect(routes.filter((route) => !reached.has(route))).toEqual([]);
  expect((statuses['2xx'] ?? 0) / cases).toBeGreaterThanOrEqual(0.25);
  expect(statuses['5xx'] ?? 0).toBe(0);
});
