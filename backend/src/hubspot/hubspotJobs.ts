import type { PgBoss } from 'pg-boss';
import type { Logger } from '../logger.ts';
import { countingFailures, type Metrics } from '../metrics.ts';
import { HUBSPOT_JOURNAL_QUEUE, pollJournal, type JournalDeps } from './journal.ts';
import { HUBSPOT_WEBHOOK_QUEUE, processHubSpotEvent, type HubSpotWebhookJobDeps } from './webhookEvents.ts';

// The journal is read once a minute (pg-boss's finest schedule): an uninstall stops the syncs
// within about a minute of HubSpot writing it.
const JOURNAL_SCHEDULE = '* * * * *';

export type HubSpotJobServices = HubSpotWebhookJobDeps & {
  metrics: Metrics;
  /** Undefined until HUBSPOT_CLIENT_ID, HUBSPOT_CLIENT_SECRET and HUBSPOT_APP_ID are set. */
  journal: JournalDeps | undefined;
};

export async function createHubSpotQueues(boss: PgBoss, services: HubSpotJobServices): Promise<void> {
  await boss.createQueue(HUBSPOT_WEBHOOK_QUEUE, {
    retryLimit: 8,
    retryDelay: 30,
    retryBackoff: true,
    expireInSeconds: 300,
  });
  // One poll at a time across every worker process: the offset is the journal's only cursor.
  await boss.createQueue(HUBSPOT_JOURNAL_QUEUE, { policy: 'exclusive', retryLimit: 2, expireInSeconds: 300 });
  if (services.journal) await boss.schedule(HUBSPOT_JOURNAL_QUEUE, JOURNAL_SCHEDULE, {}, { tz: 'UTC' });
  else await boss.unschedule(HUBSPOT_JOURNAL_QUEUE).catch(() => {});
}

export async function startHubSpotWorkers(
  boss: PgBoss,
  services: HubSpotJobServices,
  logger: Logger,
  /** Queued after each event that was acted on (the write-back: a merge or deletion moves calls). */
  afterEvent?: (accountId: string) => Promise<unknown>,
): Promise<void> {
  await boss.work<{ accountId: string; eventId: string }>(
    HUBSPOT_WEBHOOK_QUEUE,
    { batchSize: 1, pollingIntervalSeconds: 1 },
    countingFailures(services.metrics, HUBSPOT_WEBHOOK_QUEUE, async ([job]) => {
      const { accountId, eventId } = job!.data;
      const outcome = await processHubSpotEvent(services, accountId, eventId);
      if (outcome === 'applied') await afterEvent?.(accountId);
      return { outcome };
    }),
  );
  const journal = services.journal;
  if (journal) {
    await boss.work(
      HUBSPOT_JOURNAL_QUEUE,
      { batchSize: 1 },
      countingFailures(services.metrics, HUBSPOT_JOURNAL_QUEUE, async () => {
        const run = await pollJournal(journal);
        if (run.entries) logger.info(run, 'hubspot journal read');
        return run;
      }),
    );
  }
}
