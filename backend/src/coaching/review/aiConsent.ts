import type { Queryable } from '../../db/database.ts';

// The portal's consent to the AI review lives in accounts.settings.ai: read and written only
// here, always as the current tenant. `since`: when it was last turned on (calls stored from then
// on are reviewed, besides the newest 50).

export type AiConsent = { enabled: boolean; since: string | null };

export async function readAiConsent(tx: Queryable): Promise<AiConsent> {
  const ai = (
    await tx.query<{ ai: { enabled?: unknown; since?: unknown } | null }>(
      `SELECT settings -> 'ai' AS ai FROM accounts WHERE id = app_account_id()`,
    )
  ).rows[0]?.ai;
  return { enabled: ai?.enabled === true, since: typeof ai?.since === 'string' ? ai.since : null };
}

/** Turns the review on or off (an admin's write); true when it was just turned on. */
export async function saveAiConsent(tx: Queryable, enabled: boolean): Promise<boolean> {
  const before = await readAiConsent(tx);
  if (before.enabled === enabled) return false;
  await tx.query(
    `UPDATE accounts
        SET settings = jsonb_set(settings, '{ai}', jsonb_build_object('enabled', $1::boolean, 'since', CASE WHEN $1 THEN now() END)),
            updated_at = now()
      WHERE id = app_account_id()`,
    [enabled],
  );
  return enabled;
}
