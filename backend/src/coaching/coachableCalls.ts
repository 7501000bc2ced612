import type { Coachable } from '../../../hubspot-app/app/packages/ui-shared/types.ts';
import type { Queryable } from '../db/database.ts';

const LIMIT = 20;

// A call's rep is who recorded it (matched by email when not resolved yet, as repOfConversation
// does). app_may_coach decides, as it does when the message is written: an admin anyone but
// himself, a manager only his reps. A recorder nobody knows yet is coachable by an admin only
// (writing the message adds him as a rep); row level security hides other users from a manager.
const COACHABLE = `
  WITH calls AS (
    SELECT c.id, c.title, c.started_at, c.recorded_by_email,
           coalesce(c.recorded_by_user_id,
                    (SELECT u.id FROM users u
                      WHERE u.account_id = app_account_id() AND u.email = lower(c.recorded_by_email))) AS rep_id
      FROM conversations c
     WHERE c.account_id = app_account_id()
       AND c.id IN (SELECT l.conversation_id FROM conversation_crm_links l
                     WHERE l.account_id = app_account_id() AND l.object_type = $1 AND l.object_id = $2)
  )
  SELECT id, title, started_at, count(*) OVER () AS calls,
         CASE WHEN rep_id IS NOT NULL THEN app_may_coach(rep_id)
              ELSE recorded_by_email IS NOT NULL AND app_user_role() = 'admin' END AS may_coach
    FROM calls
   ORDER BY started_at DESC, id DESC`;

/**
 * The calls of a record the caller may write coaching about, newest first, and how many calls
 * the record has: the coaching card offers only these, and says why when there are none.
 */
export async function coachableCalls(
  tx: Queryable,
  record: { objectType: 'contacts' | 'deals'; objectId: number },
): Promise<Coachable> {
  const { rows } = await tx.query<{ id: string; title: string; started_at: Date; calls: string; may_coach: boolean }>(
    COACHABLE,
    [record.objectType, record.objectId],
  );
  return {
    calls: Number(rows[0]?.calls ?? 0),
    items: rows
      .filter((row) => row.may_coach)
      .slice(0, LIMIT)
      .map((row) => ({ id: row.id, title: row.title, startedAt: row.started_at.toISOString() })),
  };
}
