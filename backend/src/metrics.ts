import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BuildInfo } from './buildInfo.ts';
import type { Database } from './db/database.ts';

export type Provider = 'fathom' | 'hubspot';

/**
 * The app's Prometheus metrics, in a registry of its own per app instance (never prom-client's
 * global one), so several backends in one process (tests) each count only their own events.
 */
export type Metrics = {
  registry: Registry;
  /** Sync runs of one account, by how they ended. */
  syncRuns: Counter<'outcome'>;
  /** Meetings stored by syncs and webhooks, by what storing them changed. */
  meetingsSynced: Counter<'change'>;
  /** Job attempts that threw (each retry counts), by queue. */
  jobFailures: Counter<'queue'>;
  /** How long each job attempt ran, by queue and outcome (completed, failed). */
  jobDuration: Histogram<'queue' | 'outcome'>;
  /** Calls to HubSpot's and Fathom's APIs (every attempt, retries included), by status class. */
  apiCalls: Counter<'provider' | 'status_class'>;
  /** The same calls' latency (to the answer's headers), by provider and status class. */
  apiCallDuration: Histogram<'provider' | 'status_class'>;
  /** Of those, the ones answered 429 Too Many Requests. */
  apiRateLimited: Counter<'provider'>;
  /** HTTP requests served, by method, route pattern (never the raw path) and status class. */
  httpRequestDuration: Histogram<'method' | 'route' | 'status_class'>;
};

export const statusClass = (status: number) => `${Math.floor(status / 100)}xx`;

export function createMetrics(options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  // CPU, memory, event loop lag, handles: what an operator looks at first.
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const metrics: Metrics = {
    registry,
    syncRuns: new Counter({
      name: 'fathom_hubspot_sync_runs_total',
      help: 'Fathom sync runs of one account, by outcome',
      labelNames: ['outcome'],
      registers,
    }),
    meetingsSynced: new Counter({
      name: 'fathom_hubspot_meetings_synced_total',
      help: 'Meetings stored by syncs and webhooks, by change (new, updated, unchanged)',
      labelNames: ['change'],
      registers,
    }),
    jobFailures: new Counter({
      name: 'fathom_hubspot_job_failures_total',
      help: 'Job attempts that failed, by queue',
      labelNames: ['queue'],
      registers,
    }),
    apiCalls: new Counter({
      name: 'fathom_hubspot_api_calls_total',
      help: 'Outbound API calls (each attempt), by provider and status class (2xx, 4xx, 5xx, error = no answer)',
      labelNames: ['provider', 'status_class'],
      registers,
    }),
    jobDuration: new Histogram({
      name: 'fathom_hubspot_job_duration_seconds',
      help: 'Job attempts, by queue and outcome (completed, failed), by how long they ran',
      labelNames: ['queue', 'outcome'],
      buckets: [0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600],
      registers,
    }),
    apiCallDuration: new Histogram({
      name: 'fathom_hubspot_api_call_duration_seconds',
      help: 'Outbound API calls (each attempt), by provider and status class, by time to the answer',
      labelNames: ['provider', 'status_class'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    apiRateLimited: new Counter({
      name: 'fathom_hubspot_api_rate_limited_total',
      help: 'Outbound API calls answered 429, by provider',
      labelNames: ['provider'],
      registers,
    }),
    httpRequestDuration: new Histogram({
      name: 'fathom_hubspot_http_request_duration_seconds',
      help: 'HTTP requests served, by method, route pattern and status class',
      labelNames: ['method', 'route', 'status_class'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
  };
  // Known series start at 0, so a dashboard shows "none yet" rather than "no data".
  for (const outcome of ['succeeded', 'failed']) metrics.syncRuns.inc({ outcome }, 0);
  for (const provider of ['fathom', 'hubspot'] satisfies Provider[]) metrics.apiRateLimited.inc({ provider }, 0);
  return metrics;
}

const secondsSince = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e9;

/** Counts and times one outbound call's answer (or its absence: status null). */
export function countApiCall(metrics: Metrics, provider: Provider, status: number | null, seconds: number): void {
  const labels = { provider, status_class: status === null ? 'error' : statusClass(status) };
  metrics.apiCalls.inc(labels);
  metrics.apiCallDuration.observe(labels, seconds);
  if (status === 429) metrics.apiRateLimited.inc({ provider });
}

/** A fetch that counts and times every call it makes; for clients that take a fetch (Fathom, HubSpot OAuth). */
export function countingFetch(metrics: Metrics, provider: Provider, inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const started = process.hrtime.bigint();
    try {
      const response = await inner(input, init);
      countApiCall(metrics, provider, response.status, secondsSince(started));
      return response;
    } catch (error) {
      countApiCall(metrics, provider, null, secondsSince(started));
      throw error;
    }
  };
}

/**
 * Wraps a job handler so each attempt is timed, and each that throws is counted, for its queue
 * (the error is rethrown for pg-boss to retry).
 */
export function countingFailures<J, R>(
  metrics: Metrics,
  queue: string,
  handler: (jobs: J) => Promise<R>,
): (jobs: J) => Promise<R> {
  return async (jobs) => {
    const started = process.hrtime.bigint();
    try {
      const result = await handler(jobs);
      metrics.jobDuration.observe({ queue, outcome: 'completed' }, secondsSince(started));
      return result;
    } catch (error) {
      metrics.jobFailures.inc({ queue });
      metrics.jobDuration.observe({ queue, outcome: 'failed' }, secondsSince(started));
      throw error;
    }
  };
}

/** fathom_hubspot_build_info{version,commit,node} 1: which build each process runs. */
export function recordBuildInfo(metrics: Metrics, info: BuildInfo): void {
  new Gauge({
    name: 'fathom_hubspot_build_info',
    help: 'The build this process runs: package version, commit, Node version (always 1)',
    labelNames: ['version', 'commit', 'node'],
    registers: [metrics.registry],
  }).set({ version: info.version, commit: info.commit, node: info.node }, 1);
}

/** The app's PostgreSQL pool, read at each scrape (nothing on the embedded database: it has one session, no pool). */
export function observePool(metrics: Metrics, db: Database): void {
  if (!db.poolStats) return;
  const poolStats = db.poolStats.bind(db);
  new Gauge({
    name: 'fathom_hubspot_pg_pool_connections',
    help: "The app's PostgreSQL pool: connections in use (checked out) and idle",
    labelNames: ['state'],
    registers: [metrics.registry],
    collect() {
      const stats = poolStats();
      this.set({ state: 'in_use' }, stats.inUse);
      this.set({ state: 'idle' }, stats.idle);
    },
  });
  new Gauge({
    name: 'fathom_hubspot_pg_pool_waiting',
    help: "Queries waiting for a connection of the app's PostgreSQL pool (all in use)",
    registers: [metrics.registry],
    collect() {
      this.set(poolStats().waiting);
    },
  });
}
