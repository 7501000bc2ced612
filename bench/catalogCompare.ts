// DATABASE_URL=postgres://… npm run bench:catalog [-- <git revision with the numbered chain>]
// Proves the fold of issue 26: applies the numbered migration chain of a past revision (default:
// the last one that had it) to one new database, as the old runner did (one transaction per file),
// and db/ of this tree (001_baseline.sql and the repeatables, through migrate()) to another, then
// compares their catalogs: functions (arguments, result, language, body, security, volatility,
// strictness, settings, grants), policies, views, triggers, table and column grants, row level
// security flags, columns, indexes, constraints, roles and the rows of the baseline's tables.
// Prints every difference and exits 1 on one that is not in INTENDED.
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { migrate } from '../backend/src/db/migrate.ts';
import { openPostgres } from '../backend/src/db/postgres.ts';
import { databaseUrl, withServerAdmin, serverUrl, uniqueDatabaseName } from '../tests/support/database.ts';

if (!serverUrl) {
  console.error('bench:catalog needs PostgreSQL: set DATABASE_URL');
  process.exit(2);
}

const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' });
// By default the last chain before the fold: integration as issue 26 found it, 21 migrations from
// 001_tenants_and_tables.sql to 050_call_reviews.sql.
const revision = process.argv[2] ?? '9d983d7320d9a893a0de5e41571930d5b996074b';
const chain = git('ls-tree', '--name-only', `${revision}:db/migrations`)
  .split('\n')
  .filter((file) => file.endsWith('.sql'))
  .sort();

// The differences the fold means to make: the ledger of repeatables, and the three card wrappers
// (app_read_conversations_card, app_read_conversation_detail, app_read_coaching_card) become one,
// app_read_as_caller, with the detail card's review in card_conversation_detail_reviewed.
const INTENDED = [
  /^\w+: schema_repeatables\b/,
  /^indexes: schema_repeatables_pkey /,
  /^functions: app_read_(conversations_card|conversation_detail|coaching_card|as_caller)\(/,
  /^functions: card_conversation_detail_reviewed\(/,
];

const CATALOG: Record<string, string> = {
  functions: `
    SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') returns ' || pg_get_function_result(p.oid)
           || ' language ' || l.lanname || ' volatility ' || p.provolatile::text || ' strict ' || p.proisstrict
           || ' security_definer ' || p.prosecdef || ' parallel ' || p.proparallel::text
           || ' config ' || coalesce(array_to_string(p.proconfig, ','), '-')
           || ' grants ' || (SELECT coalesce(string_agg(coalesce(r.rolname, 'PUBLIC') || ':' || a.privilege_type, ',' ORDER BY 1), '')
                               FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                               LEFT JOIN pg_roles r ON r.oid = a.grantee WHERE a.grantee <> p.proowner)
           || ' body ' || md5(p.prosrc)
      FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang WHERE p.pronamespace = 'public'::regnamespace`,
  policies: `
    SELECT tablename || '.' || policyname || ' ' || permissive || ' ' || roles::text || ' ' || cmd
           || ' using ' || coalesce(qual, '-') || ' check ' || coalesce(with_check, '-')
      FROM pg_policies WHERE schemaname = 'public'`,
  views: `
    SELECT c.relname || ' ' || coalesce(array_to_string(c.reloptions, ','), '') || ' ' || pg_get_viewdef(c.oid)
      FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'm')`,
  triggers: `
    SELECT pg_get_triggerdef(t.oid) || ' enabled ' || t.tgenabled::text FROM pg_trigger t
      JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal`,
  tables: `
    SELECT c.relname || ' kind ' || c.relkind::text || ' rls ' || c.relrowsecurity || ' forced ' || c.relforcerowsecurity
           || ' grants ' || (SELECT coalesce(string_agg(coalesce(r.rolname, 'PUBLIC') || ':' || a.privilege_type, ',' ORDER BY 1), '')
                               FROM aclexplode(coalesce(c.relacl, acldefault((CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END)::"char", c.relowner))) a
                               LEFT JOIN pg_roles r ON r.oid = a.grantee WHERE a.grantee <> c.relowner)
      FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')`,
  columns: `
    SELECT c.relname || '.' || a.attname || ' #' || rank() OVER (PARTITION BY c.oid ORDER BY a.attnum) || ' '
           || format_type(a.atttypid, a.atttypmod) || ' notnull ' || a.attnotnull || ' identity ' || a.attidentity::text
           || ' generated ' || a.attgenerated::text || ' default ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '-')
           || ' grants ' || (SELECT coalesce(string_agg(coalesce(r.rolname, 'PUBLIC') || ':' || x.privilege_type, ',' ORDER BY 1), '')
                               FROM aclexplode(a.attacl) x LEFT JOIN pg_roles r ON r.oid = x.grantee)
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v') AND a.attnum > 0 AND NOT a.attisdropped`,
  indexes: `SELECT indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public'`,
  constraints: `
    SELECT c.relname || '.' || k.conname || ' ' || pg_get_constraintdef(k.oid) FROM pg_constraint k
      JOIN pg_class c ON c.oid = k.conrelid WHERE c.relnamespace = 'public'::regnamespace`,
  types: `
    SELECT t.typname || ' ' || t.typtype::text FROM pg_type t
     WHERE t.typnamespace = 'public'::regnamespace AND t.typtype NOT IN ('c', 'b') AND t.typname NOT LIKE '\\_%'`,
  roles: `SELECT rolname || ' login ' || rolcanlogin || ' bypassrls ' || rolbypassrls FROM pg_roles WHERE rolname LIKE 'fathom_app_%'`,
  schema: `SELECT 'public ' || array_to_string(nspacl, ',') FROM pg_namespace WHERE nspname = 'public'`,
  rows: `SELECT 'hubspot_journal_state ' || count(*) FROM hubspot_journal_state`,
};

async function catalog(url: string): Promise<Map<string, Set<string>>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = new Map<string, Set<string>>();
    for (const [part, sql] of Object.entries(CATALOG)) {
      const { rows } = await client.query<Record<string, string>>(sql);
      result.set(part, new Set(rows.map((row) => Object.values(row)[0]!)));
    }
    return result;
  } finally {
    await client.end();
  }
}

async function oldChain(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,
      checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    for (const file of chain) {
      await client.query('BEGIN');
      await client.query(git('show', `${revision}:db/migrations/${file}`));
      await client.query('COMMIT');
    }
  } finally {
    await client.end();
  }
}

const names = [uniqueDatabaseName('catalog_old'), uniqueDatabaseName('catalog_new')] as const;
await withServerAdmin(async (admin) => {
  for (const name of names) await admin.query(`CREATE DATABASE ${name}`);
});
try {
  await oldChain(databaseUrl(names[0]));
  const db = openPostgres(databaseUrl(names[1]), { max: 1 });
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  const [before, after] = [await catalog(databaseUrl(names[0])), await catalog(databaseUrl(names[1]))];
  let unintended = 0;
  let intended = 0;
  let compared = 0;
  for (const part of Object.keys(CATALOG)) {
    const [a, b] = [before.get(part)!, after.get(part)!];
    compared += a.size;
    for (const [side, mine, other] of [
      ['only in the old chain', a, b],
      ['only in db/', b, a],
    ] as const) {
      for (const line of [...mine].filter((entry) => !other.has(entry)).sort()) {
        const label = `${part}: ${line}`;
        if (INTENDED.some((pattern) => pattern.test(label))) intended++;
        else unintended++;
        console.log(`${side}  ${label}`);
      }
    }
  }
  console.log(
    `Old chain: ${chain.length} migrations of ${revision.slice(0, 12)}. ${compared} catalog entries compared; ` +
      `${intended} intended differences, ${unintended} others.`,
  );
  process.exitCode = unintended ? 1 : 0;
} finally {
  await withServerAdmin(async (admin) => {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}
