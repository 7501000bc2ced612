import { afterAll, beforeAll, expect, test } from '@jest/globals';
import pg from 'pg';
import type { Database } from '../../../backend/src/db/database.ts';
import { createEmptyDatabase, engine, type TestDatabase } from '../../support/database.ts';

// Sessions of their own that the server can end are PostgreSQL's; PGlite has one, in-process.
const onServer = engine === 'postgres';
const maybe = onServer ? test : test.skip;
const SKIPPED = onServer ? '' : ' [skipped on PGlite: needs PostgreSQL; set TEST_DATABASE_URL]';

let testDb: TestDatabase;
let db: Database;
let admin: pg.Client;

beforeAll(async () => {
  if (!onServer) return;
  testDb = await createEmptyDatabase();
  db = testDb.db;
  admin = new pg.Client({ connectionString: testDb.url });
  await admin.connect();
});
afterAll(async () => {
  if (!onServer) return;
  await admin.end();
  await testDb.drop();
});

maybe(
  `a session the server ends in the middle of a transaction fails that transaction, not the process, and the next one works${SKIPPED}`,
  async () => {
    // What a restart, a failover or idle_in_transaction_session_timeout does to a transaction that
    // waits on something else between two statements (a token refresh waits on HubSpot).
    const failed = db.transaction(async (tx) => {
      const { pid } = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!;
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await tx.query('SELECT 1');
    });
    await expect(failed).rejects.toThrow();
    // The broken connection is not handed out again: every pooled session answers.
    const pids = await Promise.all(
      Array.from({ length: 12 }, () =>
        db.transaction(async (tx) => (await tx.query<{ n: number }>('SELECT 1 AS n')).rows[0]!.n),
      ),
    );
    expect(pids).toEqual(Array(12).fill(1));
    expect(await db.ping()).toBe(true);
  },
);
