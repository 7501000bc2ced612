import type { RepOverview } from '../../../hubspot-app/app/packages/ui-shared/types.ts';
import type { Queryable } from '../db/database.ts';
import { decodeKeyCursor, encodeKeyCursor, keysetPage } from '../conversations/cursor.ts';
import type { Caller } from '../users/caller.ts';
import { REPS_IN_VIEW, viewParams } from './coachableReps.ts';

export type Period = { from: Date; to: Date };

// The team table pages by (email, id): its cursor's key is the last rep's email.
const afterRep = (row: { email: string; id: string }) => encodeKeyCursor(row.email, row.id);

// One statement: a page of the reps in view (by email: a stable order, so a rep whose numbers
// change between two pages is neither skipped nor repeated), then per rep the calls of the period
// and of the period before it, and the coaching sent to him in the period. A call counts as
// coached once a message about it was sent (a draft is work in progress, so the call stays in the
// queue). Which reps need coaching most is the queue's order, not this table's.
const OVERVIEW_SQL = `
  WITH reps AS (
    SELECT u.id, u.hubspot_user_id, u.email, u.display_name
      FROM users u
      JOIN user_roles r ON r.account_id = u.account_id AND r.user_id = u.id
     WHERE u.account_id = app_account_id() AND ${REPS_IN_VIEW}
       AND ($5::text IS NULL OR (u.email, u.id) > ($5, $6::uuid))
       AND ($8::text IS NULL OR strpos(lower(u.email), lower($8)) > 0
            OR strpos(lower(coalesce(u.display_name, '')), lower($8)) > 0)
     ORDER BY u.email, u.id
     LIMIT $7
  ), calls AS (
    SELECT c.recorded_by_user_id AS rep_id,
           count(*) FILTER (WHERE c.started_at >= $3) AS calls,
           avg(an.score) FILTER (WHERE c.started_at >= $3) AS average_score,
           avg(an.score) FILTER (WHERE c.started_at < $3) AS previous_average_score,
           count(*) FILTER (WHERE c.started_at >= $3 AND NOT EXISTS (
             SELECT 1 FROM coaching_messages m
              WHERE m.account_id = c.account_id AND m.conversation_id = c.id AND m.status <> 'draft'
           )) AS uncoached
      FROM conversations c
      LEFT JOIN conversation_analyses an ON an.account_id = c.account_id AND an.conversation_id = c.id
     WHERE c.account_id = app_account_id()
       AND c.recorded_by_user_id IN (SELECT id FROM reps)
       AND c.started_at >= $3 - ($4 - $3) AND c.started_at < $4
     GROUP BY c.recorded_by_user_id
  ), coaching AS (
    SELECT m.rep_user_id AS rep_id,
           count(*) FILTER (WHERE m.sent_at >= $3 AND m.sent_at < $4) AS sent,
           count(*) FILTER (WHERE m.acknowledged_at >= $3 AND m.acknowledged_at < $4) AS acknowledged,
           count(o.id) FILTER (WHERE o.result = 'applied' AND o.recorded_at >= $3 AND o.recorded_at < $4) AS applied
      FROM coaching_messages m
      LEFT JOIN coaching_outcomes o ON o.account_id = m.account_id AND o.message_id = m.id
     WHERE m.account_id = app_account_id() AND m.rep_user_id IN (SELECT id FROM reps) AND m.status <> 'draft'
     GROUP BY m.rep_user_id
  )
  SELECT reps.id, reps.hubspot_user_id, reps.email, reps.display_name,
         coalesce(calls.calls, 0)::int AS calls,
         round(calls.average_score)::int AS average_score,
         round(calls.previous_average_score)::int AS previous_average_score,
         coalesce(calls.uncoached, 0)::int AS uncoached,
         coalesce(coaching.sent, 0)::int AS sent,
         coalesce(coaching.acknowledged, 0)::int AS acknowledged,
         coalesce(coaching.applied, 0)::int AS applied
    FROM reps
    LEFT JOIN calls ON calls.rep_id = reps.id
    LEFT JOIN coaching ON coaching.rep_id = reps.id
   ORDER BY reps.email, reps.id`;

type OverviewRow = {
  id: string;
  hubspot_user_id: string | number | null;
  email: string;
  display_name: string | null;
  calls: number;
  average_score: number | null;
  previous_average_score: number | null;
  uncoached: number;
  sent: number;
  acknowledged: number;
  applied: number;
};

/**
 * The Team page's table: a page of the reps the caller may see, one row each, for the period; with
 * `q`, only the reps whose email or name holds it (case-insensitive).
 */
export async function teamOverview(
  tx: Queryable,
  caller: Caller,
  query: Period & { cursor?: string; limit: number; q?: string },
): Promise<{ items: RepOverview[]; nextCursor: string | null }> {
  const after = query.cursor ? decodeKeyCursor(query.cursor) : null;
  const { rows } = await tx.query<OverviewRow>(OVERVIEW_SQL, [
    ...viewParams(caller),
    query.from,
    query.to,
    after?.key ?? null,
    after?.id ?? null,
    query.limit + 1,
    query.q ?? null,
  ]);
  return keysetPage(rows, query.limit, toItem, afterRep);
}

function toItem(row: OverviewRow): RepOverview {
  return {
    id: row.id,
    hubspotUserId: row.hubspot_user_id === null ? null : Number(row.hubspot_user_id),
    email: row.email,
    name: row.display_name,
    calls: row.calls,
    averageScore: row.average_score,
    previousAverageScore: row.previous_average_score,
    coaching: { sent: row.sent, acknowledged: row.acknowledged, applied: row.applied },
    uncoachedCalls: row.uncoached,
  };
}
