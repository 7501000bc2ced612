import { createHash, randomBytes } from 'node:crypto';
import type { HubSpotOAuth } from '../connections/hubspotOAuthPort.ts';
import { saveHubSpotTokens } from '../connections/hubspotTokens.ts';
import type { Sealer } from '../connections/sealer.ts';
import type { Database } from '../db/database.ts';
import { narrowToTenant, withSystem } from '../db/tenancy.ts';
import { AppError } from '../errors.ts';
import { upsertUser } from '../users/upsertUser.ts';

export const STATE_TTL_MS = 10 * 60_000;

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

/** Why an install failed, in words for the admin; the HTTP layer shows it on a 4xx page. */
export class InstallFailed extends AppError {
  readonly title: string;
  constructor(title: string, message: string, status = 400) {
    super('install_failed', status, message);
    this.title = title;
  }
}

export type InstallStart = { state: string; browserNonce: string; redirectUrl: string };

/**
 * Starts an install: a random single-use state (stored as a hash, valid 10 minutes) bound to a
 * random nonce the browser keeps in a cookie, and HubSpot's authorize URL carrying the state.
 */
export async function startInstall(db: Database, oauth: HubSpotOAuth): Promise<InstallStart> {
  const state = randomBytes(32).toString('base64url');
  const browserNonce = randomBytes(32).toString('base64url');
  await withSystem(db, async (tx) => {
    await tx.query(`DELETE FROM oauth_states WHERE expires_at < now() - interval '1 day'`);
    await tx.query(
      `INSERT INTO oauth_states (provider, state_hash, browser_hash, expires_at) VALUES ('hubspot', $1, $2, $3)`,
      [sha256(state), sha256(browserNonce), new Date(Date.now() + STATE_TTL_MS)],
    );
  });
  return { state, browserNonce, redirectUrl: oauth.authorizeUrl(state) };
}

// HubSpot's `error` values an admin can meet; anything else gets a generic sentence, so nothing
// from the query string is ever shown back.
const HUBSPOT_ERRORS: Record<string, string> = {
  access_denied: 'The install was cancelled in HubSpot, so the app was not connected.',
  invalid_scope: 'HubSpot refused the permissions this app asks for.',
  server_error: 'HubSpot had a problem finishing the install.',
  temporarily_unavailable: 'HubSpot is temporarily unavailable.',
};

const STATE_PROBLEMS: Record<string, [title: string, message: string]> = {
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
};

export type InstallResult = { accountId: string; hubId: number; reinstall: boolean };

/**
 * Finishes an install: checks the state (known, unused, unexpired, same browser), exchanges the
 * code, reads who installed where with which scopes, and only then stores anything — the
 * account, its installing admin and the sealed tokens, in one transaction.
 */
export async function completeInstall(
  deps: { db: Database; oauth: HubSpotOAuth; sealer: Sealer; requiredScopes: readonly string[] },
  input: {
    code?: string | undefined;
    state?: string | undefined;
    error?: string | undefined;
    browserNonce?: string | undefined;
  },
): Promise<InstallResult> {
  if (input.error) {
    throw new InstallFailed(
      'HubSpot did not grant access',
      HUBSPOT_ERRORS[input.error] ?? 'HubSpot ended the install with an error.',
    );
  }
  if (!input.state)
    throw new InstallFailed(
      'Missing state',
      'The link has no state parameter. Start the install again from the marketplace.',
    );
  if (!input.code)
    throw new InstallFailed('Missing code', 'HubSpot sent no authorization code. Start the install again.');
  const state = input.state;

  // The state is spent by this attempt whatever happens next: a state works once.
  const verdict = await withSystem(deps.db, async (tx) => {
    const row = (
      await tx.query<{ id: string; browser_hash: string | null; consumed: boolean; expired: boolean }>(
        `SELECT id, browser_hash, consumed_at IS NOT NULL AS consumed, expires_at <= now() AS expired
         FROM oauth_states WHERE provider = 'hubspot' AND state_hash = $1 FOR UPDATE`,
        [sha256(state)],
      )
    ).rows[0];
    if (!row) return 'unknown';
    if (row.consumed) return 'reused';
    await tx.query('UPDATE oauth_states SET consumed_at = now() WHERE id = $1', [row.id]);
    if (row.expired) return 'expired';
    if (!input.browserNonce || row.browser_hash !== sha256(input.browserNonce)) return 'other-browser';
    return 'ok';
  });
  const problem = STATE_PROBLEMS[verdict];
  if (problem) throw new InstallFailed(problem[0], problem[1]);

  let tokens;
  let info;
  try {
    tokens = await deps.oauth.exchangeCode(input.code);
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
        `INSERT INTO accounts (hub_id, name) VALUES ($1, $2)
       ON CONFLICT (hub_id) DO UPDATE SET status = 'active', uninstalled_at = NULL, purge_after = NULL,
         installed_at = now(),
         name = coalesce(EXCLUDED.name, accounts.name), updated_at = now()
       RETURNING id, (xmax = 0) AS inserted`,
        [info.hubId, info.hubDomain],
      )
    ).rows[0]!;
    const installer = { accountId: account.id, hubspotUserId: info.userId, email: info.userEmail };
    const user = await upsertUser(tx, installer, { role: 'admin', forceRole: true });
    if (user.outcome === 'conflict') throw installerEmailTaken(info.userId, info.userEmail, user.otherHubspotUserId);
    await narrowToTenant(tx, { accountId: account.id, userId: user.userId });
    await saveHubSpotTokens(tx, deps.sealer, account.id, tokens, {
      scopes: info.scopes,
      installingUserId: String(info.userId),
    });
    return { accountId: account.id, hubId: info.hubId, reinstall: !account.inserted };
  });
}

// The one rule of app_upsert_user: an email this app knows for another HubSpot user is never
// handed over on the email alone.
const installerEmailTaken = (hubspotUserId: number, email: string, otherHubspotUserId: number) =>
  new InstallFailed(
    'Email already in use',
    `HubSpot user ${hubspotUserId} installs as ${email.toLowerCase()}, but this app knows that email as HubSpot ` +
      `user ${otherHubspotUserId} of this portal. Open any card of the app in HubSpot once (the app then asks ` +
      "HubSpot's users list who is current), or ask an admin to remove or rename the old HubSpot user, then " +
      'install again.',
    409,
  );
