import { PgBoss } from 'pg-boss';
import {
  createReviewQueues,
  requestReviewSweep,
  startReviewWorkers,
  type ReviewServices,
} from '../coaching/review/reviewJobs.ts';
import type { Database } from '../db/database.ts';
import { createHubSpotQueues, startHubSpotWorkers, type HubSpotJobServices } from '../hubspot/hubspotJobs.ts';
import { purgeUninstalledAccounts } from '../hubspot/lifecycle.ts';
import {
  createWritebackQueue,
  requestWritebackIfOn,
  startWritebackWorkers,
  type WritebackServices,
} from '../hubspot/writeback/writebackJobs.ts';
import type { Logger } from '../logger.ts';
import { countingFailures } from '../metrics.ts';
import {
  createSyncQueues,
  requestSyncOfAllAccounts,
  startSyncWorkers,
  type SyncJobOptions,
  type SyncServices,
} from '../sync/syncJobs.ts';
import { QUEUES } from './queues.ts';

/** How the queue runs; the defaults suit production (tests shorten them to see a crash recovered in seconds). */
export type JobTuning = SyncJobOptions & {
  /**
   * Seconds between this process's passes over the queues that fail expired jobs and jobs whose
   * heartbeat stopped (pg-boss's supervise and monitor intervals). Default 60.
   */
  superviseIntervalSeconds?: number;
};

export type Jobs = {
  boss: PgBoss;
  stop(): Promise<void>;
};

/**
 * Starts pg-boss on the same database as the app (PGlite through pg-boss's adapter, or its own
 * small pool on PostgreSQL), creates the queues and the safety-net schedule, and, when `work`
 * is true, the workers.
 */
export async function startJobs(options: {
  db: Database;
  logger: Logger;
  syncSchedule: string;
  work: boolean;
  sync: SyncServices;
  /** HubSpot's webhook events and its lifecycle journal. */
  hubspot?: HubSpotJobServices;
  /** The write-back of call properties to HubSpot (each portal turns it on in its settings). */
  writeback?: WritebackServices | undefined;
  /** The AI review (undefined without LLM_*: no queue, nothing ever sent to a model). */
  review?: ReviewServices | undefined;
  tuning?: JobTuning;
}): Promise<Jobs> {
  const { db, logger } = options;
  const tuning = options.tuning ?? {};
  const supervise = tuning.superviseIntervalSeconds;
  const boss = new PgBoss({
    ...db.jobsOptions(),
    schema: 'pgboss',
    application_name: 'fathom-hubspot-jobs',
    ...(supervise ? { superviseIntervalSeconds: supervise, monitorIntervalSeconds: supervise } : {}),
  });
  boss.on('error', (error) => logger.error({ err: error }, 'job queue error'));
  await boss.start();
  await boss.createQueue(QUEUES.syncTick, { policy: 'exclusive' });
  await createSyncQueues(boss, tuning);
  if (options.hubspot) await createHubSpotQueues(boss, options.hubspot);
  if (options.writeback) await createWritebackQueue(boss);
  if (options.review) await createReviewQueues(boss);
  await boss.schedule(QUEUES.syncTick, options.syncSchedule, {}, { tz: 'UTC' });

  if (options.work) {
    await boss.work(
      QUEUES.syncTick,
      countingFailures(options.sync.metrics, QUEUES.syncTick, async () => {
        const queued = await requestSyncOfAllAccounts(boss, db);
        const purged = await purgeUninstalledAccounts(db);
        logger.info({ queued, purged }, 'sync tick');
        return { queued, purged };
      }),
    );
    const { review } = options;
    const afterStore = review ? (accountId: string) => requestReviewSweep(boss, accountId) : undefined;
    // A portal with the write-back on has it look at every run: it writes only the records whose calls changed.
    const { writeback } = options;
    const afterRun = writeback ? (accountId: string) => requestWritebackIfOn(boss, db, accountId) : undefined;
    await startSyncWorkers(boss, options.sync, tuning, { afterStore, afterRun });
    if (review) await startReviewWorkers(boss, review);
    if (options.hubspot) await startHubSpotWorkers(boss, options.hubspot, logger, afterRun);
    if (writeback) await startWritebackWorkers(boss, writeback);
  }

  return {
    boss,
    async stop() {
      // graceful: in-flight jobs finish (up to the timeout) before the database goes away
      await boss.stop({ graceful: true, timeout: 20_000 });
    },
  };
}
