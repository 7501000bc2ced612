import { Gauge } from 'prom-client';
import type { Database } from '../db/database.ts';
import type { Metrics } from '../metrics.ts';

// Read at each scrape from pg-boss 12's own tables (schema `pgboss`, as boss.ts starts it): every
// queue, the jobs due now and not yet taken (state created or retry, start_after passed, not held
// back by a flow parent), the jobs being worked, and how long the oldest due job has waited since
// it became due. pg-boss's getQueues() has the counts too, but only as of its last monitor pass.
const QUEUE_STATE_SQL = `
  SELECT q.name,
         count(j.id) FILTER (WHERE j.state < 'active' AND j.start_after <= now() AND NOT j.blocked)::int AS ready,
         count(j.id) FILTER (WHERE j.state = 'active')::int AS active,
         coalesce(extract(epoch FROM now() - min(j.start_after)
           FILTER (WHERE j.state < 'active' AND j.start_after <= now() AND NOT j.blocked)), 0)::float8 AS oldest_seconds
    FROM pgboss.queue q
    LEFT JOIN pgboss.job j ON j.name = q.name AND j.state <= 'active'
   GROUP BY q.name`;

type QueueState = { name: string; ready: number; active: number; oldest_seconds: number };

/**
 * Per queue: fathom_hubspot_queue_jobs{queue,state="ready"|"active"} and
 * fathom_hubspot_queue_oldest_ready_seconds{queue}. A scrape while the database does not answer
 * leaves these series out rather than failing the whole scrape.
 */
export function observeQueues(metrics: Metrics, db: Database): void {
  let pending: Promise<QueueState[]> | undefined;
  // Both gauges collect in one scrape: one query serves them.
  const read = () =>
    (pending ??= db
      .query<QueueState>(QUEUE_STATE_SQL)
      .then((result) => result.rows)
      .catch(() => [])
      .finally(() => setImmediate(() => (pending = undefined))));
  new Gauge({
    name: 'fathom_hubspot_queue_jobs',
    help: 'Jobs per pg-boss queue: ready (due, waiting for a worker) and active (being worked)',
    labelNames: ['queue', 'state'],
    registers: [metrics.registry],
    async collect() {
      this.reset();
      for (const queue of await read()) {
        this.set({ queue: queue.name, state: 'ready' }, queue.ready);
        this.set({ queue: queue.name, state: 'active' }, queue.active);
      }
    },
  });
  new Gauge({
    name: 'fathom_hubspot_queue_oldest_ready_seconds',
    help: 'Per pg-boss queue, how long its oldest ready job has waited since it was due (0: none waiting)',
    labelNames: ['queue'],
    registers: [metrics.registry],
    async collect() {
      this.reset();
      for (const queue of await read()) this.set({ queue: queue.name }, queue.oldest_seconds);
    },
  });
}
