import type { Queryable } from '../db/database.ts';

/** How many of the rep's calls before and after a message are compared. */
export const OUTCOME_WINDOW = 5;

// The analysis metric each coaching category is about (others: the overall score).
const METRIC_OF_CATEGORY: Record<string, { name: string; sql: string }> = {
  talk_ratio: { name: 'rep talk ratio', sql: `(an.metrics -> 'talkRatio' ->> 'rep')::float8` },
  discovery: { name: 'questions asked', sql: `(an.metrics -> 'questions' ->> 'total')::float8` },
  questioning: { name: 'questions asked', sql: `(an.metrics -> 'questions' ->> 'total')::float8` },
  next_steps: {
    name: 'calls with next steps',
    sql: `CASE WHEN (an.metrics -> 'nextSteps' ->> 'agreed')::boolean THEN 1 ELSE 0 END::float8`,
  },
  closing: {
    name: 'calls with next steps',
    sql: `CASE WHEN (an.metrics -> 'nextSteps' ->> 'agreed')::boolean THEN 1 ELSE 0 END::float8`,
  },
};
const SCORE = { name: 'call score', sql: 'an.score::float8' };

export type Measurement = {
  metricName: string;
  before: number | null;
  after: number | null;
  callsBefore: number;
  callsAfter: number;
};

/**
 * The metric a message was about, averaged over the rep's last calls before it was sent and his
 * first calls after — the automatic half of an outcome, next to the manager's judgement.
 */
export async function measureOutcome(
  tx: Queryable,
  message: { repUserId: string; category: string; sentAt: Date },
): Promise<Measurement> {
  const metric = METRIC_OF_CATEGORY[message.category] ?? SCORE;
  const { rows } = await tx.query<{ side: 'before' | 'after'; value: number | null; calls: number }>(
    `WITH calls AS (
       SELECT c.started_at, ${metric.sql} AS value
         FROM conversations c
         JOIN conversation_analyses an ON an.account_id = c.account_id AND an.conversation_id = c.id
        WHERE c.account_id = app_account_id() AND c.recorded_by_user_id = $1
     ),
     before AS (SELECT value FROM calls WHERE started_at < $2 ORDER BY started_at DESC LIMIT $3),
     after AS (SELECT value FROM calls WHERE started_at >= $2 ORDER BY started_at LIMIT $3)
     SELECT 'before' AS side, avg(value) AS value, count(*)::int AS calls FROM before
     UNION ALL
     SELECT 'after', avg(value), count(*)::int FROM after`,
    [message.repUserId, message.sentAt, OUTCOME_WINDOW],
  );
  const side = (name: 'before' | 'after') => rows.find((row) => row.side === name)!;
  const round = (value: number | null) => (value === null ? null : Math.round(value * 1000) / 1000);
  return {
    metricName: metric.name,
    before: round(side('before').value),
    after: round(side('after').value),
    callsBefore: side('before').calls,
    callsAfter: side('after').calls,
  };
}
