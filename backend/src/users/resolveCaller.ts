import type { Client } from '@hubspot/api-client';
import type { Database, Queryable } from '../db/database.ts';
import {
  EmailTakenByAnotherUser,
  readAsCaller,
  withCaller,
  withSystem,
  type CallerIdentity,
  type FathomStatus,
  type OneStatementRead,
} from '../db/tenancy.ts';
import { Conflict } from '../errors.ts';
import type { Caller, Role } from './caller.ts';
import { settleWithUsersList } from './emailConflict.ts';
import { fetchHubSpotUsers } from './importHubSpotUsers.ts';

export type SignedIdentity = { portalId: number; hubspotUserId: number; email: string };

export type CallerDeps = {
  db: Database;
  /** HubSpot's API for a portal: asked who a user is when an email seems to change hands. */
  hubspotClient?: (accountId: string) => Promise<Client>;
};

export type CallerOptions = { readOnly: boolean; requireRole?: Role; forbiddenMessage?: string };

/**
 * Runs fn as the signed caller, in one transaction with the lookup of his account, user and role
 * (withCaller). A read writes nothing for a known user; his first request creates him as a rep.
 * When his email belongs to another HubSpot user of the portal, HubSpot's users list settles it
 * (see settleEmailConflict) or the answer is a 409 that says what an admin can do.
 */
export function asCaller<T>(
  deps: CallerDeps,
  identity: SignedIdentity,
  options: CallerOptions,
  fn: (tx: Queryable, caller: Caller) => Promise<T>,
): Promise<T> {
  return settlingEmailConflicts(deps, identity, (who) =>
    withCaller(deps.db, who, options, (tx, entered) => fn(tx, { ...entered, ...who })),
  );
}

/**
 * A read as the signed caller in one statement (readAsCaller): the same caller, refusals and
 * email-conflict handling as asCaller, one round trip.
 */
export function readAsSignedCaller<R>(
  deps: CallerDeps,
  identity: SignedIdentity,
  read: OneStatementRead,
): Promise<{ caller: Caller; fathomStatus: FathomStatus; rows: R[] }> {
  return settlingEmailConflicts(deps, identity, async (who) => {
    const { caller, fathomStatus, rows } = await readAsCaller<R>(deps.db, who, read);
    return { caller: { ...caller, ...who }, fathomStatus, rows };
  });
}

async function settlingEmailConflicts<T>(
  deps: CallerDeps,
  identity: SignedIdentity,
  run: (who: CallerIdentity) => Promise<T>,
): Promise<T> {
  const email = identity.email.trim().toLowerCase();
  const who = { hubId: identity.portalId, hubspotUserId: identity.hubspotUserId, email };
  try {
    return await run(who);
  } catch (error) {
    if (!(error instanceof EmailTakenByAnotherUser)) throw error;
    if (await settleEmailConflict(deps, { ...identity, email }, error.otherHubspotUserId)) return run(who);
    // The other user's HubSpot id goes to the log only: the caller has no business knowing it.
    throw new Conflict(
      `HubSpot user ${identity.hubspotUserId} signs in as ${email}, but this app knows that email as another ` +
        "HubSpot user of this portal, and HubSpot's users list could not confirm which is current. " +
        'An admin can fix it: remove or rename the old HubSpot user in HubSpot, then open the app settings and ' +
        'import users from HubSpot (this needs the settings.users.read permission).',
      { hubId: identity.portalId, hubspotUserId: identity.hubspotUserId, otherHubspotUserId: error.otherHubspotUserId },
    );
  }
}

/** The account, user and role behind a signed request, in a read-only transaction of its own. */
export function resolveCaller(
  deps: CallerDeps | Database,
  identity: SignedIdentity,
  options: Omit<CallerOptions, 'readOnly'> = {},
): Promise<Caller> {
  const callerDeps = 'transaction' in deps ? { db: deps } : deps;
  return asCaller(callerDeps, identity, { ...options, readOnly: true }, async (_tx, caller) => caller);
}

/**
 * A new HubSpot user id arrived with an email this app knows for another HubSpot user id. HubSpot
 * signed the new pair, but an email alone does not prove the old row is this person, so the
 * portal's users list decides, and only these two cases change anything:
 * - the old user is gone from the portal and the new one has this email: the person was
 *   re-created in HubSpot (or the address passed to someone else), so the new id takes over the
 *   row and its history, but as a rep: a role is never inherited through an email address;
 * - the old user is still there under another email: our row is stale, so it gets his current
 *   email, and the new user is created as usual.
 * Anything else (the list unreadable, the scope missing, both users holding the email) settles
 * nothing. Returns whether a retry can succeed.
 */
export async function settleEmailConflict(
  deps: CallerDeps,
  identity: SignedIdentity,
  otherHubspotUserId: number | null,
): Promise<boolean> {
  if (!deps.hubspotClient || otherHubspotUserId === null) return false;
  const account = await withSystem(
    deps.db,
    async (tx) =>
      (
        await tx.query<{ id: string }>(`SELECT id FROM accounts WHERE hub_id = $1 AND status = 'active'`, [
          identity.portalId,
        ])
      ).rows[0],
  );
  if (!account) return false;
  const hubspotClient = deps.hubspotClient;
  const users = await hubspotClient(account.id)
    .then(fetchHubSpotUsers)
    .catch(() => undefined);
  if (!users) return false;
  return withSystem(deps.db, (tx) =>
    settleWithUsersList(
      tx,
      account.id,
      users,
      { hubspotUserId: identity.hubspotUserId, email: identity.email },
      otherHubspotUserId,
    ),
  );
}
