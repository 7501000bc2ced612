import { PGlite, types } from '@electric-sql/pglite';
import { fromPglite } from 'pg-boss';
import { closeToOthers, privateDir } from '../dataDir.ts';
import type { Database, Queryable, QueryResult } from './database.ts';

type PgliteRunner = Pick<PGlite, 'query' | 'exec'>;

function on(runner: PgliteRunner): Queryable {
  return {
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
      const result = await runner.query<T>(sql, params as unknown[]);
      // pg counts the rows a statement returns (SELECT, ... RETURNING); PGlite reports 0 for them.
      const rowCount = result.fields.length > 0 ? result.rows.length : (result.affectedRows ?? 0);
      return { rows: result.rows, rowCount };
    },
    async exec(sql: string) {
      await runner.exec(sql);
    },
  };
}

/** The PGlite settings every embedded database runs with. */
function pgliteOptions() {
  // Same JS types as the pg engine (postgres.ts): int8 and numeric as numbers.
  const parsers = { [types.INT8]: Number, [types.NUMERIC]: Number };
  // PGlite's WebAssembly heap never shrinks, and PostgreSQL's default buffers (128 MB shared,
  // 64 MB for maintenance) fill it for one user's embedded trial. Smaller buffers cut the idle
  // RSS of `npm start` by about 75 MB (docs/sync-storage.md, "Memory").
  const postgresqlconf = [
    'shared_buffers = 16MB',
    'maintenance_work_mem = 16MB',
    'temp_buffers = 1MB',
    'wal_buffers = 1MB',
  ];
  return { parsers, postgresqlconf };
}

/**
 * Embedded PostgreSQL. PGlite has a single session: its query() and exec() wait for an open
 * transaction to finish, so work outside a transaction (pg-boss polling) can never run inside
 * another caller's tenant transaction. dataDir undefined keeps everything in memory; on disk, the
 * directory is this user's only (0700), and so is every file in it (0600) once opened and closed.
 */
export async function openPglite(dataDir?: string): Promise<Database> {
  if (dataDir) privateDir(dataDir);
  const pglite = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...pgliteOptions(),
  });
  if (dataDir) closeToOthers(dataDir);
  return asDatabase(pglite, dataDir);
}

function asDatabase(pglite: PGlite, dataDir: string | undefined): Database {
  const direct = on(pglite);
  return {
    ...direct,
    queryPrepared: (sql, params) => direct.query(sql, params),
    transaction(fn) {
      return pglite.transaction((tx) => fn(on(tx)));
    },
    async ping() {
      try {
        await pglite.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    jobsOptions() {
      return { db: fromPglite(pglite), backend: 'pglite' };
    },
    async close() {
      if (!pglite.closed) await pglite.close();
      if (dataDir) closeToOthers(dataDir);
    },
  };
}
