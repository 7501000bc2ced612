import type { Queryable } from '../../backend/src/db/database.ts';
import { waitFor } from './waitFor.ts';

// pg-boss's states of a job that has yet to end: waiting (also a deferred start), waiting to be
// retried, running.
const NOT_ENDED = ['created', 'retry', 'active'];

/** How many jobs of `queue` pg-boss holds, in any state (a job that should not exist shows here). */
export async function jobCount(db: Queryable, queue: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1', [queue]);
  return rows[0]!.n;
}

/**
 * Waits until no job of `queues` is waiting or running: whatever the work before queued has been
 * done, so a test can then show that something did NOT happen without sleeping for a guess.
 */
export async function waitForIdleQueues(db: Queryable, queues: readonly string[], what: string): Promise<void> {
  await waitFor(
    async () =>
      (
        await db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM pgboss.job WHERE name = ANY($1) AND state = ANY($2)',
          [queues, NOT_ENDED],
        )
      ).rows[0]!.n === 0,
    `${what}: no job of ${queues.join(', ')} left to run`,
  );
}
