import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PgBoss } from 'pg-boss';
import type { Database } from '../../backend/src/db/database.ts';
import { migrate } from '../../backend/src/db/migrate.ts';
import { pgliteSnapshot } from '../../backend/src/db/pglite.ts';
import { openPostgres } from '../../backend/src/db/postgres.ts';
import {
  SNAPSHOT_FILE_ENV,
  TEMPLATE_DATABASE_ENV,
  databaseUrl,
  onServer,
  serverUrl,
  uniqueDatabaseName,
} from './database.ts';

// initdb and the migrations cost seconds, and most test files want a migrated database. They are
// paid once per run here: PGlite's migrated data directory dumped to a file, or a template
// database on PostgreSQL, which createMigratedDatabase copies for each test file.
async function prepare(db: Database): Promise<void> {
  await migrate(db);
  const boss = new PgBoss({ ...db.jobsOptions(), schema: 'pgboss', supervise: false, schedule: false });
  await boss.start();
  await boss.stop({ graceful: false });
}

export default async function globalSetup(): Promise<void> {
  if (!serverUrl) {
    const dump = await pgliteSnapshot(prepare);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fathom-test-'));
    const file = path.join(dir, 'migrated.tar');
    fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
    process.env[SNAPSHOT_FILE_ENV] = file;
    return;
  }
  const name = uniqueDatabaseName('fathom_template');
  await onServer((admin) => admin.query(`CREATE DATABASE ${name}`));
  process.env[TEMPLATE_DATABASE_ENV] = name;
  const db = openPostgres(databaseUrl(name), { max: 2 });
  try {
    await prepare(db);
  } finally {
    await db.close();
  }
}
