import type { HubSpotOAuth } from '../connections/hubspotOAuthPort.ts';
import { saveHubSpotTokens } from '../connections/hubspotTokens.ts';
import type { Sealer } from '../connections/sealer.ts';
import type { Database } from '../db/database.ts';
import { narrowToTenant, withSystem } from '../db/tenancy.ts';
import { acceptCallback, FlowFailed, type CallbackInput, type CallbackWords } from '../oauth/callback.ts';
import { forgetOldStates, issueState, newToken, STATE_TTL_MS } from '../oauth/states.ts';
import type { Role } from '../users/caller.ts';
import { upsertUser } from '../users/upsertUser.ts';

/** Why an install failed, in words for the admin; the HTTP layer shows it on a 4xx page. */
export class InstallFailed extends FlowFailed {
  /** What the log says of it and the page does not. */
  readonly logDetail: Record<string, unknown> | undefined;
  constructor(title: string, message: string, status = 400, logDetail?: Record<string, unknown>) {
    super('install_failed', title, message, status);
    this.logDetail = logDetail;
  }
}

export type InstallStart = { state: string; browserNonce: string; redirectUrl: string };

/**
 * Starts an install: a random single-use state (stored as a hash, valid 10 minutes) bound to a
 * random nonce the browser keeps in a cookie, and HubSpot's authorize URL carrying the state.
 */
export async function startInstall(db: Database, oauth: HubSpotOAuth): Promise<InstallStart> {
  const browserNonce = newToken();
  const state = await withSystem(db, async (tx) => {
    await forgetOldStates(tx);
    return issueState(tx, { provider: 'hubspot', browserNonce, expiresAt: new Date(Date.now() + STATE_TTL_MS) });
  });
  return { state, browserNonce, redirectUrl: oauth.authorizeUrl(state) };
}

const INSTALL_WORDS: CallbackWords = {
  errors: {
    access_denied: 'The install was cancelled in HubSpot, so the app was not connected.',
    invalid_scope: 'HubSpot refused the permissions this app asks for.',
    server_error: 'HubSpot had a problem finishing the install.',
    temporarily_unavailable: 'HubSpot is temporarily unavailable.',
  },
  deniedTitle: 'HubSpot did not grant access',
  otherError: 'HubSpot ended the install with an error.',
  missingState: 'The link has no state parameter. Start the install again from the marketplace.',
  missingCode: 'HubSpot sent no authorization code. Start the install again.',
  states: {
    unknown: [
      'Unknown state',
      'This install link was not issued by this app. Start the install again from the marketplace.',
    ],
    reused: ['Link already used', 'This install link was already used. Start the install again from the marketplace.'],
    expired: ['Link expired', 'This install link expired (links last 10 minutes). Start the install again.'],
    'other-browser': [
      'Different browser',
      'The install was started in another browser, or its cookie was lost. Start the install again in this browser.',
    ],
  },
};

/** `role`: the installer's role in the app after the install (admin only when the portal had none). */
export type InstallResult = { accountId: string; hubId: number; reinstall: boolean; role: Role };

// Whether the portal has an admin in the app. Installing proves only that HubSpot lets this user
// install apps, which HubSpot gives more people than the app's admins: the installer is made an
// admin of a new account, or of one that has none left, and otherwise keeps his role.
const HAS_ADMIN = `SELECT EXISTS (SELECT 1 FROM user_roles WHERE account_id = $1 AND role = 'admin') AS has_admin`;

/**
 * Finishes an install: checks the state (known, unused, unexpired, same browser), exchanges the
 * code, reads who installed where with which scopes, and only then stores anything — the
 * account, the installing user (its admin when it has none) and the sealed tokens, in one transaction.
 */
export async function completeInstall(
  deps: { db: Database; oauth: HubSpotOAuth; sealer: Sealer; requiredScopes: readonly string[] },
  input: CallbackInput,
): Promise<InstallResult> {
  const { code } = await acceptCallback(deps.db, 'hubspot', input, INSTALL_WORDS, InstallFailed);

  let tokens;
  let info;
  try {
    tokens = await deps.oauth.exchangeCode(code);
    info = await deps.oauth.introspect(tokens.accessToken);
  } catch (error) {
    const refused = deps.oauth.isInvalidGrant(error);
    throw new InstallFailed(
      refused ? 'HubSpot refused the code' : 'HubSpot unreachable',
      refused
        ? 'HubSpot did not accept the authorization code (it may have been used or expired). Start the install again.'
        : 'HubSpot could not be reached to finish the install. Try again in a minute.',
      refused ? 400 : 502,
    );
  }
  const missing = deps.requiredScopes.filter((scope) => !info.scopes.includes(scope));
  if (missing.length) {
    throw new InstallFailed(
      'Missing permissions',
      `The app needs these HubSpot permissions, which were not granted: ${missing.join(', ')}.`,
    );
  }

  return withSystem(deps.db, async (tx) => {
    const account = (
      await tx.query<{ id: string; inserted: boolean }>(
        `INSERT INTO accounts (hub_id, name, hublet) VALUES ($1, $2, $3)
       ON CONFLICT (hub_id) DO UPDATE SET status = 'active', uninstalled_at = NULL, purge_after = NULL,
         installed_at = now(), hublet = coalesce(EXCLUDED.hublet, accounts.hublet),
         name = coalesce(EXCLUDED.name, accounts.name), updated_at = now()
       RETURNING id, (xmax = 0) AS inserted`,
        [info.hubId, info.hubDomain, info.hublet],
      )
    ).rows[0]!;
    const installer = { accountId: account.id, hubspotUserId: info.userId, email: info.userEmail };
    const hasAdmin = (await tx.query<{ has_admin: boolean }>(HAS_ADMIN, [account.id])).rows[0]!.has_admin;
    const user = await upsertUser(tx, installer, hasAdmin ? {} : { role: 'admin', forceRole: true });
    if (user.outcome === 'conflict') throw installerEmailTaken(info.userId, info.userEmail, user.otherHubspotUserId);
    // The tokens are the portal's, whoever installed: stored as the tenant's backend work, which
    // needs no admin (the installer may be a rep).
    await narrowToTenant(tx, { accountId: account.id });
    await saveHubSpotTokens(tx, deps.sealer, account.id, tokens, {
      scopes: info.scopes,
      installingUserId: String(info.userId),
    });
    return { accountId: account.id, hubId: info.hubId, reinstall: !account.inserted, role: user.role };
  });
}

// The one rule of app_upsert_user: an email this app knows for another HubSpot user is never
// handed over on the email alone. The other user's HubSpot id is for the log (logDetail), not the page.
const installerEmailTaken = (hubspotUserId: number, email: string, otherHubspotUserId: number) =>
  new InstallFailed(
    'Email already in use',
    `HubSpot user ${hubspotUserId} installs as ${email.toLowerCase()}, but this app knows that email as ` +
      'another HubSpot user of this portal. Open any card of the app in HubSpot once (the app then asks ' +
      "HubSpot's users list who is current), or ask an admin to remove or rename the old HubSpot user, then " +
      'install again.',
    409,
    { hubspotUserId, otherHubspotUserId },
  );
