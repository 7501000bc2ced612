import type { Queryable } from '../../db/database.ts';
import { WRITEBACK_SCOPES } from '../scopes.ts';

// The portal's write-back choice lives in accounts.settings.writeback: read and written only here,
// always as the current tenant. `properties`: what the job last created in HubSpot (null: nothing
// yet; `scores`: fathom_average_score too), so the properties are created once, not at every run.

export type WritebackChoice = { enabled: boolean; includeScores: boolean };
export type WritebackState = WritebackChoice & { properties: { scores: boolean } | null };

export async function readWriteback(tx: Queryable): Promise<WritebackState> {
  const saved = (
    await tx.query<{ writeback: Record<string, unknown> | null }>(
      `SELECT settings -> 'writeback' AS writeback FROM accounts WHERE id = app_account_id()`,
    )
  ).rows[0]?.writeback;
  const properties = saved?.properties as { scores?: unknown } | null | undefined;
  return {
    enabled: saved?.enabled === true,
    includeScores: saved?.includeScores === true,
    properties: properties ? { scores: properties.scores === true } : null,
  };
}

/** An admin's choice; true when something was turned on (the job then has records to write). */
export async function saveWritebackChoice(tx: Queryable, choice: WritebackChoice): Promise<boolean> {
  const before = await readWriteback(tx);
  await tx.query(
    `UPDATE accounts
        SET settings = jsonb_set(settings, '{writeback}',
              coalesce(settings -> 'writeback', '{}') || jsonb_build_object('enabled', $1::boolean, 'includeScores', $2::boolean)),
            updated_at = now()
      WHERE id = app_account_id()`,
    [choice.enabled, choice.includeScores],
  );
  return choice.enabled && (!before.enabled || (choice.includeScores && !before.includeScores));
}

/** What the job created in HubSpot (the backend's own work), or null once the app deleted it. */
export async function savePropertiesCreated(tx: Queryable, created: { scores: boolean } | null): Promise<void> {
  await tx.query(
    `UPDATE accounts
        SET settings = jsonb_set(settings, '{writeback}', coalesce(settings -> 'writeback', '{}') || jsonb_build_object('properties', $1::jsonb)),
            updated_at = now()
      WHERE id = app_account_id()`,
    [JSON.stringify(created)],
  );
}

/**
 * The write-back scopes the portal's HubSpot connection was not granted at install (HubSpot's
 * token information, stored with the tokens by hubspot/installFlow.ts): all of them when the
 * portal has no connection. Read by an admin or by the backend's own work (api_connections' policy).
 */
export async function missingWritebackScopes(tx: Queryable): Promise<string[]> {
  const granted =
    (
      await tx.query<{ scopes: string[] }>(
        `SELECT scopes FROM api_connections WHERE account_id = app_account_id() AND provider = 'hubspot'`,
      )
    ).rows[0]?.scopes ?? [];
  return WRITEBACK_SCOPES.filter((scope) => !granted.includes(scope));
}
