import type { Queryable } from '../db/database.ts';
import type { HubSpotUser } from './hubspotUser.ts';

/**
 * The rule of settleEmailConflict, given HubSpot's users list of the portal: adopts the old row
 * (as a rep) when its HubSpot id is gone and the newcomer has the email, or gives the old row its
 * current email when it is still there with another one. Returns whether anything was settled.
 */
export async function settleWithUsersList(
  tx: Queryable,
  accountId: string,
  users: HubSpotUser[],
  newcomer: HubSpotUser,
  otherHubspotUserId: number,
): Promise<boolean> {
  const current = users.find((user) => user.hubspotUserId === newcomer.hubspotUserId);
  if (current?.email !== newcomer.email) return false;
  const other = users.find((user) => user.hubspotUserId === otherHubspotUserId);
  if (other?.email === newcomer.email) return false;
  if (!other) {
    const adopted = (
      await tx.query<{ id: string }>(
        `UPDATE users SET hubspot_user_id = $3, updated_at = now()
          WHERE account_id = $1 AND hubspot_user_id = $2 AND email = $4 RETURNING id`,
        [accountId, otherHubspotUserId, newcomer.hubspotUserId, newcomer.email],
      )
    ).rows[0];
    if (!adopted) return false;
    const demote = `UPDATE user_roles SET role = 'rep', updated_at = now() WHERE account_id = $1 AND user_id = $2`;
    const release = `UPDATE user_roles SET manager_user_id = NULL WHERE account_id = $1 AND manager_user_id = $2`;
    await tx.query(demote, [accountId, adopted.id]);
    await tx.query(release, [accountId, adopted.id]);
    return true;
  }
  const renamed = await tx.query(
    `UPDATE users SET email = $3, updated_at = now()
      WHERE account_id = $1 AND hubspot_user_id = $2
        AND NOT EXISTS (SELECT 1 FROM users o WHERE o.account_id = $1 AND o.email = $3)`,
    [accountId, otherHubspotUserId, other.email],
  );
  return renamed.rowCount === 1;
}
