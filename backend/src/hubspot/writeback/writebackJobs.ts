import type { PgBoss } from 'pg-boss';
import type { Database } from '../../db/database.ts';
import { withTenant } from '../../db/tenancy.ts';
import { countingFailures, type Metrics } from '../../metrics.ts';
import { readWriteback } from './settings.ts';
import { writeBack, type WritebackDeps } from './writeback.ts';

export const WRITEBACK_QUEUE = 'hubspot-writeback';

export type WritebackServices = WritebackDeps & { metrics: Metrics };

// `stately` with the account as singleton key: one job queued and one running per portal, so two
// workers never write the same portal's records at once, and a change during a run is picked up
// by the one queued behind it.
export async function createWritebackQueue(boss: PgBoss): Promise<void> {
  await boss.createQueue(WRITEBACK_QUEUE, {
    policy: 'stately',
    retryLimit: 5,
    retryDelay: 30,
    retryBackoff: true,
    expireInSeconds: 1800,
  });
}

/** Queues the write-back of one portal (after a sync run, a webhook, or the setting turned on). */
export function requestWriteback(boss: PgBoss, accountId: string): Promise<string | null> {
  return boss.send(WRITEBACK_QUEUE, { accountId }, { singletonKey: accountId });
}

/**
 * After a sync run or a HubSpot event: queues the portal's write-back only when it is on, so a
 * portal without it (the default) adds no job to every run.
 */
export async function requestWritebackIfOn(boss: PgBoss, db: Database, accountId: string): Promise<string | null> {
  const { enabled } = await withTenant(db, { accountId }, readWriteback);
  return enabled ? requestWriteback(boss, accountId) : null;
}

export async function startWritebackWorkers(boss: PgBoss, services: WritebackServices): Promise<void> {
  await boss.work<{ accountId: string }>(
    WRITEBACK_QUEUE,
    { batchSize: 1, pollingIntervalSeconds: 1 },
    countingFailures(services.metrics, WRITEBACK_QUEUE, async ([job]) => {
      const { accountId } = job!.data;
      const run = await writeBack(services, accountId);
      if (run.outcome === 'written' && run.batches) services.logger.info({ accountId, ...run }, 'hubspot write-back');
      return run;
    }),
  );
}
