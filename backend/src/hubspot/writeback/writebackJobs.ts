import type { PgBoss } from 'pg-boss';
import { countingFailures, type Metrics } from '../../metrics.ts';
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
