import type { Client } from '@hubspot/api-client';
import type { PgBoss } from 'pg-boss';
import { z } from 'zod';
import type { Database } from '../db/database.ts';
import { withSystem, withTenant } from '../db/tenancy.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { readAssociations, readObject } from './crmApi.ts';
import { mergeLinks, linkDealToContactCalls, unlinkDealFromContactCalls } from './recordChanges.ts';
import { dealFacts, DEAL_PROPERTIES } from './recordLinker.ts';
import { dropLinks, forgetContact } from './lifecycle.ts';
import type { CrmObjectType } from '../../../hubspot-app/app/packages/ui-shared/crmObjectTypes.ts';

export const HUBSPOT_WEBHOOK_QUEUE = 'hubspot-webhook-event';

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/**
 * One event of HubSpot's webhook batch (the project's webhooks component), as HubSpot documents
 * it: `eventId, subscriptionId, portalId, appId, occurredAt, subscriptionType, attemptNumber,
 * objectId`; merges add `primaryObjectId`, `mergedObjectIds`, `newObjectId`; association changes
 * add `fromObjectId`, `toObjectId`, `associationType`, `associationRemoved`. Extra fields HubSpot
 * may add (changeSource, sourceId…) are kept but not used.
 */
export const hubspotEvent = z
  .looseObject({
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
    objectId: id.optional(),
    primaryObjectId: id.optional(),
    mergedObjectIds: z.array(id).max(100).optional(),
    newObjectId: id.optional(),
    fromObjectId: id.optional(),
    toObjectId: id.optional(),
    associationType: z.string().max(100).optional(),
    associationRemoved: z.boolean().optional(),
  })
  .superRefine((event, ctx) => {
    const kind = event.subscriptionType.split('.')[1];
    const need = (field: keyof typeof event) => {
      if (event[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `required for ${kind}` });
    };
    if (kind === 'merge') ['primaryObjectId', 'mergedObjectIds'].forEach((f) => need(f as keyof typeof event));
    else if (kind === 'associationChange')
      ['fromObjectId', 'toObjectId', 'associationType', 'associationRemoved'].forEach((f) =>
        need(f as keyof typeof event),
      );
    else need('objectId');
  });
/** HubSpot sends an array of up to 100 events per request. */
export const hubspotEventBatch = z.array(hubspotEvent).min(1).max(100);
export type HubSpotEvent = z.infer<typeof hubspotEvent>;

/** What each subscription of the webhooks component does (hubspot-app/app/webhooks/webhooks-hsmeta.json). */
const HANDLED = {
  'contact.privacyDeletion': { kind: 'forget', objectType: 'contacts' },
  'contact.deletion': { kind: 'deletion', objectType: 'contacts' },
  'deal.deletion': { kind: 'deletion', objectType: 'deals' },
  'company.deletion': { kind: 'deletion', objectType: 'companies' },
  'contact.merge': { kind: 'merge', objectType: 'contacts' },
  'deal.merge': { kind: 'merge', objectType: 'deals' },
  'company.merge': { kind: 'merge', objectType: 'companies' },
  'contact.associationChange': { kind: 'association', objectType: 'contacts' },
} as const satisfies Record<string, { kind: string; objectType: CrmObjectType }>;
type Handled = keyof typeof HANDLED;
/** The subscription types the webhooks component must subscribe to (tests/hubspot-app/project.test.ts). */
export const HANDLED_SUBSCRIPTIONS = Object.keys(HANDLED) as Handled[];
const isHandled = (event: HubSpotEvent): event is HubSpotEvent & { subscriptionType: Handled } =>
  Object.hasOwn(HANDLED, event.subscriptionType) &&
  // Of a contact's association changes only those with deals move calls.
  (event.subscriptionType !== 'contact.associationChange' || event.associationType === 'CONTACT_TO_DEAL');

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
    if (!accountId || !isHandled(event)) {
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

/** The job: one stored event, confirmed with HubSpot where it removes anything, then acted on for those records only. */
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
  if (!isHandled(event)) {
    await finish('processed');
    return 'ignored';
  }
  const log = { accountId, subscriptionType: event.subscriptionType };
  // A failure to reach HubSpot throws: the job is retried, and nothing was changed. Without a
  // usable HubSpot token (reinstall needed, uninstalled) nothing can be confirmed, so nothing is.
  let outcome: { applied: boolean; changedLinks: number };
  try {
    outcome = await apply(deps, accountId, event);
  } catch (error) {
    if (!(error instanceof AppError) || !['needs_reauth', 'not_installed', 'not_configured'].includes(error.code))
      throw error;
    deps.logger.warn({ ...log, reason: error.code }, 'hubspot event cannot be confirmed: nothing changed');
    await finish('failed');
    return 'not confirmed';
  }
  if (!outcome.applied) {
    deps.logger.warn(log, 'hubspot event not confirmed by HubSpot: nothing changed');
    await finish('failed');
    return 'not confirmed';
  }
  await finish('processed');
  deps.logger.info({ ...log, changedLinks: outcome.changedLinks }, 'hubspot event applied');
  return 'applied';
}

async function apply(
  deps: HubSpotWebhookJobDeps,
  accountId: string,
  event: HubSpotEvent & { subscriptionType: Handled },
): Promise<{ applied: boolean; changedLinks: number }> {
  const { kind, objectType } = HANDLED[event.subscriptionType];
  if (kind === 'merge') {
    // HubSpot may create a new record from the merge (newObjectId); else the primary survives.
    const survivor = event.newObjectId ?? event.primaryObjectId!;
    const merged = [event.primaryObjectId!, ...event.mergedObjectIds!];
    return { applied: true, changedLinks: await mergeLinks(deps.db, accountId, objectType, survivor, merged) };
  }
  const client = await deps.hubspotClient(accountId);
  if (kind === 'association') {
    const contactId = event.fromObjectId!;
    const dealId = event.toObjectId!;
    // HubSpot's current associations decide, so events that arrive out of order change nothing wrongly.
    const associated = (await readAssociations(client, 'contacts', 'deals', [String(contactId)]))
      .get(String(contactId))
      ?.includes(String(dealId));
    if (event.associationRemoved) {
      if (associated) return { applied: false, changedLinks: 0 };
      return { applied: true, changedLinks: await unlinkDealFromContactCalls(deps.db, accountId, contactId, dealId) };
    }
    const deal = associated ? await readObject(client, 'deals', dealId, DEAL_PROPERTIES) : null;
    if (!deal) return { applied: false, changedLinks: 0 };
    return {
      applied: true,
      changedLinks: await linkDealToContactCalls(deps.db, accountId, contactId, dealId, dealFacts(deal)),
    };
  }
  const objectId = event.objectId!;
  if (!(await objectIsGone(client, objectType, objectId))) return { applied: false, changedLinks: 0 };
  return {
    applied: true,
    changedLinks:
      kind === 'forget'
        ? await forgetContact(deps.db, accountId, objectId)
        : await dropLinks(deps.db, accountId, objectType, objectId),
  };
}
