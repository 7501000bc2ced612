import type { Client } from '@hubspot/api-client';
import type { PgBoss } from 'pg-boss';
import { z } from 'zod';
import type { Database } from '../db/database.ts';
import { withSystem, withTenant } from '../db/tenancy.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { readObject, type CrmObjectType } from './crmApi.ts';
import { dropLinks, forgetContact } from './lifecycle.ts';

export const HUBSPOT_WEBHOOK_QUEUE = 'hubspot-webhook-event';

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/**
 * One event of HubSpot's webhook batch (the project's webhooks component), as HubSpot documents
 * it. Extra fields HubSpot may add (changeSource, sourceId…) are kept but not used.
 */
export const hubspotEvent = z.looseObject({
  eventId: id,
  subscriptionId: id,
  portalId: id,
  appId: id,
  occurredAt: id,
  subscriptionType: z
    .string()
    .regex(/^[a-z_]+\.[A-Za-z]+$/)
    .max(100),
  attemptNumber: z.number().int().min(0).max(1000),
  objectId: id,
});
/** HubSpot sends an array of up to 100 events per request. */
export const hubspotEventBatch = z.array(hubspotEvent).min(1).max(100);
export type HubSpotEvent = z.infer<typeof hubspotEvent>;

/** What each subscription of the webhooks component does once HubSpot confirms the object is gone. */
const HANDLED = {
  'contact.privacyDeletion': 'contacts',
  'contact.deletion': 'contacts',
  'deal.deletion': 'deals',
} as const satisfies Record<string, 'contacts' | 'deals'>;
type Handled = keyof typeof HANDLED;
const isHandled = (type: string): type is Handled => Object.hasOwn(HANDLED, type);

/**
 * Stores each event of a verified batch once per portal and event id (a retry carries the same
 * eventId) and queues a job for each new one; the work is done there, so HubSpot gets its answer
 * at once. Events for portals we do not know, and subscriptions we do not handle, are dropped.
 */
export async function acceptHubSpotEvents(
  deps: { db: Database; boss: PgBoss },
  events: HubSpotEvent[],
): Promise<{ accepted: number; duplicates: number; ignored: number }> {
  const portals = [...new Set(events.map((event) => event.portalId))];
  const accounts = await withSystem(
    deps.db,
    async (tx) =>
      (
        await tx.query<{ id: string; hub_id: string }>(
          `SELECT id, hub_id::text FROM accounts WHERE hub_id = ANY($1::bigint[]) AND status = 'active'`,
          [portals],
        )
      ).rows,
  );
  const accountOf = new Map(accounts.map((row) => [Number(row.hub_id), row.id]));
  const result = { accepted: 0, duplicates: 0, ignored: 0 };
  for (const event of events) {
    const accountId = accountOf.get(event.portalId);
    if (!accountId || !isHandled(event.subscriptionType)) {
      result.ignored += 1;
      continue;
    }
    const eventId = String(event.eventId);
    const stored = await withTenant(
      deps.db,
      { accountId },
      async (tx) =>
        (
          await tx.query(
            `INSERT INTO webhook_events (account_id, provider, event_id, payload)
         VALUES (app_account_id(), 'hubspot', $1, $2)
         ON CONFLICT (account_id, provider, event_id) DO NOTHING RETURNING id`,
            [eventId, JSON.stringify(event)],
          )
        ).rowCount,
    );
    if (!stored) {
      result.duplicates += 1;
      continue;
    }
    await deps.boss.send(HUBSPOT_WEBHOOK_QUEUE, { accountId, eventId }, { singletonKey: `${accountId}:${eventId}` });
    result.accepted += 1;
  }
  return result;
}

/**
 * Asks HubSpot whether a record still exists. A card request cannot reach this route, and the
 * signature proves HubSpot sent the event, but a destructive event is still confirmed with
 * HubSpot's CRM API before anything is dropped: a 404 means gone.
 */
export async function objectIsGone(client: Client, objectType: CrmObjectType, objectId: number): Promise<boolean> {
  return (await readObject(client, objectType, objectId, ['hs_object_id'])) === null;
}

export type HubSpotWebhookJobDeps = {
  db: Database;
  logger: Logger;
  /** The account's @hubspot/api-client with a fresh token. */
  hubspotClient(accountId: string): Promise<Client>;
};

/** The job: one stored event, confirmed with HubSpot, then acted on for that object only. */
export async function processHubSpotEvent(
  deps: HubSpotWebhookJobDeps,
  accountId: string,
  eventId: string,
): Promise<string> {
  const stored = await withTenant(
    deps.db,
    { accountId },
    async (tx) =>
      (
        await tx.query<{ payload: HubSpotEvent | null; status: string }>(
          `SELECT payload, status FROM webhook_events WHERE account_id = app_account_id() AND provider = 'hubspot' AND event_id = $1`,
          [eventId],
        )
      ).rows[0],
  );
  if (!stored?.payload || stored.status !== 'received') return 'already done';
  const event = hubspotEvent.parse(stored.payload);
  const finish = (status: 'processed' | 'failed') =>
    withTenant(deps.db, { accountId }, (tx) =>
      tx.query(
        `UPDATE webhook_events SET status = $2, processed_at = now(), payload = NULL
          WHERE account_id = app_account_id() AND provider = 'hubspot' AND event_id = $1`,
        [eventId, status],
      ),
    );
  if (!isHandled(event.subscriptionType)) {
    await finish('processed');
    return 'ignored';
  }
  const objectType = HANDLED[event.subscriptionType];
  // A failure to reach HubSpot throws: the job is retried, and nothing was dropped. Without a
  // usable HubSpot token (reinstall needed, uninstalled) nothing can be confirmed, so nothing is.
  let gone: boolean;
  try {
    gone = await objectIsGone(await deps.hubspotClient(accountId), objectType, event.objectId);
  } catch (error) {
    if (!(error instanceof AppError) || !['needs_reauth', 'not_installed', 'not_configured'].includes(error.code))
      throw error;
    deps.logger.warn(
      { accountId, subscriptionType: event.subscriptionType, reason: error.code },
      'deletion event cannot be confirmed: nothing dropped',
    );
    await finish('failed');
    return 'not confirmed';
  }
  if (!gone) {
    deps.logger.warn(
      { accountId, subscriptionType: event.subscriptionType, objectId: event.objectId },
      'deletion event not confirmed by HubSpot: nothing dropped',
    );
    await finish('failed');
    return 'not confirmed';
  }
  const removed =
    event.subscriptionType === 'contact.privacyDeletion'
      ? await forgetContact(deps.db, accountId, event.objectId)
      : await dropLinks(deps.db, accountId, objectType, event.objectId);
  await finish('processed');
  deps.logger.info(
    { accountId, subscriptionType: event.subscriptionType, removedLinks: removed },
    'hubspot deletion applied',
  );
  return 'applied';
}
