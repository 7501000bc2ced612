import { createHash, randomBytes } from 'node:crypto';
import { withSystem, withTenant } from '../db/tenancy.ts';
import { AppError, UpstreamFailed } from '../errors.ts';
import { FathomError } from '../fathom/errors.ts';
import { replaceFathomConnection, type FathomDeps } from './fathomConnection.ts';
import type { Sealer } from './sealer.ts';

/** How long the settings page's "Connect with Fathom" link works, and then the OAuth state. */
export const CONNECT_LINK_TTL_MS = 10 * 60_000;
export const CONNECT_STATE_TTL_MS = 10 * 60_000;

const LINK_CONTEXT = 'fathom-oauth-connect-link';
const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

/** Why connecting Fathom failed, in words for the admin; the HTTP layer shows it on a page. */
export class ConnectFailed extends AppError {
  readonly title: string;
  constructor(title: string, message: string, status = 400) {
    super('connect_failed', status, message);
    this.title = title;
  }
}

type LinkClaims = { accountId: string; userId: string; expiresAt: number };

/**
 * The short-lived link the settings page opens to start Fathom's OAuth flow. HubSpot's signed
 * requests cannot open a browser flow, so the signed settings request hands out this link: the
 * admin's account and user, sealed with the token cipher (AES-GCM: nobody can read or forge it).
 */
export function connectLink(sealer: Sealer, publicBaseUrl: string, who: { accountId: string; userId: string }, now = Date.now()): string {
  const claims: LinkClaims = { accountId: who.accountId, userId: who.userId, expiresAt: now + CONNECT_LINK_TTL_MS };
  const sealed = sealer.encrypt(JSON.stringify(claims), LINK_CONTEXT);
  const url = new URL(`${publicBaseUrl}/oauth/fathom/start`);
  url.searchParams.set('link', `${sealed.keyId}.${sealed.ciphertext.toString('base64url')}`);
  return url.toString();
}

function openLink(sealer: Sealer, link: string | undefined, now: number): LinkClaims {
  const broken = new ConnectFailed('Link not valid', 'This link was not made by this app. Open the app settings in HubSpot and click "Connect with Fathom" again.');
  const [keyId, ciphertext, ...rest] = (link ?? '').split('.');
  if (!keyId || !ciphertext || rest.length) throw broken;
  let claims: LinkClaims;
  try {
    claims = JSON.parse(sealer.decrypt(keyId, Buffer.from(ciphertext, 'base64url'), LINK_CONTEXT)) as LinkClaims;
  } catch {
    throw broken;
  }
  if (!(claims.expiresAt > now)) {
    throw new ConnectFailed('Link expired', 'This link expired (links last 10 minutes). Open the app settings in HubSpot and click "Connect with Fathom" again.');
  }
  return claims;
}

const notConfigured = () =>
  new ConnectFailed('Fathom OAuth not configured', 'This server has no Fathom OAuth app (FATHOM_CLIENT_ID and FATHOM_CLIENT_SECRET). Connect Fathom with an API key in the app settings instead.', 503);

async function requireAdmin(deps: FathomDeps, who: { accountId: string; userId: string }): Promise<void> {
  const role = await withTenant(deps.db, who, async (tx) =>
    (await tx.query<{ role: string | null }>(`SELECT app_user_role() AS role FROM accounts WHERE id = app_account_id() AND status = 'active'`)).rows[0],
  );
  if (!role) throw new ConnectFailed('App not installed', 'The app is no longer installed in this HubSpot portal.', 404);
  if (role.role !== 'admin') throw new ConnectFailed('Admins only', 'Only admins of this HubSpot portal can connect Fathom.', 403);
}

/**
 * Starts the flow from a settings-page link: checks the link and that its user is still an
 * admin, then issues a single-use state (stored as a hash, bound to the account, the admin and
 * a nonce the browser keeps in a cookie) and Fathom's authorize URL carrying it.
 */
export async function beginFathomConnect(
  deps: FathomDeps,
  link: string | undefined,
  now = Date.now(),
): Promise<{ browserNonce: string; redirectUrl: string }> {
  if (!deps.oauth) throw notConfigured();
  const claims = openLink(deps.sealer, link, now);
  const who = { accountId: claims.accountId, userId: claims.userId };
  await requireAdmin(deps, who);
  const state = randomBytes(32).toString('base64url');
  const browserNonce = randomBytes(32).toString('base64url');
  await withTenant(deps.db, who, (tx) =>
    tx.query(
      `INSERT INTO oauth_states (account_id, user_id, provider, state_hash, browser_hash, expires_at)
       VALUES (app_account_id(), app_user_id(), 'fathom', $1, $2, $3)`,
      [sha256(state), sha256(browserNonce), new Date(now + CONNECT_STATE_TTL_MS)],
    ),
  );
  return { browserNonce, redirectUrl: deps.oauth.authorizeUrl(state) };
}

// Fathom's `error` values an admin can meet; anything else gets a generic sentence, so nothing
// from the query string is ever shown back.
const FATHOM_ERRORS: Record<string, string> = {
  access_denied: 'Access was not granted in Fathom, so Fathom was not connected.',
  invalid_scope: 'Fathom refused the permission this app asks for.',
  server_error: 'Fathom had a problem finishing the connection.',
  temporarily_unavailable: 'Fathom is temporarily unavailable.',
};

const STATE_PROBLEMS: Record<string, [title: string, message: string]> = {
  unknown: ['Unknown state', 'This link was not issued by this app. Start again from the app settings in HubSpot.'],
  reused: ['Link already used', 'This link was already used. Start again from the app settings in HubSpot.'],
  expired: ['Link expired', 'The connection took longer than 10 minutes. Start again from the app settings in HubSpot.'],
  'other-browser': ['Different browser', 'The connection was started in another browser, or its cookie was lost. Start again in this browser.'],
};

/**
 * Finishes the flow: spends the state (known, unused, unexpired, same browser), checks the
 * admin again, exchanges the code, then replaces the account's Fathom connection with the
 * tokens (webhook registered, tokens and secret sealed). Nothing is stored when a step fails.
 */
export async function completeFathomConnect(
  deps: FathomDeps,
  input: { code?: string | undefined; state?: string | undefined; error?: string | undefined; browserNonce?: string | undefined },
): Promise<{ accountId: string; connectionId: string }> {
  const oauth = deps.oauth;
  if (!oauth) throw notConfigured();
  if (input.error) throw new ConnectFailed('Fathom did not grant access', FATHOM_ERRORS[input.error] ?? 'Fathom ended the connection with an error.');
  if (!input.state) throw new ConnectFailed('Missing state', 'The link has no state parameter. Start again from the app settings in HubSpot.');
  if (!input.code) throw new ConnectFailed('Missing code', 'Fathom sent no authorization code. Start again from the app settings in HubSpot.');
  const state = input.state;

  type Verdict = { problem: keyof typeof STATE_PROBLEMS; who?: never } | { problem?: never; who: { accountId: string; userId: string } };
  const verdict = await withSystem(deps.db, async (tx): Promise<Verdict> => {
    const row = (await tx.query<{ id: string; account_id: string; user_id: string; browser_hash: string | null; consumed: boolean; expired: boolean }>(
      `SELECT id, account_id, user_id, browser_hash, consumed_at IS NOT NULL AS consumed, expires_at <= now() AS expired
         FROM oauth_states WHERE provider = 'fathom' AND state_hash = $1 FOR UPDATE`,
      [sha256(state)],
    )).rows[0];
    if (!row) return { problem: 'unknown' };
    if (row.consumed) return { problem: 'reused' };
    // The state is spent by this attempt whatever happens next: a state works once.
    await tx.query('UPDATE oauth_states SET consumed_at = now() WHERE id = $1', [row.id]);
    if (row.expired) return { problem: 'expired' };
    if (!input.browserNonce || row.browser_hash !== sha256(input.browserNonce)) return { problem: 'other-browser' };
    return { who: { accountId: row.account_id, userId: row.user_id } };
  });
  if (!verdict.who) {
    const [title, message] = STATE_PROBLEMS[verdict.problem]!;
    throw new ConnectFailed(title, message);
  }
  const who = verdict.who;
  await requireAdmin(deps, who);

  let tokens;
  try {
    tokens = await oauth.exchangeCode(input.code);
  } catch (error) {
    if (oauth.isInvalidGrant(error)) {
      throw new ConnectFailed('Fathom refused the code', 'Fathom did not accept the authorization code (it may have been used or expired). Start again from the app settings in HubSpot.');
    }
    throw new ConnectFailed('Fathom unreachable', error instanceof UpstreamFailed ? error.message : 'Fathom could not be reached to finish the connection. Try again in a minute.', 502);
  }
  let connectionId: string;
  try {
    ({ connectionId } = await replaceFathomConnection(deps, who, { kind: 'oauth', tokens }));
  } catch (error) {
    // Fathom's errors carry a secret-free message that says which call failed and why.
    if (!(error instanceof FathomError)) throw error;
    throw new ConnectFailed('Fathom could not finish', `${error.message} Nothing was saved; start again from the app settings in HubSpot.`, 502);
  }
  return { accountId: who.accountId, connectionId };
}

/** What the settings page offers for connecting with OAuth: the link, or why there is none. */
export type OAuthOffer = { available: true; connectUrl: string; expiresInSeconds: number } | { available: false; reason: string };

export function oauthOffer(deps: FathomDeps, who: { accountId: string; userId: string }): OAuthOffer {
  if (!deps.oauth) {
    return {
      available: false,
      reason: 'Connecting with a Fathom login is not set up on this server (FATHOM_CLIENT_ID and FATHOM_CLIENT_SECRET), so connect Fathom with an API key.',
    };
  }
  return { available: true, connectUrl: connectLink(deps.sealer, deps.publicBaseUrl, who), expiresInSeconds: CONNECT_LINK_TTL_MS / 1000 };
}
