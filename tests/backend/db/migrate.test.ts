import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import { MIGRATIONS_DIR, MigrationError, migrate, readMigrations } from '../../../backend/src/db/migrate.ts';
import { createEmptyDatabase, type TestDatabase } from '../../support/database.ts';

let testDb: TestDatabase | undefined;
afterEach(async () => {
  await testDb?.drop();
  testDb = undefined;
});

function migrationsDirWith(extra: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
  for (const file of fs.readdirSync(MIGRATIONS_DIR))
    fs.copyFileSync(path.join(MIGRATIONS_DIR, file), path.join(dir, file));
  for (const [file, sql] of Object.entries(extra)) fs.writeFileSync(path.join(dir, file), sql);
  return dir;
}

async function tableNames(): Promise<string[]> {
  const { rows } = await testDb!.db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
  );
  return rows.map((row) => row.table_name);
}

describe('migrations', () => {
  test('apply in order on an empty database and record each one', async () => {
    testDb = await createEmptyDatabase();
    const applied = await migrate(testDb.db);
    expect(applied).toEqual(readMigrations().map((m) => m.name));
    expect(applied.length).toBeGreaterThanOrEqual(3);
    const { rows } = await testDb.db.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(rows.map((r) => r.version)).toEqual(readMigrations().map((m) => m.version));
    expect(await tableNames()).toEqual(
      expect.arrayContaining([
        'accounts',
        'users',
        'user_roles',
        'api_connections',
        'oauth_states',
        'conversations',
        'conversation_participants',
        'conversation_crm_links',
        'transcript_segments',
        'conversation_analyses',
        'sync_logs',
        'webhook_events',
        'coaching_messages',
        'coaching_message_events',
        'coaching_outcomes',
      ]),
    );
  });

  test('running them a second time applies nothing and changes nothing', async () => {
    testDb = await createEmptyDatabase();
    await migrate(testDb.db);
    const before = await tableNames();
    expect(await migrate(testDb.db)).toEqual([]);
    expect(await tableNames()).toEqual(before);
  });

  test('a broken migration rolls back entirely, stops with a clear error, and later ones do not run', async () => {
    testDb = await createEmptyDatabase();
    const dir = migrationsDirWith({
      '900_half_done.sql': 'CREATE TABLE half_done (id int);\nINSERT INTO no_such_table VALUES (1);',
      '901_after.sql': 'CREATE TABLE after_broken (id int);',
    });
    const failure = migrate(testDb.db, dir);
    await expect(failure).rejects.toBeInstanceOf(MigrationError);
    await expect(failure).rejects.toThrow(/900_half_done\.sql failed.*no_such_table/);
    const tables = await tableNames();
    expect(tables).not.toContain('half_done');
    expect(tables).not.toContain('after_broken');
    expect(tables).toContain('accounts');
    const { rows } = await testDb.db.query('SELECT 1 FROM schema_migrations WHERE version >= 900');
    expect(rows).toHaveLength(0);
  });

  test('a migration edited after it was applied is refused', async () => {
    testDb = await createEmptyDatabase();
    await migrate(testDb.db);
    const dir = migrationsDirWith({});
    const first = readMigrations(dir)[0]!;
    fs.appendFileSync(path.join(dir, first.name), '\n-- edited\n');
    await expect(migrate(testDb.db, dir)).rejects.toThrow(/was changed after it was applied/);
  });

  test('file names must be numbered and unique', () => {
    expect(() => readMigrations(migrationsDirWith({ 'oops.sql': 'SELECT 1' }))).toThrow(/must look like/);
    expect(() => readMigrations(migrationsDirWith({ '001_again.sql': 'SELECT 1' }))).toThrow(/share the number 1/);
  });
});
