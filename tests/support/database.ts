import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../backend/src/db/database.ts';
import { migrate } from '../../backend/src/db/migrate.ts';
import { openPglite } from '../../backend/src/db/pglite.ts';
import { openPostgres } from '../../backend/src/db/postgres.ts';

/** Where the suites run: real PostgreSQL when TEST_DATABASE_URL or DATABASE_URL is set, else PGlite. */
export const serverUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
export const engine: 'postgres' | 'pglite' = serverUrl ? 'postgres' : 'pglite';

export type TestDatabase = {
  db: Database;
  /** The connection string of this test's own database (PostgreSQL only). */
  url: string | undefined;
  drop(): Promise<void>;
};

/**
 * A fresh, empty database for one test file: an in-memory PGlite, or a database of its own on
 * the PostgreSQL server (created here, dropped by drop()), so runs never see each other.
 */
export async function createEmptyDatabase(): Promise<TestDatabase> {
  if (!serverUrl) {
    const db = await openPglite();
    return { db, url: undefined, drop: () => db.close() };
  }
  const name = `fathom_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = openPostgres(url.toString(), { max: 20 });
  return {
    db,
    url: url.toString(),
    async drop() {
      await db.close();
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

/** A fresh database with every migration applied. */
export async function createMigratedDatabase(): Promise<TestDatabase> {
  const testDb = await createEmptyDatabase();
  await migrate(testDb.db);
  return testDb;
}
