import { afterAll, beforeAll, expect, test } from '@jest/globals';
import type { Database } from '../../../backend/src/db/database.ts';
import { createMigratedDatabase, type TestDatabase } from '../../support/database.ts';

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createMigratedDatabase();
});
afterAll(() => testDb.drop());

/** What pg_catalog says is missing on each table of the public schema that has an account_id. */
async function unprotectedTenantTables(db: Database): Promise<Array<{ table: string; missing: string[] }>> {
  const { rows } = await db.query<{
    table: string;
    rls: boolean;
    forced: boolean;
    policies: number;
    cascade_fk: boolean;
  }>(`
    SELECT c.relname AS table,
           c.relrowsecurity AS rls,
           c.relforcerowsecurity AS forced,
           (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies,
           EXISTS (
             SELECT 1 FROM pg_constraint k
              WHERE k.conrelid = c.oid AND k.contype = 'f'
                AND k.confrelid = 'public.accounts'::regclass
                AND k.conkey = ARRAY[a.attnum] AND k.confdeltype = 'c'
           ) AS cascade_fk
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'account_id' AND NOT a.attisdropped
     WHERE c.relkind IN ('r', 'p')
     ORDER BY c.relname`);
  return rows
    .map((row) => ({
      table: row.table,
      missing: [
        ...(row.rls ? [] : ['row level security']),
        ...(row.forced ? [] : ['forced row level security']),
        ...(row.policies > 0 ? [] : ['a policy']),
        ...(row.cascade_fk ? [] : ['account_id -> accounts(id) ON DELETE CASCADE']),
      ],
    }))
    .filter((row) => row.missing.length > 0);
}

test('every table with an account_id has forced RLS, a policy and the cascading foreign key', async () => {
  const { rows } = await testDb.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'account_id'`,
  );
  expect(rows[0]!.n).toBeGreaterThanOrEqual(14);
  expect(await unprotectedTenantTables(testDb.db)).toEqual([]);
});

test('the check reports a table that forgot any of them', async () => {
  await testDb.db.exec(`
    CREATE TABLE careless (id int, account_id uuid REFERENCES accounts (id));
    CREATE TABLE half_careful (id int, account_id uuid REFERENCES accounts (id) ON DELETE CASCADE);
    ALTER TABLE half_careful ENABLE ROW LEVEL SECURITY;`);
  try {
    expect(await unprotectedTenantTables(testDb.db)).toEqual([
      {
        table: 'careless',
        missing: [
          'row level security',
          'forced row level security',
          'a policy',
          'account_id -> accounts(id) ON DELETE CASCADE',
        ],
      },
      { table: 'half_careful', missing: ['forced row level security', 'a policy'] },
    ]);
  } finally {
    await testDb.db.exec('DROP TABLE careless; DROP TABLE half_careful;');
  }
});

test('accounts itself has forced RLS, and the app roles own nothing and bypass nothing', async () => {
  const { rows: accounts } = await testDb.db.query<{ rls: boolean; forced: boolean }>(
    `SELECT relrowsecurity AS rls, relforcerowsecurity AS forced FROM pg_class WHERE oid = 'public.accounts'::regclass`,
  );
  expect(accounts).toEqual([{ rls: true, forced: true }]);
  const { rows: roles } = await testDb.db.query<{
    rolname: string;
    rolsuper: boolean;
    rolbypassrls: boolean;
    rolcanlogin: boolean;
    owns: number;
  }>(
    `SELECT r.rolname, r.rolsuper, r.rolbypassrls, r.rolcanlogin,
            (SELECT count(*)::int FROM pg_class c WHERE c.relowner = r.oid) AS owns
       FROM pg_roles r WHERE r.rolname IN ('fathom_app_tenant', 'fathom_app_system') ORDER BY r.rolname`,
  );
  expect(roles).toEqual([
    { rolname: 'fathom_app_system', rolsuper: false, rolbypassrls: false, rolcanlogin: false, owns: 0 },
    { rolname: 'fathom_app_tenant', rolsuper: false, rolbypassrls: false, rolcanlogin: false, owns: 0 },
  ]);
});

test('every view applies row level security as its reader (security_invoker)', async () => {
  const { rows } = await testDb.db.query<{ view: string; invoker: boolean }>(
    `SELECT c.relname AS view, coalesce('security_invoker=true' = ANY (c.reloptions), false) AS invoker
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
      WHERE c.relkind = 'v' ORDER BY c.relname`,
  );
  // A view without it reads as its owner: row level security would judge the owner, not the caller.
  expect(rows).toContainEqual({ view: 'coaching_message_rows', invoker: true });
  expect(rows.filter((row) => !row.invoker)).toEqual([]);
});

test('the functions that enter a caller are the backend connection’s alone: neither app role may call them', async () => {
  const { rows } = await testDb.db.query<{ fn: string; tenant: boolean; system: boolean }>(
    `SELECT p.proname AS fn,
            has_function_privilege('fathom_app_tenant', p.oid, 'EXECUTE') AS tenant,
            has_function_privilege('fathom_app_system', p.oid, 'EXECUTE') AS system
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'public'
      WHERE p.proname = 'app_enter_caller' OR p.proname LIKE 'app\\_read\\_%'
      ORDER BY p.proname`,
  );
  expect(rows).toEqual(['app_enter_caller', 'app_read_as_caller'].map((fn) => ({ fn, tenant: false, system: false })));
});
