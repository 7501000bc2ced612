import type { Queryable } from '../db/database.ts';
import { Forbidden, NotFound } from '../errors.ts';
import type { Caller } from '../users/caller.ts';
import { trendMetrics, type TrendMetrics } from './trendMetrics.ts';

export type TrendPoint = {
  conversationId: string;
  title: string;
  startedAt: string;
  score: number | null;
} & TrendMetrics;

// From user_roles, which everyone of the tenant may read: a user row (email, name) of someone else
// may be hidden from the caller, and "not yours" must stay a 403, not a 404.
const REP_SQL = `
  SELECT user_id AS id, manager_user_id FROM user_roles
   WHERE account_id = app_account_id() AND user_id = $1`;

const POINTS_SQL = `
  SELECT c.id, c.title, c.started_at, an.score, an.metrics
    FROM conversations c
    JOIN conversation_analyses an ON an.account_id = c.account_id AND an.conversation_id = c.id
   WHERE c.account_id = app_account_id() AND c.recorded_by_user_id = $1
     AND ($3::timestamptz IS NULL OR c.started_at >= $3) AND ($4::timestamptz IS NULL OR c.started_at < $4)
   ORDER BY c.started_at DESC
   LIMIT $2`;

/**
 * A rep's metrics over his recent calls (within from..to when given: the Team page's period),
 * oldest first, for the coaching card's and the Team page's chart. A rep sees
 * his own; a manager his own and his reps'; an admin anyone's (docs/who-sees-what.md; row level
 * security on conversation_analyses holds the same rule).
 */
export async function repTrend(
  tx: Queryable,
  caller: Caller,
  query: { repUserId: string; limit: number; from?: Date; to?: Date },
): Promise<{ repUserId: string; points: TrendPoint[] }> {
  const rep = (await tx.query<{ id: string; manager_user_id: string | null }>(REP_SQL, [query.repUserId])).rows[0];
  if (!rep) throw new NotFound('No such user in this portal.');
  const allowed =
    caller.role === 'admin' ||
    caller.userId === rep.id ||
    (caller.role === 'manager' && rep.manager_user_id === caller.userId);
  if (!allowed) throw new Forbidden("You may see only your own trend, or your team's if you manage it.");
  const { rows } = await tx.query<{
    id: string;
    title: string;
    started_at: Date;
    score: number | null;
    metrics: Record<string, unknown>;
  }>(POINTS_SQL, [rep.id, query.limit, query.from ?? null, query.to ?? null]);
  return {
    repUserId: rep.id,
    points: rows.reverse().map((row) => ({
      conversationId: row.id,
      title: row.title,
      startedAt: row.started_at.toISOString(),
      score: row.score,
      ...trendMetrics(row.metrics),
    })),
  };
}
