import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PgBoss } from 'pg-boss';
import type { Database } from '../../backend/src/db/database.ts';
import { migrate } from '../../backend/src/db/migrate.ts';
import { openPglite } from '../../backend/src/db/pglite.ts';
import { openPostgres } from '../../backend/src/db/postgres.ts';
import {
  EMPTY_SNAPSHOT_DIR_ENV,
  SNAPSHOT_DIR_ENV,
  TEMPLATE_DATABASE_ENV,
  databaseUrl,
  withServerAdmin,
  serverUrl,
  uniqueDatabaseName,
} from './database.ts';

// initdb (PGlite) and the migrations cost seconds, and most test files want a migrated database. They are
// paid once per run here: PGlite's migrated data directory, or a template database on PostgreSQL,
// which createMigratedDatabase copies for each test file (and PGlite's data directory right after
// initdb, which createEmptyDatabase copies).
async function prepare(db: Database): Promise<void> {
  await migrate(db);
  const boss = new PgBoss({ ...db.jobsOptions(), schema: 'pgboss', supervise: false, schedule: false });
  await boss.start();
  await boss.stop({ graceful: false });
}

export default async function globalSetup(): Promise<void> {
  if (!serverUrl) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fathom-test-'));
    const empty = path.join(dir, 'empty');
    const migrated = path.join(dir, 'migrated');
    await (await openPglite(empty)).close();
    fs.cpSync(empty, migrated, { recursive: true });
    const db = await openPglite(migrated);
    try {
      await prepare(db);
    } finally {
      await db.close();
    }
    process.env[EMPTY_SNAPSHOT_DIR_ENV] = empty;
    process.env[SNAPSHOT_DIR_ENV] = migrated;
    return;
  }
  const name = uniqueDatabaseName('fathom_template');
  await withServerAdmin((admin) => admin.query(`CREATE DATABASE ${name}`));
  process.env[TEMPLATE_DATABASE_ENV] = name;
  const db = openPostgres(databaseUrl(name), { max: 2 });
  try {
    await prepare(db);
  } finally {
    await db.close();
  }
}
