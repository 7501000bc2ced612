import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';
import { RepeatableError, applyRepeatables } from './repeatables.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../db/migrations/', import.meta.url));

export type Migration = { version: number; name: string; sql: string; checksum: string };

export class MigrationError extends Error {
  override name = 'MigrationError';
}

const FILE_NAME = /^(\d{3,})_([a-z0-9_]+)\.sql$/;

// Every process that starts runs the migrations; this lock makes them take turns (per database).
const MIGRATION_LOCK = 7_425_771_001;

export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const files = fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort();
  const seen = new Map<number, string>();
  return files.map((file) => {
    const match = FILE_NAME.exec(file);
    if (!match) throw new MigrationError(`Migration file name "${file}" must look like 001_what_it_does.sql`);
    const version = Number(match[1]);
    const clash = seen.get(version);
    if (clash) throw new MigrationError(`Migrations "${clash}" and "${file}" share the number ${version}`);
    seen.set(version, file);
    const sql = fs.readFileSync(path.join(dir, file), 'utf8');
    return { version, name: file, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
}

export type Migrated = {
  /** The migration files applied by this call. */
  migrations: string[];
  /** The repeatables (functions/…, views/…, triggers/…, policies/…) applied by this call. */
  repeatables: string[];
};

/** The migration every database starts from; the numbered chain it replaced is refused. */
export const BASELINE = '001_baseline.sql';

/**
 * Brings the database to what db/ holds, in ONE transaction: each migration not yet recorded in
 * schema_migrations, in order, then the repeatables (db/functions, views, triggers, policies)
 * whose files changed since schema_repeatables recorded them, or all of them when a migration ran.
 * Any failure rolls all of it back. Returns what was applied. `dir` is db/migrations; the
 * repeatables are read from the folders beside it.
 */
export async function migrate(db: Database, dir: string = MIGRATIONS_DIR): Promise<Migrated> {
  const migrations = readMigrations(dir);
  const repeatablesRoot = path.dirname(path.resolve(dir));
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(LEDGERS);
    const { rows } = await tx.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migrations',
    );
    const recorded = new Map(rows.map((row) => [row.version, row]));
    const first = recorded.get(1);
    if (first && first.name !== BASELINE) {
      throw new MigrationError(
        `This database was migrated by the numbered migrations that ${BASELINE} replaced (it records ${first.name}). ` +
          'Nothing was deployed before the baseline: drop the database (or the PGlite data directory) and start again.',
      );
    }
    const applied: string[] = [];
    for (const migration of migrations) {
      const done = recorded.get(migration.version);
      if (done) {
        if (done.checksum !== migration.checksum) {
          throw new MigrationError(
            `Migration ${migration.name} was changed after it was applied; add a new migration instead`,
          );
        }
        continue;
      }
      try {
        await tx.exec(migration.sql);
      } catch (error) {
        throw new MigrationError(
          `Migration ${migration.name} failed, nothing was applied: ${(error as Error).message}`,
        );
      }
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
      applied.push(migration.name);
    }
    let repeatables: string[];
    try {
      repeatables = await applyRepeatables(tx, repeatablesRoot, { all: applied.length > 0 });
    } catch (error) {
      if (error instanceof RepeatableError) throw new MigrationError(error.message);
      throw error;
    }
    return { migrations: applied, repeatables };
  });
}

// The two ledgers: the owner's alone (001_baseline.sql revokes them from the app's roles).
const LEDGERS = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE TABLE IF NOT EXISTS schema_repeatables (
    path       text PRIMARY KEY,
    kind       text NOT NULL,
    object     text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`;
