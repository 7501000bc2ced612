import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Queryable } from './database.ts';

/**
 * Functions, views, triggers and policies: one object per file (all the policies of one table in
 * one file), applied again whenever the file changes, like Flyway's repeatable migrations. The
 * file holds the object's whole current definition; db/migrations holds only tables and data.
 */
export type RepeatableKind = 'functions' | 'views' | 'triggers' | 'policies';

export type Repeatable = {
  /** The path under db/, e.g. "functions/app_user_role.sql": the ledger's key. */
  path: string;
  kind: RepeatableKind;
  /** The function or view name; the table (policies); "table.trigger" (triggers). */
  object: string;
  sql: string;
  checksum: string;
};

export const REPEATABLE_KINDS: readonly RepeatableKind[] = ['functions', 'views', 'triggers', 'policies'];

export class RepeatableError extends Error {
  override name = 'RepeatableError';
}

const NAME = /^[a-z_][a-z0-9_]*$/;

function objectOf(kind: RepeatableKind, file: string): string {
  const base = file.slice(0, -'.sql'.length);
  const parts = base.split('.');
  const valid = kind === 'triggers' ? parts.length === 2 && parts.every((p) => NAME.test(p)) : NAME.test(base);
  if (!valid) {
    const shape = kind === 'triggers' ? '<table>.<trigger>.sql' : '<name>.sql';
    throw new RepeatableError(`db/${kind}/${file} must be named ${shape} in lower case`);
  }
  return base;
}

/** Each file's text without its comments: what it mentions, for the order of application. */
function mentions(sql: string, names: ReadonlySet<string>, self: string): string[] {
  const words = new Set(sql.replace(/--[^\n]*/g, '').match(/[a-z_][a-z0-9_]*/gi) ?? []);
  return [...names].filter((name) => name !== self && words.has(name));
}

/**
 * Every repeatable under root, in the order they are applied: functions and views so that each
 * comes after the functions and views it names (so a SQL function's body is checked when it is
 * created), then triggers, then policies.
 */
export function readRepeatables(root: string): Repeatable[] {
  const all: Repeatable[] = [];
  for (const kind of REPEATABLE_KINDS) {
    const dir = path.join(root, kind);
    if (!fs.existsSync(dir)) continue;
    for (const file of fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .sort()) {
      const sql = fs.readFileSync(path.join(dir, file), 'utf8');
      all.push({
        path: `${kind}/${file}`,
        kind,
        object: objectOf(kind, file),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      });
    }
  }
  const routines = all.filter((r) => r.kind === 'functions' || r.kind === 'views');
  const byName = new Map(routines.map((r) => [r.object, r]));
  const names = new Set(byName.keys());
  const ordered: Repeatable[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (r: Repeatable, trail: string[]) => {
    if (state.get(r.object) === 'done') return;
    if (state.get(r.object) === 'visiting')
      throw new RepeatableError(
        `db/ functions and views name each other in a circle: ${[...trail, r.object].join(' → ')}`,
      );
    state.set(r.object, 'visiting');
    for (const dep of mentions(r.sql, names, r.object)) visit(byName.get(dep)!, [...trail, r.object]);
    state.set(r.object, 'done');
    ordered.push(r);
  };
  for (const r of routines) visit(r, []);
  return [...ordered, ...all.filter((r) => r.kind === 'triggers'), ...all.filter((r) => r.kind === 'policies')];
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Drops the object(s) a repeatable file made, so that its file (when re-applied) defines them all. */
async function dropObjectOf(tx: Queryable, kind: RepeatableKind, object: string): Promise<void> {
  if (kind === 'policies') {
    const { rows } = await tx.query<{ policyname: string }>(
      `SELECT policyname FROM pg_policies WHERE schemaname = current_schema() AND tablename = $1`,
      [object],
    );
    for (const { policyname } of rows) await tx.query(`DROP POLICY ${quote(policyname)} ON ${quote(object)}`);
  } else if (kind === 'triggers') {
    const [table, trigger] = object.split('.') as [string, string];
    await tx.query(`DROP TRIGGER IF EXISTS ${quote(trigger)} ON ${quote(table)}`);
  } else if (kind === 'views') {
    await tx.query(`DROP VIEW IF EXISTS ${quote(object)}`);
  } else {
    const { rows } = await tx.query<{ signature: string }>(
      `SELECT oid::regprocedure::text AS signature FROM pg_proc
        WHERE proname = $1 AND pronamespace = current_schema()::regnamespace`,
      [object],
    );
    for (const { signature } of rows) await tx.query(`DROP FUNCTION ${signature}`);
  }
}

const DROP_ORDER: readonly RepeatableKind[] = ['policies', 'triggers', 'views', 'functions'];

/**
 * Inside the migrations' transaction: drops what a removed file made, then applies (in the order
 * of readRepeatables) every file that is new or changed since the ledger recorded it, or every
 * file when `all` (a migration ran, and may have changed what they stand on). Returns the paths
 * applied.
 */
export async function applyRepeatables(tx: Queryable, root: string, options: { all: boolean }): Promise<string[]> {
  const repeatables = readRepeatables(root);
  const { rows: recorded } = await tx.query<{ path: string; kind: RepeatableKind; object: string; checksum: string }>(
    'SELECT path, kind, object, checksum FROM schema_repeatables',
  );
  const present = new Set(repeatables.map((r) => r.path));
  const removed = recorded
    .filter((row) => !present.has(row.path))
    .sort((a, b) => DROP_ORDER.indexOf(a.kind) - DROP_ORDER.indexOf(b.kind));
  for (const row of removed) {
    try {
      await dropObjectOf(tx, row.kind, row.object);
    } catch (error) {
      throw new RepeatableError(
        `db/${row.path} was removed but what it made cannot be dropped, nothing was applied: ${(error as Error).message}`,
      );
    }
    await tx.query('DELETE FROM schema_repeatables WHERE path = $1', [row.path]);
  }
  const checksums = new Map(recorded.map((row) => [row.path, row.checksum]));
  const applied: string[] = [];
  for (const repeatable of repeatables) {
    if (!options.all && checksums.get(repeatable.path) === repeatable.checksum) continue;
    try {
      // A table's policies are exactly those its file makes now: one removed from the file goes.
      if (repeatable.kind === 'policies') await dropObjectOf(tx, 'policies', repeatable.object);
      await tx.exec(repeatable.sql);
    } catch (error) {
      throw new RepeatableError(`db/${repeatable.path} failed, nothing was applied: ${(error as Error).message}`);
    }
    await tx.query(
      `INSERT INTO schema_repeatables (path, kind, object, checksum) VALUES ($1, $2, $3, $4)
       ON CONFLICT (path) DO UPDATE SET kind = EXCLUDED.kind, object = EXCLUDED.object,
         checksum = EXCLUDED.checksum, applied_at = now()`,
      [repeatable.path, repeatable.kind, repeatable.object, repeatable.checksum],
    );
    applied.push(repeatable.path);
  }
  return applied;
}
