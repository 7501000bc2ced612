import { PgBoss } from 'pg-boss';
import type { Database } from '../db/database.ts';
import { withSystem } from '../db/tenancy.ts';
import type { Logger } from '../logger.ts';
import { QUEUES } from './queues.ts';

export type Jobs = {
  boss: PgBoss;
  stop(): Promise<void>;
};

/**
 * Starts pg-boss on the same database as the app (PGlite through pg-boss's adapter, or its own
 * small pool on PostgreSQL), creates the queues and the safety-net schedule, and, when
 * `work` is true, the workers.
 */
export async function startJobs(options: {
  db: Database;
  logger: Logger;
  syncSchedule: string;
  work: boolean;
}): Promise<Jobs> {
  const { db, logger } = options;
  const boss = new PgBoss({ ...db.jobsOptions(), schema: 'pgboss', application_name: 'fathom-hubspot-jobs' });
  boss.on('error', (error) => logger.error({ err: error }, 'job queue error'));
  await boss.start();
  await boss.createQueue(QUEUES.syncTick);
  await boss.schedule(QUEUES.syncTick, options.syncSchedule, {}, { tz: 'UTC' });

  if (options.work) {
    await boss.work(QUEUES.syncTick, async () => {
      const { rows } = await withSystem(db, (tx) =>
        tx.query<{ count: number }>(
          `SELECT count(*)::int AS count FROM api_connections c JOIN accounts a ON a.id = c.account_id
            WHERE c.provider = 'fathom' AND c.status = 'active' AND a.status = 'active'`,
        ),
      );
      logger.info({ connectedAccounts: rows[0]?.count ?? 0 }, 'sync tick');
    });
  }

  return {
    boss,
    async stop() {
      // graceful: in-flight jobs finish (up to the timeout) before the database goes away
      await boss.stop({ graceful: true, timeout: 20_000 });
    },
  };
}
