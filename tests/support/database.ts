import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Database } from '../../backend/src/db/database.ts';
import { migrate } from '../../backend/src/db/migrate.ts';
import { openPglite } from '../../backend/src/db/pglite.ts';
import { openPostgres } from '../../backend/src/db/postgres.ts';

/** Where the suites run: real PostgreSQL when TEST_DATABASE_URL or DATABASE_URL is set, else PGlite. */
export const serverUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
export const engine: 'postgres' | 'pglite' = serverUrl ? 'postgres' : 'pglite';

/** Set by tests/support/globalSetup.ts: the migrated PGlite data directory every test file copies. */
export const SNAPSHOT_DIR_ENV = 'FATHOM_TEST_PGLITE_SNAPSHOT';
/** Set by tests/support/globalSetup.ts: PGlite's data directory right after initdb. */
export const EMPTY_SNAPSHOT_DIR_ENV = 'FATHOM_TEST_PGLITE_EMPTY';
export const TEMPLATE_DATABASE_ENV = 'FATHOM_TEST_TEMPLATE_DATABASE';

export type TestDatabase = {
  db: Database;
  /** The connection string of this test's own database (PostgreSQL only). */
  url: string | undefined;
  drop(): Promise<void>;
};

/** Runs `fn` on a connection to the PostgreSQL server as its admin (to create and drop databases). */
export async function withServerAdmin<T>(fn: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export function databaseUrl(name: string): string {
  const url = new URL(serverUrl!);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A database of its own on the PostgreSQL server, a copy of `template` when given, dropped by drop(). */
async function createServerDatabase(template?: string): Promise<TestDatabase> {
  const name = uniqueDatabaseName('fathom_test');
  await withServerAdmin(async (admin) => {
    await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
    // A commit waits for its WAL to reach the disk (an fsync, milliseconds on this machine's
    // disk) only to survive a crash of the server itself, which no test here makes: its fault
    // tests kill our processes, and the restart test runs a server of its own (privatePostgres.ts).
    await admin.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
  });
  const url = databaseUrl(name);
  const db = openPostgres(url, { max: 20 });
  return {
    db,
    url,
    async drop() {
      await db.close();
      await withServerAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/**
 * A copy of a PGlite data directory (tests/support/globalSetup.ts) in a new temporary directory,
 * as `pglite/` where the backend looks for it. Copying the files and opening them costs about
 * 0.4 s in a test file; loading the same directory into memory from a tarball (`loadDataDir`) 1.3 s.
 */
function copySnapshot(snapshot: string, prefix: string): { dataDir: string; pgliteDir: string } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const pgliteDir = path.join(dataDir, 'pglite');
  fs.cpSync(snapshot, pgliteDir, { recursive: true });
  return { dataDir, pgliteDir };
}

/** A PGlite database of its own: a copy of `snapshot`, or a new one (initdb) without it. */
async function openPgliteCopy(snapshot: string | undefined): Promise<TestDatabase> {
  if (!snapshot) {
    const db = await openPglite();
    return { db, url: undefined, drop: () => db.close() };
  }
  const { dataDir, pgliteDir } = copySnapshot(snapshot, 'fathom-testdb-');
  const db = await openPglite(pgliteDir);
  return {
    db,
    url: undefined,
    async drop() {
      await db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh, empty database for one test file: an in-memory PGlite, or a database of its own on
 * the PostgreSQL server (created here, dropped by drop()), so runs never see each other.
 */
export async function createEmptyDatabase(): Promise<TestDatabase> {
  if (!serverUrl) return openPgliteCopy(process.env[EMPTY_SNAPSHOT_DIR_ENV]);
  return createServerDatabase();
}

/**
 * A fresh database with every migration applied (and pg-boss's schema): a copy of the one jest's
 * global setup migrated for this run, or, outside jest, a new one migrated here.
 */
export async function createMigratedDatabase(): Promise<TestDatabase> {
  const snapshot = process.env[SNAPSHOT_DIR_ENV];
  const template = process.env[TEMPLATE_DATABASE_ENV];
  if (!serverUrl && snapshot) return openPgliteCopy(snapshot);
  if (serverUrl && template) return createServerDatabase(template);
  const testDb = await createEmptyDatabase();
  await migrate(testDb.db);
  return testDb;
}

/**
 * A new DATA_DIR for a backend a test starts (`npm start`, the sync CLI, startServer). On PGlite
 * it already holds this run's migrated database in `pglite/`, where the backend looks for it (or,
 * with `initdb`, the database as initdb left it, for a test of the migrations themselves): a
 * process that finds no database runs initdb, seconds of CPU each time. Only the tests of the
 * first start itself (server.test.ts, db/embeddedFiles.test.ts) begin from an empty directory.
 */
export async function seededDataDir(prefix: string, from: 'migrated' | 'initdb' = 'migrated'): Promise<string> {
  const snapshot = process.env[from === 'migrated' ? SNAPSHOT_DIR_ENV : EMPTY_SNAPSHOT_DIR_ENV];
  if (serverUrl || !snapshot) return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return copySnapshot(snapshot, prefix).dataDir;
}
