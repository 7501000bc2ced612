import type { PgBoss } from 'pg-boss';
import type { Database } from '../db/database.ts';
import { FATHOM_WEBHOOK_QUEUE, finishFathomDelivery, pendingFathomDelivery } from '../fathom/webhookEvents.ts';
import { withSystem, withTenant } from '../db/tenancy.ts';
import type { Logger } from '../logger.ts';
import { countingFailures, type Metrics } from '../metrics.ts';
import type { MeetingSource, RecordLinker, SyncIncident } from './ports.ts';
import { runSync } from './runSync.ts';
import { externalEmails, prepareMeetings, storeMeetings, type AnalyseFn } from './storeMeetings.ts';
import type { IncomingConversation } from './incoming.ts';

export const SYNC_QUEUES = {
  /** One Fathom sync of one account (singleton per account: one queued, one running). */
  account: 'fathom-sync-account',
  /** One meeting Fathom pushed by webhook. */
  webhookMeeting: FATHOM_WEBHOOK_QUEUE,
} as const;

export type SyncServices = {
  db: Database;
  logger: Logger;
  metrics: Metrics;
  /** The account's analyser, with the tracker phrases its admins added. */
  analyseFor(accountId: string): Promise<AnalyseFn>;
  /** Fathom meetings of the account's connection; `incidents` collects the retries it recovered from. */
  sourceFor(accountId: string, incidents: SyncIncident[]): Promise<MeetingSource>;
  /** HubSpot record linking for the account, or undefined when HubSpot cannot be reached for it. */
  linkerFor(accountId: string): Promise<RecordLinker | undefined>;
  /** Turns a stored webhook payload into a meeting of the account. */
  meetingFromWebhook(accountId: string, payload: unknown): Promise<IncomingConversation>;
};

export type SyncJobOptions = {
  /** Accounts synced at the same time by one worker process. */
  concurrency?: number;
  /**
   * Seconds without a heartbeat before a sync or webhook job counts as dead (its worker crashed
   * or was killed) and is retried by another worker. pg-boss's minimum is 10.
   */
  heartbeatSeconds?: number;
  /** Seconds before the first retry of a failed or dead job of the sync queue (then doubling, capped). */
  retryDelaySeconds?: number;
};

export async function createSyncQueues(boss: PgBoss, options: SyncJobOptions = {}): Promise<void> {
  const heartbeatSeconds = options.heartbeatSeconds ?? 60;
  const queues = {
    [SYNC_QUEUES.account]: {
      retryLimit: 5,
      retryDelay: options.retryDelaySeconds ?? 30,
      retryBackoff: true,
      retryDelayMax: 900,
      expireInSeconds: 6 * 3600,
      heartbeatSeconds,
    },
    // A webhook job is short, but a worker killed while holding one would otherwise leave it until
    // its expiry (10 minutes); the heartbeat hands it to another worker within a minute.
    [SYNC_QUEUES.webhookMeeting]: {
      retryLimit: 8,
      retryDelay: options.retryDelaySeconds ?? 10,
      retryBackoff: true,
      expireInSeconds: 600,
      heartbeatSeconds,
    },
  };
  await boss.createQueue(SYNC_QUEUES.account, { policy: 'stately', ...queues[SYNC_QUEUES.account] });
  await boss.createQueue(SYNC_QUEUES.webhookMeeting, queues[SYNC_QUEUES.webhookMeeting]);
  // createQueue keeps an existing queue's first settings: apply the current ones, so a changed
  // retry or heartbeat setting reaches queues created by an older version.
  for (const [name, settings] of Object.entries(queues)) await boss.updateQueue(name, settings);
}

/** Queues a sync of one account; null when one is already queued (it will pick up everything). */
export function requestSync(boss: PgBoss, accountId: string): Promise<string | null> {
  return boss.send(SYNC_QUEUES.account, { accountId }, { singletonKey: accountId });
}

/** The schedule's fan-out: one sync per active account with an active Fathom connection. */
export async function requestSyncOfAllAccounts(boss: PgBoss, db: Database): Promise<number> {
  const { rows } = await withSystem(db, (tx) =>
    tx.query<{ account_id: string }>(
      `SELECT c.account_id FROM api_connections c JOIN accounts a ON a.id = c.account_id
        WHERE c.provider = 'fathom' AND c.status = 'active' AND a.status = 'active'
          AND NOT EXISTS (SELECT 1 FROM api_connections h
                           WHERE h.account_id = a.id AND h.provider = 'hubspot' AND h.status <> 'active')`,
    ),
  );
  let queued = 0;
  for (const row of rows) if (await requestSync(boss, row.account_id)) queued += 1;
  return queued;
}

export async function startSyncWorkers(
  boss: PgBoss,
  services: SyncServices,
  options: SyncJobOptions = {},
  /**
   * Work queued after calls were stored new or changed (`afterStore`: the AI review's sweep), and
   * after every sync run and stored webhook meeting (`afterRun`: the write-back to HubSpot, which
   * also catches what changed outside a sync, a re-analysis). Their failure fails no sync.
   */
  followUps: {
    afterStore?: ((accountId: string) => Promise<unknown>) | undefined;
    afterRun?: ((accountId: string) => Promise<unknown>) | undefined;
  } = {},
): Promise<void> {
  const { db, logger, metrics } = services;
  const queue = async (accountId: string, work: ((accountId: string) => Promise<unknown>) | undefined) => {
    try {
      await work?.(accountId);
    } catch (error) {
      logger.warn({ accountId, err: error }, 'could not queue the work that follows stored calls');
    }
  };
  const stored = (accountId: string) => queue(accountId, followUps.afterStore);
  await boss.work<{ accountId: string }>(
    SYNC_QUEUES.account,
    { localConcurrency: options.concurrency ?? 4, batchSize: 1, pollingIntervalSeconds: 2 },
    countingFailures(metrics, SYNC_QUEUES.account, async ([job]) => {
      const { accountId } = job!.data;
      const incidents: SyncIncident[] = [];
      let result;
      try {
        const source = await services.sourceFor(accountId, incidents);
        const linker = await services.linkerFor(accountId);
        result = await runSync(db, {
          accountId,
          source,
          linker,
          analyse: await services.analyseFor(accountId),
          jobId: job!.id,
          incidents,
        });
      } catch (error) {
        metrics.syncRuns.inc({ outcome: 'failed' });
        throw error;
      }
      metrics.syncRuns.inc({ outcome: 'succeeded' });
      metrics.meetingsSynced.inc({ change: 'new' }, result.meetingsNew);
      metrics.meetingsSynced.inc({ change: 'updated' }, result.meetingsUpdated);
      metrics.meetingsSynced.inc({ change: 'unchanged' }, result.meetingsUnchanged);
      logger.info({ accountId, ...result }, 'fathom sync finished');
      if (result.meetingsNew + result.meetingsUpdated > 0) await stored(accountId);
      await queue(accountId, followUps.afterRun);
      return result;
    }),
  );

  await boss.work<{ accountId: string; eventId: string }>(
    SYNC_QUEUES.webhookMeeting,
    { localConcurrency: options.concurrency ?? 4, batchSize: 1, pollingIntervalSeconds: 1 },
    countingFailures(metrics, SYNC_QUEUES.webhookMeeting, async ([job]) => {
      const { accountId, eventId } = job!.data;
      const event = await pendingFathomDelivery(db, accountId, eventId);
      if (!event) return;
      const meeting = await services.meetingFromWebhook(accountId, event.payload);
      // Looked up, analysed and stored as the sync does a page, its links looked up at once.
      const emails = externalEmails(meeting);
      const linker = emails.length ? await services.linkerFor(accountId) : undefined;
      const links = linker ? await linker.linksForEmails(emails) : undefined;
      const [prepared] = prepareMeetings([meeting], await services.analyseFor(accountId), links);
      const change = await withTenant(db, { accountId }, async (tx) => {
        const { stored, notStored } = await storeMeetings(tx, accountId, [prepared!]);
        if (notStored.length)
          throw new Error(`meeting ${notStored[0]!.externalId} was not stored: ${notStored[0]!.message}`);
        await finishFathomDelivery(tx, eventId);
        return stored[0]!.change;
      });
      metrics.meetingsSynced.inc({ change });
      if (change !== 'unchanged') {
        await stored(accountId);
        await queue(accountId, followUps.afterRun);
      }
    }),
  );
}
