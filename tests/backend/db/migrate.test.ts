import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import { MIGRATIONS_DIR, MigrationError, migrate, readMigrations } from '../../../backend/src/db/migrate.ts';
import { readRepeatables } from '../../../backend/src/db/repeatables.ts';
import { createEmptyDatabase, type TestDatabase } from '../../support/database.ts';
import { tempTree } from '../../support/tempTree.ts';

const DB_DIR = path.dirname(path.resolve(MIGRATIONS_DIR));

let testDb: TestDatabase | undefined;
afterEach(async () => {
  await testDb?.drop();
  testDb = undefined;
});

/** A copy of db/ (migrations and repeatables) with `extra` written over it; returns its migrations dir. */
function dbDirWith(extra: Record<string, string> = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'db-'));
  fs.cpSync(DB_DIR, root, { recursive: true });
  for (const [file, sql] of Object.entries(extra)) fs.writeFileSync(path.join(root, file), sql);
  return path.join(root, 'migrations');
}

const rootOf = (migrationsDir: string) => path.dirname(migrationsDir);

async function tableNames(): Promise<string[]> {
  const { rows } = await testDb!.db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
  );
  return rows.map((row) => row.table_name);
}

async function functionSource(name: string): Promise<string | undefined> {
  const { rows } = await testDb!.db.query<{ prosrc: string }>('SELECT prosrc FROM pg_proc WHERE proname = $1', [name]);
  return rows[0]?.prosrc;
}

async function policyNames(table: string): Promise<string[]> {
  const { rows } = await testDb!.db.query<{ policyname: string }>(
    'SELECT policyname FROM pg_policies WHERE tablename = $1 ORDER BY policyname',
    [table],
  );
  return rows.map((row) => row.policyname);
}

describe('migrations', () => {
  test('the baseline and every repeatable apply on an empty database, each recorded', async () => {
    testDb = await createEmptyDatabase();
    const applied = await migrate(testDb.db);
    expect(applied.migrations).toEqual(readMigrations().map((m) => m.name));
    expect(applied.repeatables).toEqual(readRepeatables(DB_DIR).map((r) => r.path));
    expect(applied.repeatables).toEqual(
      expect.arrayContaining([
        'functions/app_enter_caller.sql',
        'views/coaching_message_rows.sql',
        'policies/users.sql',
      ]),
    );
    const { rows } = await testDb.db.query<{ path: string }>('SELECT path FROM schema_repeatables ORDER BY path');
    expect(rows.map((r) => r.path)).toEqual([...applied.repeatables].sort());
    expect(await tableNames()).toEqual(
      expect.arrayContaining(['accounts', 'users', 'user_roles', 'conversations', 'coaching_messages', 'call_reviews']),
    );
  });

  test('running them a second time applies nothing and changes nothing', async () => {
    testDb = await createEmptyDatabase();
    await migrate(testDb.db);
    const before = await tableNames();
    expect(await migrate(testDb.db)).toEqual({ migrations: [], repeatables: [] });
    expect(await tableNames()).toEqual(before);
  });

  test('a changed repeatable is applied again, alone', async () => {
    testDb = await createEmptyDatabase();
    const dir = dbDirWith();
    await migrate(testDb.db, dir);
    const file = path.join(rootOf(dir), 'functions/app_user_id.sql');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("'app.user_id'", "'app.user_id' /* changed */"));
    expect(await migrate(testDb.db, dir)).toEqual({ migrations: [], repeatables: ['functions/app_user_id.sql'] });
    expect(await functionSource('app_user_id')).toContain('/* changed */');
  });

  test('a new migration applies every repeatable again', async () => {
    testDb = await createEmptyDatabase();
    const dir = dbDirWith();
    await migrate(testDb.db, dir);
    fs.writeFileSync(path.join(dir, '899_more.sql'), 'ALTER TABLE accounts ADD COLUMN more text;');
    const applied = await migrate(testDb.db, dir);
    expect(applied.migrations).toEqual(['899_more.sql']);
    expect(applied.repeatables).toEqual(readRepeatables(rootOf(dir)).map((r) => r.path));
  });

  test('what a removed file made is dropped, and a policy removed from its file goes', async () => {
    testDb = await createEmptyDatabase();
    const dir = dbDirWith({
      'functions/app_extra.sql': 'CREATE OR REPLACE FUNCTION app_extra() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;',
      'views/extra_rows.sql': 'CREATE OR REPLACE VIEW extra_rows AS SELECT app_extra() AS one;',
    });
    await migrate(testDb.db, dir);
    expect(await functionSource('app_extra')).toBeDefined();
    fs.rmSync(path.join(rootOf(dir), 'functions/app_extra.sql'));
    fs.rmSync(path.join(rootOf(dir), 'views/extra_rows.sql'));
    const policies = path.join(rootOf(dir), 'policies/users.sql');
    const statements = fs.readFileSync(policies, 'utf8').split(/;\n/);
    fs.writeFileSync(policies, statements.filter((s) => !s.includes('users_tenant_delete')).join(';\n'));
    expect(await policyNames('users')).toContain('users_tenant_delete');

    expect((await migrate(testDb.db, dir)).repeatables).toEqual(['policies/users.sql']);
    expect(await functionSource('app_extra')).toBeUndefined();
    expect(await tableNames()).not.toContain('extra_rows');
    expect(await policyNames('users')).not.toContain('users_tenant_delete');
    expect(await policyNames('users')).toContain('users_tenant_read');
    const { rows } = await testDb.db.query(`SELECT 1 FROM schema_repeatables WHERE path LIKE '%extra%'`);
    expect(rows).toHaveLength(0);
  });

  test('a broken migration rolls back entirely, stops with a clear error, and later ones do not run', async () => {
    testDb = await createEmptyDatabase();
    const dir = dbDirWith({
      'migrations/900_half_done.sql': 'CREATE TABLE half_done (id int);\nINSERT INTO no_such_table VALUES (1);',
      'migrations/901_after.sql': 'CREATE TABLE after_broken (id int);',
    });
    const failure = migrate(testDb.db, dir);
    await expect(failure).rejects.toBeInstanceOf(MigrationError);
    await expect(failure).rejects.toThrow(/900_half_done\.sql failed.*no_such_table/);
    // One transaction: the baseline before it is not applied either.
    expect(await tableNames()).not.toContain('accounts');
  });

  test('a broken repeatable rolls back the migrations and repeatables of the same run', async () => {
    testDb = await createEmptyDatabase();
    const dir = dbDirWith();
    await migrate(testDb.db, dir);
    fs.writeFileSync(path.join(dir, '899_more.sql'), 'CREATE TABLE more_things (id int);');
    const file = path.join(rootOf(dir), 'functions/app_user_id.sql');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace("'app.user_id'", "'app.user_id' /* changed */"));
    fs.writeFileSync(
      path.join(rootOf(dir), 'functions/zz_broken.sql'),
      'CREATE OR REPLACE FUNCTION zz_broken() RETURNS int LANGUAGE sql AS $$ SELECT no_such_column FROM accounts $$;',
    );
    const failure = migrate(testDb.db, dir);
    await expect(failure).rejects.toBeInstanceOf(MigrationError);
    await expect(failure).rejects.toThrow(/db\/functions\/zz_broken\.sql failed.*no_such_column/);
    expect(await tableNames()).not.toContain('more_things');
    expect(await functionSource('app_user_id')).not.toContain('/* changed */');
    const { rows } = await testDb.db.query('SELECT 1 FROM schema_migrations WHERE version = 899');
    expect(rows).toHaveLength(0);
  });

  test('a migration edited after it was applied is refused', async () => {
    testDb = await createEmptyDatabase();
    const dir = dbDirWith();
    await migrate(testDb.db, dir);
    fs.appendFileSync(path.join(dir, readMigrations(dir)[0]!.name), '\n-- edited\n');
    await expect(migrate(testDb.db, dir)).rejects.toThrow(/was changed after it was applied/);
  });

  test('a database migrated by the numbered chain the baseline replaced is refused, untouched', async () => {
    testDb = await createEmptyDatabase();
    await testDb.db.exec(`
      CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                                      applied_at timestamptz NOT NULL DEFAULT now());
      INSERT INTO schema_migrations (version, name, checksum) VALUES (1, '001_tenants_and_tables.sql', 'x');
      CREATE TABLE accounts (id uuid PRIMARY KEY);`);
    const failure = migrate(testDb.db);
    await expect(failure).rejects.toBeInstanceOf(MigrationError);
    await expect(failure).rejects.toThrow(
      /migrated by the numbered migrations that 001_baseline\.sql replaced \(it records 001_tenants_and_tables\.sql\).*drop the database/,
    );
    expect(await tableNames()).toEqual(['accounts', 'schema_migrations']);
  });

  test('functions and views apply after the ones they name, then triggers, then policies; a circle is refused', () => {
    const { root, write } = tempTree('repeatables-');
    write('policies/t.sql', 'CREATE POLICY p ON t USING (a_first());');
    write('triggers/t.g.sql', 'CREATE OR REPLACE TRIGGER g AFTER UPDATE ON t FOR EACH ROW EXECUTE FUNCTION a_first();');
    write('functions/a_first.sql', 'SELECT * FROM b_view; -- not c_last: comments do not count');
    write('views/b_view.sql', 'SELECT c_last();');
    write('functions/c_last.sql', 'SELECT 1;');
    expect(readRepeatables(root).map((r) => r.path)).toEqual([
      'functions/c_last.sql',
      'views/b_view.sql',
      'functions/a_first.sql',
      'triggers/t.g.sql',
      'policies/t.sql',
    ]);
    write('functions/c_last.sql', 'SELECT a_first();');
    expect(() => readRepeatables(root)).toThrow(/in a circle: a_first → b_view → c_last → a_first/);
  });

  test('file names must be numbered and unique', () => {
    expect(() => readMigrations(dbDirWith({ 'migrations/oops.sql': 'SELECT 1' }))).toThrow(/must look like/);
    expect(() => readMigrations(dbDirWith({ 'migrations/001_again.sql': 'SELECT 1' }))).toThrow(/share the number 1/);
    expect(() => readRepeatables(rootOf(dbDirWith({ 'triggers/no_table.sql': 'SELECT 1' })))).toThrow(
      /must be named <table>\.<trigger>\.sql/,
    );
  });
});
