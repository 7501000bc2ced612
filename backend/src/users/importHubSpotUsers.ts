import type { Client } from '@hubspot/api-client';
import { z } from 'zod';
import type { Queryable } from '../db/database.ts';
import { UpstreamFailed } from '../errors.ts';
import { hubspotRequest } from '../hubspot/request.ts';
import { settleWithUsersList } from './emailConflict.ts';
import type { HubSpotUser } from './hubspotUser.ts';
import { upsertUser } from './upsertUser.ts';

// GET /settings/v3/users/ (HubSpot's settings users API, no dated version generally available):
// { results: [{ id, email, … }], paging?: { next?: { after } } }.
const usersPage = z.looseObject({
  results: z.array(z.looseObject({ id: z.coerce.string(), email: z.string().nullish() })),
  paging: z.looseObject({ next: z.looseObject({ after: z.string() }).optional() }).optional(),
});

/** The portal's users from HubSpot's settings API, page by page (through the portal's limiter). */
export async function fetchHubSpotUsers(client: Client): Promise<HubSpotUser[]> {
  const users: HubSpotUser[] = [];
  let after: string | undefined;
  do {
    const query = new URLSearchParams({ limit: '100', ...(after ? { after } : {}) });
    const response = await hubspotRequest(client, 'GET', `/settings/v3/users/?${query}`).catch(() => null);
    if (!response?.ok) {
      await response?.body?.cancel();
      throw new UpstreamFailed(
        `HubSpot did not list the portal's users (HTTP ${response?.status ?? '?'}). The app needs the optional settings.users.read permission: reinstall it to grant it.`,
      );
    }
    const page = usersPage.parse(await response.json());
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
