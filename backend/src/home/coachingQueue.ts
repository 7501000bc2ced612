import type { CoachingQueue } from '../../../hubspot-app/app/packages/ui-shared/types.ts';
import { afterStartedAt, decodeCursor, keysetPage } from '../conversations/cursor.ts';
import type { Queryable } from '../db/database.ts';
import { Forbidden } from '../errors.ts';
import type { Caller } from '../users/caller.ts';
import { REPS_IN_VIEW, viewParams } from './coachableReps.ts';

// Keyset pagination on (started_at, id), newest first, over the calls of the reps in view that
// no sent message covers yet; conversations_rep_idx serves the per-rep order.
const QUEUE_SQL = `
  SELECT c.id, c.title, c.started_at, c.duration_seconds, an.score,
         u.id AS rep_id, u.hubspot_user_id, u.email, u.display_name
    FROM users u
    JOIN user_roles r ON r.account_id = u.account_id AND r.user_id = u.id
    JOIN conversations c ON c.account_id = u.account_id AND c.recorded_by_user_id = u.id
    LEFT JOIN conversation_analyses an ON an.account_id = c.account_id AND an.conversation_id = c.id
   WHERE u.account_id = app_account_id() AND ${REPS_IN_VIEW}
     AND ($3::bigint IS NULL OR u.hubspot_user_id = $3)
     AND ($4::timestamptz IS NULL OR (c.started_at, c.id) < ($4, $5::uuid))
     AND ($7::timestamptz IS NULL OR c.started_at >= $7) AND ($8::timestamptz IS NULL OR c.started_at < $8)
     AND NOT EXISTS (
       SELECT 1 FROM coaching_messages m
        WHERE m.account_id = c.account_id AND m.conversation_id = c.id AND m.status <> 'draft'
     )
   ORDER BY c.started_at DESC, c.id DESC
   LIMIT $6`;

// Whether the reps in view recorded any call in the period (asked only when the queue is empty,
// so the page can tell "all coached" from "no calls at all").
const ANY_CALL_SQL = `
  SELECT EXISTS (
    SELECT 1
      FROM users u
      JOIN user_roles r ON r.account_id = u.account_id AND r.user_id = u.id
      JOIN conversations c ON c.account_id = u.account_id AND c.recorded_by_user_id = u.id
     WHERE u.account_id = app_account_id() AND ${REPS_IN_VIEW}
       AND ($3::bigint IS NULL OR u.hubspot_user_id = $3)
       AND ($4::timestamptz IS NULL OR c.started_at >= $4) AND ($5::timestamptz IS NULL OR c.started_at < $5)
  ) AS any`;

type QueueRow = {
  id: string;
  title: string;
  started_at: Date;
  duration_seconds: number;
  score: number | null;
  rep_id: string;
  hubspot_user_id: string | number | null;
  email: string;
  display_name: string | null;
};

/**
 * The calls a coach has not coached yet, newest first, for the reps he may coach (an admin any
 * rep, a manager his own), within the period when one is given. Reps coach nobody, so they have
 * no queue. An empty first page says whether the period had calls at all (`hasCalls`).
 */
export async function coachingQueue(
  tx: Queryable,
  caller: Caller,
  query: { repHubspotUserId?: number; cursor?: string; limit: number; from?: Date; to?: Date },
): Promise<CoachingQueue & { hasCalls?: boolean }> {
  if (caller.role === 'rep') throw new Forbidden('Only managers and admins have a coaching queue.');
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const { rows } = await tx.query<QueueRow>(QUEUE_SQL, [
    ...viewParams(caller),
    query.repHubspotUserId ?? null,
    after?.startedAt ?? null,
    after?.id ?? null,
    query.limit + 1,
    query.from ?? null,
    query.to ?? null,
  ]);
  const page = keysetPage(
    rows,
    query.limit,
    (row) => ({
      id: row.id,
      title: row.title,
      startedAt: row.started_at.toISOString(),
      durationSeconds: row.duration_seconds,
      score: row.score,
      rep: {
        id: row.rep_id,
        hubspotUserId: row.hubspot_user_id === null ? null : Number(row.hubspot_user_id),
        email: row.email,
        name: row.display_name,
      },
    }),
    afterStartedAt,
  );
  if (page.items.length > 0 || after) return page;
  const { rows: any } = await tx.query<{ any: boolean }>(ANY_CALL_SQL, [
    ...viewParams(caller),
    query.repHubspotUserId ?? null,
    query.from ?? null,
    query.to ?? null,
  ]);
  return { ...page, hasCalls: any[0]!.any };
}
