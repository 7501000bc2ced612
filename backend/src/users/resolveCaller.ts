import type { Database } from '../db/database.ts';
import { withSystem } from '../db/tenancy.ts';
import { NotInstalled } from '../errors.ts';
import type { Caller, Role } from './caller.ts';

export type SignedIdentity = { portalId: number; hubspotUserId: number; email: string };

const FIND_ACCOUNT = `SELECT id FROM accounts WHERE hub_id = $1 AND status = 'active'`;

// A HubSpot user is known by id; an earlier row may know him only by email (a Fathom recorder),
// in which case it is adopted rather than duplicated.
const UPSERT_USER = `
  WITH existing AS (
    SELECT id FROM users
     WHERE account_id = $1 AND (hubspot_user_id = $2 OR (hubspot_user_id IS NULL AND email = $3))
     ORDER BY (hubspot_user_id = $2) DESC NULLS LAST
     LIMIT 1
  ), updated AS (
    UPDATE users u SET hubspot_user_id = $2,
                       email = CASE WHEN EXISTS (SELECT 1 FROM users o WHERE o.account_id = $1 AND o.email = $3 AND o.id <> u.id)
                                    THEN u.email ELSE $3 END,
                       updated_at = now()
      FROM existing WHERE u.id = existing.id
    RETURNING u.id
  ), inserted AS (
    INSERT INTO users (account_id, hubspot_user_id, email)
    SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM existing)
    ON CONFLICT DO NOTHING
    RETURNING id
  )
  SELECT id FROM updated UNION ALL SELECT id FROM inserted`;

const ENSURE_ROLE = `
  INSERT INTO user_roles (account_id, user_id, role) VALUES ($1, $2, 'rep')
  ON CONFLICT (account_id, user_id) DO UPDATE SET role = user_roles.role
  RETURNING role`;

/**
 * The account and user behind a request whose HubSpot signature was already verified. An
 * unknown or uninstalled portal is NotInstalled; a user seen for the first time becomes a rep.
 */
export async function resolveCaller(db: Database, identity: SignedIdentity): Promise<Caller> {
  const email = identity.email.trim().toLowerCase();
  return withSystem(db, async (tx) => {
    const account = (await tx.query<{ id: string }>(FIND_ACCOUNT, [identity.portalId])).rows[0];
    if (!account) throw new NotInstalled();
    let user = (await tx.query<{ id: string }>(UPSERT_USER, [account.id, identity.hubspotUserId, email])).rows[0];
    // Two first requests of the same user at once: the loser of the insert race reads the winner's row.
    user ??= (await tx.query<{ id: string }>('SELECT id FROM users WHERE account_id = $1 AND hubspot_user_id = $2', [
      account.id,
      identity.hubspotUserId,
    ])).rows[0];
    if (!user) throw new Error('could not resolve the calling user');
    const role = (await tx.query<{ role: Role }>(ENSURE_ROLE, [account.id, user.id])).rows[0]!.role;
    return { accountId: account.id, hubId: identity.portalId, userId: user.id, hubspotUserId: identity.hubspotUserId, email, role };
  });
}
