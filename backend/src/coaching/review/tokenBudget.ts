import type { Queryable } from '../../db/database.ts';

// Today's tokens of the current tenant (UTC days): reserved before a request, only while the
// reservation keeps the day within the budget; the first request of a day larger than the budget
// is refused too. One statement, so two workers cannot both take the last tokens.
const RESERVE = `
  INSERT INTO ai_token_usage AS u (account_id, day, tokens)
  SELECT app_account_id(), (now() AT TIME ZONE 'UTC')::date, $1::bigint WHERE $1::bigint <= $2::bigint
  ON CONFLICT (account_id, day) DO UPDATE SET tokens = u.tokens + EXCLUDED.tokens
   WHERE u.tokens + EXCLUDED.tokens <= $2::bigint
  RETURNING tokens`;

// The answer's usage replaces the estimate (never below zero).
const SETTLE = `
  UPDATE ai_token_usage SET tokens = greatest(0, tokens + $1::bigint)
   WHERE account_id = app_account_id() AND day = (now() AT TIME ZONE 'UTC')::date`;

/** Takes `tokens` of today's budget; false (nothing taken) when they do not fit. */
export async function reserveTokens(tx: Queryable, tokens: number, dailyBudget: number): Promise<boolean> {
  return (await tx.query(RESERVE, [tokens, dailyBudget])).rows.length > 0;
}

/** Corrects today's spending by `delta` tokens (what was used minus what was reserved). */
export async function settleTokens(tx: Queryable, delta: number): Promise<void> {
  if (delta !== 0) await tx.query(SETTLE, [delta]);
}

/** Seconds until the next UTC day, when the budget is whole again. */
export function secondsUntilNextUtcDay(now = new Date()): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.ceil((next - now.getTime()) / 1000);
}
