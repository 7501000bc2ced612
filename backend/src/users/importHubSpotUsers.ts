import type { Client } from '@hubspot/api-client';
import type { Queryable } from '../db/database.ts';
import { UpstreamFailed } from '../errors.ts';

export type HubSpotUser = { hubspotUserId: number; email: string };

/** The portal's users from HubSpot's settings API, page by page. */
export async function fetchHubSpotUsers(client: Client): Promise<HubSpotUser[]> {
  const users: HubSpotUser[] = [];
  let after: string | undefined;
  do {
    const page = await client.settings.users.usersApi.getPage(100, after).catch((error: { code?: number }) => {
      throw new UpstreamFailed(
        `HubSpot did not list the portal's users (HTTP ${error.code ?? '?'}). The app needs the optional settings.users.read permission: reinstall it to grant it.`,
      );
    });
    for (const user of page.results)
      if (user.email) users.push({ hubspotUserId: Number(user.id), email: user.email.toLowerCase() });
    after = page.paging?.next?.after;
  } while (after);
  return users;
}

/**
 * Adds HubSpot users to the current tenant as reps unless already known; a user known only by
 * email (a Fathom recorder) gets his HubSpot id. Roles are never changed. Returns how many are new.
 */
export async function addUsers(tx: Queryable, users: HubSpotUser[]): Promise<number> {
  let added = 0;
  for (const user of users) {
    const row = (
      await tx.query<{ id: string; inserted: boolean }>(
        `INSERT INTO users (account_id, hubspot_user_id, email) VALUES (app_account_id(), $1, $2)
       ON CONFLICT (account_id, email) DO UPDATE SET hubspot_user_id = coalesce(users.hubspot_user_id, EXCLUDED.hubspot_user_id)
       RETURNING id, (xmax = 0) AS inserted`,
        [user.hubspotUserId, user.email],
      )
    ).rows[0]!;
    await tx.query(
      `INSERT INTO user_roles (account_id, user_id, role) VALUES (app_account_id(), $1, 'rep') ON CONFLICT DO NOTHING`,
      [row.id],
    );
    if (row.inserted) added += 1;
  }
  return added;
}
