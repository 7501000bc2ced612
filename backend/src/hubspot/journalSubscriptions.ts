import { z } from 'zod';
import type { Database } from '../db/database.ts';
import { withSystem } from '../db/tenancy.ts';
import { UpstreamFailed } from '../errors.ts';

// HubSpot's ids of its two app lifecycle event types (the webhooks journal spec's eventTypeId).
export const APP_INSTALL_EVENT_TYPE = '4-1909196';
export const APP_UNINSTALL_EVENT_TYPE = '4-1916193';

/** How often the lifecycle subscriptions are checked (someone may delete one in HubSpot). */
export const SUBSCRIPTION_CHECK_MS = 24 * 3_600_000;

export type JournalCall = (method: 'GET' | 'POST', path: string, body?: unknown) => Promise<Response>;

// HubSpot's SubscriptionResponse (2026-03) has no eventTypeId: a lifecycle subscription names its
// event type in objectTypeId and its action in actions. Any of the three is recognised.
const subscriptions = z.looseObject({
  results: z.array(
    z.looseObject({
      id: z.coerce.number(),
      subscriptionType: z.string(),
      objectTypeId: z.string().optional(),
      actions: z.array(z.string()).optional(),
      eventTypeId: z.string().optional(),
    }),
  ),
});
const LIFECYCLE = [
  { eventTypeId: APP_INSTALL_EVENT_TYPE, action: 'APP_INSTALL' },
  { eventTypeId: APP_UNINSTALL_EVENT_TYPE, action: 'APP_UNINSTALL' },
] as const;

/** Whether the subscriptions were last checked longer ago than SUBSCRIPTION_CHECK_MS (or never). */
export const subscriptionsDue = (subscribedAt: Date | null, now = Date.now()) =>
  !subscribedAt || now - subscribedAt.getTime() >= SUBSCRIPTION_CHECK_MS;

/** Creates whichever of the app-wide install and uninstall subscriptions is missing, and notes the check. */
export async function ensureSubscriptions(db: Database, call: JournalCall): Promise<void> {
  const listed = await call('GET', '/webhooks-journal/subscriptions/2026-03');
  if (!listed.ok) throw new UpstreamFailed(`HubSpot's journal subscriptions answered ${listed.status}.`);
  const existing = subscriptions
    .parse(await listed.json())
    .results.filter((s) => s.subscriptionType === 'APP_LIFECYCLE_EVENT');
  for (const { eventTypeId, action } of LIFECYCLE) {
    const covers = (s: (typeof existing)[number]) =>
      s.eventTypeId === eventTypeId || s.objectTypeId === eventTypeId || !!s.actions?.includes(action);
    if (existing.some(covers)) continue;
    const created = await call('POST', '/webhooks-journal/subscriptions/2026-03', {
      subscriptionType: 'APP_LIFECYCLE_EVENT',
      eventTypeId,
      properties: [],
    });
    if (!created.ok)
      throw new UpstreamFailed(`HubSpot refused the ${eventTypeId} journal subscription (HTTP ${created.status}).`);
  }
  await withSystem(db, (tx) => tx.query(`UPDATE hubspot_journal_state SET subscribed_at = now(), updated_at = now()`));
}
