// The signed requests the card fuzz sends (cardInputs.test.ts): who calls, and one request on one
// of the signed routes, generated from the round's own and other portal's ids and cursors.
import fc from 'fast-check';
import { encodeCursor, encodeKeyCursor } from '../../backend/src/conversations/cursor.ts';
import type { TenantFixture } from '../support/tenantFixture.ts';

export const HUB = 910;

/** What a round seeded: the portal under test, the other one, cursors the API issued, Fathom's key. */
export type Round = { own: TenantFixture; other: TenantFixture; realCursors: string[]; fathomApiKey: string };

export type Identity = { portalId: number; userId: number; userEmail: string };
export const IDENTITIES: Record<string, Identity> = {
  admin: { portalId: HUB, userId: 9101, userEmail: 'admin@910.example.com' },
  manager: { portalId: HUB, userId: 9102, userEmail: 'manager@910.example.com' },
  rep1: { portalId: HUB, userId: 9103, userEmail: 'rep1@910.example.com' },
  rep2: { portalId: HUB, userId: 9104, userEmail: 'Rep2@910.example.com' },
};

// Mostly the portal's own users; also newcomers, colliding identities and unknown portals.
export const identity: fc.Arbitrary<Identity> = fc.oneof(
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

export type SignedRequest = { path: string; method?: string; body?: unknown };
const query = (params: Record<string, string | undefined>) =>
  new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined),
  ).toString();

// One generated request on one of the card and settings routes; `seed` picks among own ids.
export const signedRequest = (roundOf: () => Round): fc.Arbitrary<SignedRequest> =>
  fc.integer({ min: 0, max: 1_000_000 }).chain((seed) => {
    const { own, other, realCursors, fathomApiKey } = roundOf();
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
        weight: 2,
        arbitrary: fc
          .record({
            q: maybe(
              fc.oneof(
                fc.constantFrom('quarter', '"what matters"', 'matters -quarter', 'call or quarter', 'the', '-call'),
                fc.string({ maxLength: 220 }),
                junk,
              ),
            ),
            cursor: maybe(cursor),
            limit: maybe(fc.oneof(fc.integer({ min: 1, max: 50 }).map(String), junk)),
            objectType: maybe(objectType),
            objectId: maybe(objectId),
          })
          .map((q) => ({
            path: `/api/search?${query({ ...q, cursor: q.cursor === 'real' ? pick(realCursors, seed) : q.cursor })}`,
          })),
      },
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
            '/api/settings/ai',
            '/api/settings/writeback',
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
          .oneof(
            fc.record({ apiKey: fc.oneof(fc.string({ maxLength: 40 }), fc.constant(fathomApiKey)) }),
            fc.anything(),
          )
          .map((body) => ({ method: 'PUT', path: '/api/settings/fathom', body })),
      },
      {
        weight: 1,
        arbitrary: fc
          .oneof(fc.record({ enabled: fc.boolean() }), fc.anything())
          .map((body) => ({ method: 'PUT', path: '/api/settings/ai', body })),
      },
      {
        weight: 1,
        arbitrary: fc
          .oneof(fc.record({ enabled: fc.boolean(), includeScores: fc.boolean() }), fc.anything())
          .map((body) => ({ method: 'PUT', path: '/api/settings/writeback', body })),
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
