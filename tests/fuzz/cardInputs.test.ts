// Generated card and settings requests, signed as HubSpot signs them, against one backend: every
// answer is a 2xx or a 4xx with the error shape, nothing of the other portal ever comes back, and
// a real share of the cases reaches a handler and succeeds (valid object types, the caller's own
// records, calls and messages, real and forged cursors), so the handlers are what gets fuzzed,
// not only the input validation. Identities are generated too: the portal's users, newcomers, a
// new HubSpot user id with another user's email (the collision that once answered 500), unknown
// portals. Over 10,000 generated requests on PostgreSQL, an eighth of that on PGlite. The routes
// come from the routers themselves (backend.signedRoutes): every signed route but HubSpot's webhook
// (fuzzed in publicRoutes.test.ts) must be reached, so a route added without a generator
// (signedRequests.ts) fails the run by name.
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { seedConversationsOnRecord } from '../support/conversationFixture.ts';
import { engine } from '../support/database.ts';
import { skippingClock } from '../support/skippingClock.ts';
import { startFathomStandIn, type FathomStandIn } from '../support/fathomStandIn.ts';
import { signedFetch } from '../support/signedFetch.ts';
import { hubspotEnv, startHubSpotStandIn, type HubSpotStandIn } from '../support/hubspotStandIn.ts';
import { sealHubSpotToken, seedTenant, type TenantFixture } from '../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../support/testBackend.ts';
import { HUB, IDENTITIES, identity, signedRequest, type Identity, type SignedRequest } from './signedRequests.ts';

const clientSecret = randomBytes(24).toString('base64url');
let backend: TestBackend;
let fathom: FathomStandIn;
let hubspot: HubSpotStandIn;
let own: TenantFixture;
let other: TenantFixture;
const realCursors: string[] = [];
// One generated request on one of the signed routes, from this round's ids and cursors.
const request = signedRequest(() => ({ own, other, realCursors, fathomApiKey: fathom.apiKey }));

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
      // A model is configured (so the AI settings and the review's reads are reached), but no
      // worker runs here: nothing is ever sent to it.
      LLM_BASE_URL: 'http://127.0.0.1:9/v1',
      LLM_MODEL: 'fuzz-model',
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

function asCaller(identity: Identity, path: string, init: { method?: string; body?: unknown } = {}) {
  return signedFetch(backend.url, path, { clientSecret, identity, ...init });
}

const statuses: Record<string, number> = {};
let cases = 0;
// How often each signed route was reached, by its pattern as the router declares it.
const reached = new Map<string, number>();
function routeOf(sent: SignedRequest): string | undefined {
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
async function check(response: Response, sent: SignedRequest) {
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
// The full count (1,260 runs of 8: 10,080 requests) on PostgreSQL; an eighth on PGlite, where the
// same handlers answer at a third of the speed (both engines run in CI: docs/development.md).
const FULL_RUNS = engine === 'postgres' ? 1_260 : 158;
const RUNS_PER_ROUND = Math.ceil(Number(process.env.FUZZ_RUNS ?? FULL_RUNS) / ROUNDS);

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
  // Over all rounds: at least 10,000 cases on PostgreSQL (FUZZ_RUNS shortens a local run), a
  // quarter or more of them answered 2xx (they reached the handlers), and never a 5xx.
  loopDelay.disable();
  console.log(
    `card and settings fuzzing: ${cases} requests, ${JSON.stringify(statuses)}, longest event-loop stall ${Math.round(loopDelay.max / 1e6)} ms`,
  );
  if (!process.env.FUZZ_RUNS) expect(cases).toBeGreaterThanOrEqual(engine === 'postgres' ? 10_000 : 1_260);
  // Every signed route of the routers, but HubSpot's webhook (publicRoutes.test.ts), was fuzzed.
  const routes = backend.signedRoutes
    .map((route) => `${route.method} ${route.path}`)
    .filter((route) => route !== 'POST /webhooks/hubspot');
  expect(routes.filter((route) => !reached.has(route))).toEqual([]);
  expect((statuses['2xx'] ?? 0) / cases).toBeGreaterThanOrEqual(0.25);
  expect(statuses['5xx'] ?? 0).toBe(0);
});
