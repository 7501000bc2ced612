// Card and settings reads write nothing for a known user, and see a role change on the very next
// request, in any backend process on the database.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Database, Queryable } from '../../../backend/src/db/database.ts';
import { openPostgres } from '../../../backend/src/db/postgres.ts';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { seedConversationsOnRecord } from '../../support/conversationFixture.ts';
import { engine } from '../../support/database.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { seedTenant, type TenantFixture } from '../../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

const clientSecret = randomBytes(24).toString('base64url');
const env = { HUBSPOT_CLIENT_ID: 'reads', HUBSPOT_CLIENT_SECRET: clientSecret };
let backend: TestBackend;
let other: TestBackend;
let counting: TestBackend;
let otherDb: Database;
const sent: string[] = [];
let a: TenantFixture;

beforeAll(async () => {
  backend = await startTestBackend(env);
  a = await seedTenant(backend.testDb.db, 940);
  await seedConversationsOnRecord(backend.testDb.db, {
    accountId: a.accountId,
    objectType: 'contacts',
    objectId: 1000,
    count: 12,
  });
  // A second backend process on the same database: on PostgreSQL with a pool of its own.
  otherDb = engine === 'postgres' ? openPostgres(backend.testDb.url!) : backend.testDb.db;
  other = await startTestBackend(env, {
    database: {
      db: otherDb,
      url: backend.testDb.url,
      drop: async () => (engine === 'postgres' ? otherDb.close() : undefined),
    },
  });
  // A third process whose database connection writes down every statement it is given.
  counting = await startTestBackend(env, {
    database: { db: recording(backend.testDb.db, sent), url: backend.testDb.url, drop: async () => {} },
  });
});
afterAll(async () => {
  await counting.close();
  await other.close();
  await backend.close();
});

const HS = { admin: 9401, manager: 9402, rep1: 9403, rep2: 9404 } as const;
const as = (url: string, who: keyof typeof HS, path: string, init: { method?: string; body?: unknown } = {}) =>
  signedFetch(url, path, {
    clientSecret,
    identity: { portalId: 940, userId: HS[who], userEmail: `${who}@940.example.com` },
    ...init,
  });

/**
 * Every row version of every table of the app's schema, as (table, ctid, xmin): an INSERT adds
 * one, an UPDATE replaces one (new ctid and xmin), a DELETE removes one. Works the same on both
 * engines (PGlite keeps no table statistics).
 */
async function rowVersions(db: Database): Promise<Record<string, string>> {
  const tables = (
    await db.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT IN ('schema_migrations', 'schema_repeatables') ORDER BY c.relname`,
    )
  ).rows.map((row) => row.relname);
  return withSystem(db, async (tx) => {
    const versions: Record<string, string> = {};
    for (const table of tables) {
      const { rows } = await tx.query<{ v: string | null }>(
        `SELECT md5(string_agg(ctid::text || ':' || xmin::text, ',' ORDER BY ctid)) || '/' || count(*) AS v FROM ${table}`,
      );
      versions[table] = rows[0]!.v ?? 'empty';
    }
    return versions;
  });
}

/** The database as the backend sees it, writing down each statement (BEGIN and COMMIT included). */
function recording(db: Database, into: string[]): Database {
  const recorded = (tx: Queryable): Queryable => ({
    query: (sql, params) => (into.push(sql.trim()), tx.query(sql, params)),
    exec: (sql) => (into.push(sql.trim()), tx.exec(sql)),
  });
  return {
    ...recorded(db),
    queryPrepared: (sql, params) => (into.push(sql.trim()), db.queryPrepared(sql, params)),
    transaction: async (fn, options) => {
      into.push('BEGIN');
      try {
        return await db.transaction((tx) => fn(recorded(tx)), options);
      } finally {
        into.push('COMMIT');
      }
    },
    ping: () => db.ping(),
    jobsOptions: () => db.jobsOptions(),
    close: async () => {},
  };
}

test('what one card GET sends to the database: each of the three cards one statement, the summary one transaction', async () => {
  const conversationId = a.conversationIds[0]!;
  const statementsOf = async (who: keyof typeof HS, path: string) => {
    expect((await as(counting.url, who, path)).status).toBe(200);
    sent.length = 0;
    const response = await as(counting.url, who, path);
    expect(response.status).toBe(200);
    // Nor is the answer hashed for an ETag: nothing revalidates a signed caller's card.
    expect(response.headers.get('etag')).toBeNull();
    return [...sent];
  };
  // The read itself is a parameter of app_read_as_caller; its columns tell which one it is.
  const oneStatement = (statements: string[], column: string) => {
    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain('app_read_as_caller(');
    expect(statements[0]).toContain(column);
  };
  oneStatement(
    await statementsOf('rep1', '/api/cards/conversations?objectType=contacts&objectId=1000&limit=5'),
    'open_action_items integer',
  );
  oneStatement(await statementsOf('manager', `/api/cards/conversations/${conversationId}`), 'ai_review jsonb');
  oneStatement(
    await statementsOf('rep1', '/api/cards/coaching?objectType=contacts&objectId=1000'),
    'outcome_result text',
  );
  // The rest: the caller entered first in the transaction, then the route's own reads.
  const summary = await statementsOf('rep1', '/api/cards/summary?objectType=contacts&objectId=1000');
  expect(summary[0]).toBe('BEGIN');
  expect(summary[1]).toContain('app_enter_caller(');
  expect(summary.at(-1)).toBe('COMMIT');
});

/**
 * A request that answers 200 for each signed GET route, by the route as its router declares it.
 * The routes come from the routers (backend.signedRoutes): a GET route added without an entry
 * here fails the test below by name.
 */
const readsOf = (conversationId: string): Record<string, Array<[keyof typeof HS, string]>> => ({
  '/api/cards/conversations': [
    ['rep1', '/api/cards/conversations?objectType=contacts&objectId=1000&limit=5'],
    ['rep2', '/api/cards/conversations?objectType=contacts&objectId=1000'],
  ],
  '/api/cards/summary': [['rep1', '/api/cards/summary?objectType=contacts&objectId=1000']],
  '/api/cards/conversations/:id': [['manager', `/api/cards/conversations/${conversationId}`]],
  '/api/cards/conversations/:id/suggestions': [['manager', `/api/cards/conversations/${conversationId}/suggestions`]],
  '/api/cards/coaching': [
    ['rep1', '/api/cards/coaching?objectType=contacts&objectId=1000'],
    ['manager', '/api/cards/coaching?objectType=contacts&objectId=1000'],
  ],
  '/api/cards/coaching/trend': [['rep1', '/api/cards/coaching/trend']],
  '/api/home/team': [['manager', '/api/home/team']],
  '/api/home/queue': [['admin', '/api/home/queue?limit=5']],
  '/api/home/coaching': [['rep1', '/api/home/coaching']],
  '/api/search': [
    ['manager', '/api/search?q=quarter'],
    ['rep1', '/api/search?q=%22what%20matters%22%20-price&limit=5'],
  ],
  '/api/settings/roles': [['admin', '/api/settings/roles']],
  '/api/settings/fathom': [['admin', '/api/settings/fathom']],
  '/api/settings/data': [['admin', '/api/settings/data']],
  '/api/settings/trackers': [['admin', '/api/settings/trackers']],
  '/api/settings/sync-logs': [['admin', '/api/settings/sync-logs']],
  '/api/settings/ai': [['admin', '/api/settings/ai']],
  '/api/settings/writeback': [['admin', '/api/settings/writeback']],
});

test('every signed GET route of the routers is among the reads below', () => {
  const routes = backend.signedRoutes.filter((route) => route.method === 'GET').map((route) => route.path);
  expect(routes.length).toBeGreaterThanOrEqual(15);
  expect(routes.sort()).toEqual(Object.keys(readsOf('id')).sort());
});

test('1,000 GETs of known users, over every signed GET route, write no row', async () => {
  const reads = Object.values(readsOf(a.conversationIds[0]!)).flat();
  // Each of them once, so that a first-request write would be over before counting starts.
  for (const [who, path] of reads) expect((await as(backend.url, who, path)).status).toBe(200);

  const before = await rowVersions(backend.testDb.db);
  const statuses: Record<number, number> = {};
  for (let i = 0; i < 1000; i += 10) {
    const batch = Array.from({ length: 10 }, (_, j) => reads[(i + j) % reads.length]!);
    for (const response of await Promise.all(batch.map(([who, path]) => as(backend.url, who, path)))) {
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      await response.arrayBuffer();
    }
  }
  expect(statuses).toEqual({ 200: 1000 });
  expect(await rowVersions(backend.testDb.db)).toEqual(before);
}, 120_000);

test("a user's first request creates him once; his next reads write nothing", async () => {
  const newcomer = { portalId: 940, userId: 940_555, userEmail: 'newcomer@940.example.com' };
  const path = '/api/cards/conversations?objectType=contacts&objectId=1000';
  expect((await signedFetch(backend.url, path, { clientSecret, identity: newcomer })).status).toBe(200);
  const before = await rowVersions(backend.testDb.db);
  for (let i = 0; i < 5; i++)
    expect((await signedFetch(backend.url, path, { clientSecret, identity: newcomer })).status).toBe(200);
  expect(await rowVersions(backend.testDb.db)).toEqual(before);
  const roles = await withSystem(
    backend.testDb.db,
    async (tx) =>
      (
        await tx.query(
          `SELECT r.role FROM users u JOIN user_roles r ON r.user_id = u.id WHERE u.hubspot_user_id = 940555`,
        )
      ).rows,
  );
  expect(roles).toEqual([{ role: 'rep' }]);
});

test('a role change applies on the very next request, in another backend process too', async () => {
  const viewerRole = async (url: string) =>
    (
      (await (await as(url, 'rep2', '/api/cards/coaching?objectType=contacts&objectId=1000')).json()) as {
        viewer: { role: string };
      }
    ).viewer.role;
  expect(await viewerRole(other.url)).toBe('rep');
  expect(await viewerRole(backend.url)).toBe('rep');

  const change = await as(backend.url, 'admin', '/api/settings/roles', {
    method: 'PUT',
    body: { hubspotUserId: HS.rep2, role: 'manager' },
  });
  expect(change.status).toBe(200);
  expect(await viewerRole(other.url)).toBe('manager');
  expect(await viewerRole(backend.url)).toBe('manager');

  // And a rep made admin opens the settings at once; made rep again, he is refused at once.
  await as(backend.url, 'admin', '/api/settings/roles', {
    method: 'PUT',
    body: { hubspotUserId: HS.rep2, role: 'admin' },
  });
  expect((await as(other.url, 'rep2', '/api/settings/roles')).status).toBe(200);
  await as(backend.url, 'admin', '/api/settings/roles', {
    method: 'PUT',
    body: { hubspotUserId: HS.rep2, role: 'rep' },
  });
  expect((await as(other.url, 'rep2', '/api/settings/roles')).status).toBe(403);
});
