import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

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
  /** Calls to HubSpot's and Fathom's APIs (every attempt, retries included), by status class. */
  apiCalls: Counter<'provider' | 'status_class'>;
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

/** Counts one outbound call's answer (or its absence: status null). */
export function countApiCall(metrics: Metrics, provider: Provider, status: number | null): void {
  metrics.apiCalls.inc({ provider, status_class: status === null ? 'error' : statusClass(status) });
  if (status === 429) metrics.apiRateLimited.inc({ provider });
}

/** A fetch that counts every call it makes; for clients that take a fetch (Fathom, HubSpot OAuth). */
export function countingFetch(metrics: Metrics, provider: Provider, inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    try {
      const response = await inner(input, init);
      countApiCall(metrics, provider, response.status);
      return response;
    } catch (error) {
      countApiCall(metrics, provider, null);
      throw error;
    }
  };
}

/**
 * @hubspot/api-client middleware that counts every call the client makes (its own retries
 * included: each attempt passes through the middleware).
 */
export function hubspotCallCounter(metrics: Metrics): {
  pre(context: unknown): unknown;
  post(context: unknown): unknown;
} {
  return {
    pre: (context) => context,
    post: (context) => {
      const status = (context as { httpStatusCode?: unknown }).httpStatusCode;
      countApiCall(metrics, 'hubspot', typeof status === 'number' ? status : null);
      return context;
    },
  };
}

/** Wraps a job handler so each attempt that throws is counted for its queue (then rethrown for pg-boss). */
export function countingFailures<J, R>(
  metrics: Metrics,
  queue: string,
  handler: (jobs: J) => Promise<R>,
): (jobs: J) => Promise<R> {
  return async (jobs) => {
    try {
      return await handler(jobs);
    } catch (error) {
      metrics.jobFailures.inc({ queue });
      throw error;
    }
  };
}
