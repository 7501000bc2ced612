import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PgBoss } from 'pg-boss';
import type { Database } from '../../backend/src/db/database.ts';
import { migrate } from '../../backend/src/db/migrate.ts';
import { pgliteSnapshot } from '../../backend/src/db/pglite.ts';
import { openPostgres } from '../../backend/src/db/postgres.ts';
import {
  EMPTY_SNAPSHOT_FILE_ENV,
  SNAPSHOT_FILE_ENV,
  TEMPLATE_DATABASE_ENV,
  databaseUrl,
  withServerAdmin,
  serverUrl,
  uniqueDatabaseName,
} from './database.ts';

// initdb (PGlite) and the migrations cost seconds, and most test files want a migrated database. They are
// paid once per run here: PGlite's migrated data directory dumped to a file, or a template
// database on PostgreSQL, which createMigratedDatabase copies for each test file (and PGlite's
// empty data directory, which createEmptyDatabase loads).
async function prepare(db: Database): Promise<void> {
  await migrate(db);
  const boss = new PgBoss({ ...db.jobsOptions(), schema: 'pgboss', supervise: false, schedule: false });
  await boss.start();
  await boss.stop({ graceful: false });
}

export default async function globalSetup(): Promise<void> {
  if (!serverUrl) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fathom-test-'));
    const save = async (name: string, dump: Blob) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
      return file;
    };
    process.env[EMPTY_SNAPSHOT_FILE_ENV] = await save('empty.tar', await pgliteSnapshot(async () => {}));
    process.env[SNAPSHOT_FILE_ENV] = await save('migrated.tar', await pgliteSnapshot(prepare));
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
