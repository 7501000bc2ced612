import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Database, Queryable, QueryResult } from './database.ts';

// Return bigint (int8) columns as strings? No: HubSpot ids fit in a JS number well below 2^53,
// and counts are small, so parse them as numbers everywhere, as PGlite does.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

// Prepared statements are named after their text. Never one that selects `*`: a migration that
// adds a column would change its result type, which PostgreSQL refuses for a prepared statement.
const preparedNames = new Map<string, string>();
function preparedName(sql: string): string | undefined {
  if (sql.includes('*')) return undefined;
  let name = preparedNames.get(sql);
  if (!name) preparedNames.set(sql, (name = `fh_${createHash('sha1').update(sql).digest('base64url')}`));
  return name;
}

function on(client: pg.Pool | pg.PoolClient, prepared = false): Queryable {
  return {
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
      const name = prepared && params.length ? preparedName(sql) : undefined;
      const result = name
        ? await client.query({ name, text: sql, values: params as unknown[] })
        : await client.query(sql, params as unknown[]);
      return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  };
}

// A readiness probe must answer: without a bound, a server that accepts connections but never
// answers (stuck in recovery, packets dropped) keeps the connect attempt open for minutes.
const PING_TIMEOUT_MS = 2_000;

export function openPostgres(
  connectionString: string,
  options: { max?: number; pingTimeoutMs?: number } = {},
): Database {
  // Pipeline mode: statements issued together (a card's list and its Fathom state) go out at once
  // instead of one round trip each; statements awaited one by one behave as without it.
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    application_name: 'fathom-hubspot',
    pipeline: true,
  });
  // An idle client that loses its server must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const direct = on(pool);
  const preparedOnPool = on(pool, true);
  return {
    ...direct,
    queryPrepared: (sql, params) => preparedOnPool.query(sql, params),
    async transaction(fn, transactionOptions) {
      const client = await pool.connect();
      // A checked-out client has no listener of the pool's: the server ending the session while
      // fn waits between two statements (a restart, a failover, a terminated backend) would be an
      // unhandled 'error' event, which ends the process. Here the next statement fails instead, and
      // the broken client is destroyed rather than returned to the pool.
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken ??= error;
      };
      client.on('error', onError);
      try {
        let result: Awaited<ReturnType<typeof fn>>;
        if (transactionOptions?.prepared) {
          // The hot reads: BEGIN goes out with the first statement (pipeline mode), one round trip
          // and one socket write fewer; both must succeed.
          [, result] = await Promise.all([client.query('BEGIN'), fn(on(client, true))]);
        } else {
          await client.query('BEGIN');
          result = await fn(on(client));
        }
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackFailed: Error) => {
          broken ??= rollbackFailed;
        });
        throw error;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    async ping() {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), options.pingTimeoutMs ?? PING_TIMEOUT_MS);
      });
      const answered = pool.query('SELECT 1').then(
        () => true,
        () => false,
      );
      try {
        return await Promise.race([answered, timedOut]);
      } finally {
        clearTimeout(timer);
      }
    },
    poolStats() {
      return { inUse: pool.totalCount - pool.idleCount, idle: pool.idleCount, waiting: pool.waitingCount };
    },
    jobsOptions() {
      return { connectionString, max: 4 };
    },
    async close() {
      if (!pool.ended) await pool.end();
    },
  };
}
