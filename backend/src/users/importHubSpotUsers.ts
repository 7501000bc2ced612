import type { Client } from '@hubspot/api-client';
import type { Queryable } from '../db/database.ts';
import { UpstreamFailed } from '../errors.ts';
import { settleWithUsersList } from './emailConflict.ts';
import type { HubSpotUser } from './hubspotUser.ts';
import { upsertUser } from './upsertUser.ts';

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
 * Adds HubSpot users to the tenant as reps unless already known (upsertUser: a user known only by
 * email, a Fathom recorder, gets his HubSpot id; a known user gets his current email). An email
 * our rows give another HubSpot id is settled by this same list (settleWithUsersList). Roles are
 * never changed, except that an adopted row becomes a rep. Returns how many are new.
 */
export async function addUsers(tx: Queryable, accountId: string, users: HubSpotUser[]): Promise<number> {
  let added = 0;
  for (const user of users) {
    let upserted = await upsertUser(tx, { accountId, ...user });
    if (upserted.outcome === 'conflict') {
      if (!(await settleWithUsersList(tx, accountId, users, user, upserted.otherHubspotUserId))) continue;
      upserted = await upsertUser(tx, { accountId, ...user });
    }
    if (upserted.outcome === 'created') added += 1;
  }
  return added;
}
