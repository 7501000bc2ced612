import type { ConstructorOptions } from 'pg-boss';

export type Row = Record<string, unknown>;

export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export type PoolStats = { inUse: number; idle: number; waiting: number };

/** Something SQL runs on: the database itself, or one open transaction. */
export interface Queryable {
  /** One parameterised statement. */
  query<T = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/**
 * The only view of the database the rest of the backend has. Two engines implement it
 * (pg.Pool for PostgreSQL, PGlite embedded); nothing outside db/ knows which one runs.
 * Statements here run as the connecting role; tenant work goes through withTenant() in tenancy.ts.
 */
export interface Database extends Queryable {
  /**
   * Runs fn in one transaction: committed when fn resolves, rolled back when it throws. With
   * `prepared`, an engine may keep its statements prepared on the connection for the next time
   * (the hot card reads: parsed and planned once per connection instead of once per request).
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: { prepared?: boolean }): Promise<T>;
  /**
   * One statement outside any explicit transaction (its implicit transaction ends with it), kept
   * prepared on its connection: the one-round-trip card reads (readAsCaller in tenancy.ts).
   */
  queryPrepared<T = Row>(sql: string, params: readonly unknown[]): Promise<QueryResult<T>>;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  /** The connection pool's state (PostgreSQL); absent on an engine without a pool. */
  poolStats?(): PoolStats;
  /** Options that make pg-boss run on this same database. */
  jobsOptions(): Pick<ConstructorOptions, 'db' | 'connectionString' | 'backend' | 'max'>;
  close(): Promise<void>;
}
