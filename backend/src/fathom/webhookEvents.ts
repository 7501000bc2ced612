import type { PgBoss } from 'pg-boss';
import type { Database, Queryable } from '../db/database.ts';
import { withTenant } from '../db/tenancy.ts';

/** One meeting Fathom pushed by webhook, handled by a job of this queue (sync/syncJobs.ts works it). */
export const FATHOM_WEBHOOK_QUEUE = 'fathom-webhook-meeting';

/** A verified delivery: the connection it came for, its `webhook-id` and the meeting it carries. */
export type FathomDelivery = { accountId: string; connectionId: string; eventId: string; payload: unknown };

/**
 * Stores a verified delivery once per account and `webhook-id` (Fathom resends with the same id)
 * and queues a job for it; the meeting is processed there, so Fathom gets its answer at once.
 */
export async function acceptFathomDelivery(
  deps: { db: Database; boss: PgBoss },
  delivery: FathomDelivery,
): Promise<'accepted' | 'duplicate'> {
  const { accountId, connectionId, eventId, payload } = delivery;
  const stored = await withTenant(
    deps.db,
    { accountId },
    async (tx) =>
      (
        await tx.query(
          `INSERT INTO webhook_events (account_id, connection_id, provider, event_id, payload)
           VALUES (app_account_id(), $1, 'fathom', $2, $3)
           ON CONFLICT (account_id, provider, event_id) DO NOTHING RETURNING id`,
          [connectionId, eventId, JSON.stringify(payload)],
        )
      ).rowCount,
  );
  if (!stored) return 'duplicate';
  await deps.boss.send(FATHOM_WEBHOOK_QUEUE, { accountId, eventId });
  return 'accepted';
}

/** The job's side: the stored meeting of a delivery, or undefined when it is unknown or already processed. */
export async function pendingFathomDelivery(
  db: Database,
  accountId: string,
  eventId: string,
): Promise<{ payload: unknown } | undefined> {
  const row = await withTenant(
    db,
    { accountId },
    async (tx) =>
      (
        await tx.query<{ payload: unknown; status: string }>(
          `SELECT payload, status FROM webhook_events
            WHERE account_id = app_account_id() AND provider = 'fathom' AND event_id = $1`,
          [eventId],
        )
      ).rows[0],
  );
  return row && row.status !== 'processed' ? { payload: row.payload } : undefined;
}

/** Marks a delivery processed and drops its payload, in the transaction that stored its meeting. */
export async function finishFathomDelivery(tx: Queryable, eventId: string): Promise<void> {
  await tx.query(
    `UPDATE webhook_events SET status = 'processed', processed_at = now(), payload = NULL
      WHERE account_id = app_account_id() AND provider = 'fathom' AND event_id = $1`,
    [eventId],
  );
}
