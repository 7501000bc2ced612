import type { Queryable } from '../db/database.ts';
import type { Role } from './caller.ts';

export type UpsertedUser =
  | { outcome: 'known' | 'created' | 'adopted'; userId: string; role: Role }
  /** Another HubSpot user of the portal has this email: nothing was written (settleEmailConflict). */
  | { outcome: 'conflict'; otherHubspotUserId: number };

// app_upsert_user (db/functions/app_upsert_user.sql) holds the one rule by which identities merge; see its comment.
const UPSERT = `
  SELECT upserted_user_id, upserted_role, outcome, other_hubspot_user_id
    FROM app_upsert_user(coalesce($1::uuid, app_account_id()), $2, $3, $4, $5, $6)`;

/**
 * The one way to create a user and give him a role: finds him by HubSpot user id, else adopts
 * the row that knows his email without one, else creates him; a user without a role gets
 * `role` (rep unless said), and `forceRole` sets it even when he has one. accountId defaults to
 * the current tenant's. Runs with the transaction's rights (system, or a tenant admin).
 */
export async function upsertUser(
  tx: Queryable,
  person: { accountId?: string; hubspotUserId: number | null; email: string; displayName?: string | null },
  options: { role?: Role; forceRole?: boolean } = {},
): Promise<UpsertedUser> {
  const row = (
    await tx.query<{
      upserted_user_id: string | null;
      upserted_role: Role | null;
      outcome: UpsertedUser['outcome'];
      other_hubspot_user_id: number | null;
    }>(UPSERT, [
      person.accountId ?? null,
      person.hubspotUserId,
      person.email.trim().toLowerCase(),
      person.displayName ?? null,
      options.role ?? 'rep',
      options.forceRole ?? false,
    ])
  ).rows[0]!;
  if (row.outcome === 'conflict') return { outcome: 'conflict', otherHubspotUserId: row.other_hubspot_user_id! };
  return { outcome: row.outcome, userId: row.upserted_user_id!, role: row.upserted_role! };
}
