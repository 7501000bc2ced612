import type { RecordSummary } from '../../../hubspot-app/app/packages/ui-shared/types.ts';
import type { Queryable } from '../db/database.ts';
import type { CrmObjectType } from '../../../hubspot-app/app/packages/ui-shared/crmObjectTypes.ts';

export type RecordRef = { objectType: CrmObjectType; objectId: number };

const RECENT = 5;
// A change of less than this many points is noise, not a direction.
const FLAT_WITHIN = 3;

const SUMMARY_SQL = `
  WITH calls AS (
    SELECT c.id, c.started_at, c.action_items, an.score, an.metrics,
           row_number() OVER (ORDER BY c.started_at DESC, c.id DESC) AS n
      FROM conversation_crm_links l
      JOIN conversations c ON c.account_id = l.account_id AND c.id = l.conversation_id
      LEFT JOIN conversation_analyses an ON an.account_id = c.account_id AND an.conversation_id = c.id
     WHERE l.account_id = app_account_id() AND l.object_type = $1 AND l.object_id = $2
  )
  SELECT count(*)::int AS calls,
         max(started_at) AS last_call_at,
         round(avg(score))::int AS average_score,
         avg(score) FILTER (WHERE n <= $3) AS recent_average,
         avg(score) FILTER (WHERE n > $3 AND n <= 2 * $3) AS earlier_average,
         (SELECT count(*)::int FROM calls, jsonb_array_elements(calls.action_items) AS item
           WHERE NOT coalesce((item->>'completed')::boolean, false)) AS open_action_items,
         (SELECT coalesce(json_agg(json_build_object('name', name, 'calls', raised) ORDER BY raised DESC, name), '[]')
            FROM (SELECT topic->>'name' AS name, count(DISTINCT calls.id)::int AS raised
                    FROM calls, jsonb_array_elements(coalesce(calls.metrics->'topics', '[]')) AS topic
                   WHERE coalesce((topic->>'count')::int, 0) > 0
                   GROUP BY 1) AS raised_topics) AS topics
    FROM calls`;

type SummaryRow = {
  calls: number;
  last_call_at: Date | null;
  average_score: number | null;
  recent_average: string | number | null;
  earlier_average: string | number | null;
  open_action_items: number;
  topics: Array<{ name: string; calls: number }>;
};

function direction(recent: number | null, earlier: number | null): RecordSummary['scoreDirection'] {
  if (recent === null || earlier === null) return null;
  if (Math.abs(recent - earlier) < FLAT_WITHIN) return 'flat';
  return recent > earlier ? 'up' : 'down';
}

const numberOrNull = (value: string | number | null) => (value === null ? null : Number(value));

/** What a deal or company card shows above its calls: counts, score and its direction, topics. */
export async function recordSummary(tx: Queryable, record: RecordRef): Promise<RecordSummary> {
  const { rows } = await tx.query<SummaryRow>(SUMMARY_SQL, [record.objectType, record.objectId, RECENT]);
  const row = rows[0]!;
  return {
    calls: row.calls,
    lastCallAt: row.last_call_at?.toISOString() ?? null,
    averageScore: row.average_score,
    scoreDirection: direction(numberOrNull(row.recent_average), numberOrNull(row.earlier_average)),
    openActionItems: row.open_action_items,
    topics: row.topics,
  };
}
