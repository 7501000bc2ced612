import { createHash, randomBytes } from 'node:crypto';
import type { OAuthOffer } from '../../../hubspot-app/app/packages/ui-shared/types.ts';
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

type LinkClaims = { accountId: string; userId: string; expiresAt: number; nonce: string };
type Who = { accountId: string; userId: string };

// Every token of this flow (link nonce, confirmation, state, browser nonce) is 32 random bytes in
// base64url; anything else is refused before a lookup.
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const token = () => randomBytes(32).toString('base64url');
// The hashes stored in oauth_states, apart by purpose: a confirmation token can never be played as
// a state, nor a state as a confirmation (the OAuth state keeps the plain hash the callback uses).
const linkHash = (nonce: string) => sha256(`fathom-link:${nonce}`);
const confirmHash = (confirmation: string) => sha256(`fathom-confirm:${confirmation}`);

/**
 * The short-lived link the settings page opens to start Fathom's OAuth flow. HubSpot's signed
 * requests cannot open a browser flow, so the signed settings request hands out this link: the
 * admin's account and user and a one-time nonce, sealed with the token cipher (AES-GCM: nobody
 * can read or forge it). Nothing is stored when it is made (reading the settings writes nothing);
 * the nonce is stored, hashed, when the link is first opened, and a second opening is refused.
 */
export function connectLink(sealer: Sealer, publicBaseUrl: string, who: Who, now = Date.now()): string {
  const claims: LinkClaims = {
    accountId: who.accountId,
    userId: who.userId,
    expiresAt: now + CONNECT_LINK_TTL_MS,
    nonce: token(),
  };
  const sealed = sealer.encrypt(JSON.stringify(claims), LINK_CONTEXT);
  const url = new URL(`${publicBaseUrl}/oauth/fathom/start`);
  url.searchParams.set('link', `${sealed.keyId}.${sealed.ciphertext.toString('base64url')}`);
  return url.toString();
}

function openLink(sealer: Sealer, link: string | undefined, now: number): LinkClaims {
  const broken = new ConnectFailed(
    'Link not valid',
    'This link was not made by this app. Open the app settings in HubSpot and click "Connect with Fathom" again.',
  );
  const [keyId, ciphertext, ...rest] = (link ?? '').split('.');
  if (!keyId || !ciphertext || rest.length) throw broken;
  let claims: LinkClaims;
  try {
    claims = JSON.parse(sealer.decrypt(keyId, Buffer.from(ciphertext, 'base64url'), LINK_CONTEXT)) as LinkClaims;
  } catch {
    throw broken;
  }
  if (typeof claims.nonce !== 'string' || !TOKEN.test(claims.nonce)) throw broken;
  if (!(claims.expiresAt > now)) {
    throw new ConnectFailed(
      'Link expired',
      'This link expired (links last 10 minutes). Open the app settings in HubSpot and click "Connect with Fathom" again.',
    );
  }
  return claims;
}

const notConfigured = () =>
  new ConnectFailed(
    'Fathom OAuth not configured',
    'This server has no Fathom OAuth app (FATHOM_CLIENT_ID and FATHOM_CLIENT_SECRET). Connect Fathom with an API key in the app settings instead.',
    503,
  );

/** The portal and the admin a connection is made for, as the confirmation page names them. */
export type ConnectingAs = { hubId: number; portalName: string | null; adminEmail: string };

async function requireAdmin(deps: FathomDeps, who: Who): Promise<ConnectingAs> {
  const row = await withTenant(
    deps.db,
    who,
    async (tx) =>
      (
        await tx.query<{ role: string | null; hub_id: number; name: string | null; email: string | null }>(
          `SELECT app_user_role() AS role, a.hub_id, a.name,
              (SELECT u.email FROM users u WHERE u.id = app_user_id()) AS email
         FROM accounts a WHERE a.id = app_account_id() AND a.status = 'active'`,
        )
      ).rows[0],
  );
  if (!row) throw new ConnectFailed('App not installed', 'The app is no longer installed in this HubSpot portal.', 404);
  if (row.role !== 'admin' || !row.email) {
    throw new ConnectFailed('Admins only', 'Only admins of this HubSpot portal can connect Fathom.', 403);
  }
  return { hubId: Number(row.hub_id), portalName: row.name, adminEmail: row.email };
}

/**
 * Opens a settings-page link, once: checks the link and that its user is still an admin, spends
 * the link's nonce (a second opening, in any browser, is refused), and issues a single-use
 * confirmation token bound to this browser (a nonce the browser keeps in a cookie). The browser
 * is not sent to Fathom yet: the admin first sees which portal, and as whom, he is connecting.
 */
export async function openFathomConnect(
  deps: FathomDeps,
  link: string | undefined,
  now = Date.now(),
): Promise<{ browserNonce: string; confirmation: string; connectingAs: ConnectingAs }> {
  if (!deps.oauth) throw notConfigured();
  const claims = openLink(deps.sealer, link, now);
  const who = { accountId: claims.accountId, userId: claims.userId };
  const connectingAs = await requireAdmin(deps, who);
  const confirmation = token();
  const browserNonce = token();
  const spent = await withTenant(deps.db, who, async (tx) => {
    const first = (
      await tx.query(
        `INSERT INTO oauth_states (account_id, user_id, provider, state_hash, expires_at, consumed_at)
       VALUES (app_account_id(), app_user_id(), 'fathom', $1, $2, now())
       ON CONFLICT (state_hash) DO NOTHING RETURNING id`,
        [linkHash(claims.nonce), new Date(claims.expiresAt)],
      )
    ).rowCount;
    if (!first) return false;
    await tx.query(
      `INSERT INTO oauth_states (account_id, user_id, provider, state_hash, browser_hash, expires_at)
       VALUES (app_account_id(), app_user_id(), 'fathom', $1, $2, $3)`,
      [confirmHash(confirmation), sha256(browserNonce), new Date(now + CONNECT_STATE_TTL_MS)],
    );
    return true;
  });
  if (!spent) {
    throw new ConnectFailed(
      'Link already used',
      'This link was already opened once. Open the app settings in HubSpot and click "Connect with Fathom" again.',
    );
  }
  return { browserNonce, confirmation, connectingAs };
}

/**
 * The admin confirmed on the page: spends the confirmation (known, unused, unexpired, same
 * browser), checks the admin again, then issues the single-use OAuth state (stored as a hash,
 * bound to the same browser nonce) and Fathom's authorize URL carrying it.
 */
export async function confirmFathomConnect(
  deps: FathomDeps,
  input: { confirmation?: string | undefined; browserNonce?: string | undefined },
  now = Date.now(),
): Promise<{ redirectUrl: string }> {
  if (!deps.oauth) throw notConfigured();
  const who = await spend(deps, input.confirmation ? confirmHash(input.confirmation) : undefined, input.browserNonce);
  await requireAdmin(deps, who);
  const state = token();
  await withTenant(deps.db, who, (tx) =>
    tx.query(
      `INSERT INTO oauth_states (account_id, user_id, provider, state_hash, browser_hash, expires_at)
       VALUES (app_account_id(), app_user_id(), 'fathom', $1, $2, $3)`,
      [sha256(state), sha256(input.browserNonce!), new Date(now + CONNECT_STATE_TTL_MS)],
    ),
  );
  return { redirectUrl: deps.oauth.authorizeUrl(state) };
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
  expired: [
    'Link expired',
    'The connection took longer than 10 minutes. Start again from the app settings in HubSpot.',
  ],
  'other-browser': [
    'Different browser',
    'The connection was started in another browser, or its cookie was lost. Start again in this browser.',
  ],
};

/**
 * Spends one stored token of the flow (a confirmation or a state) found by its hash: it must be
 * known, unused, unexpired and come back with the browser's nonce. It is spent by this attempt
 * whatever happens next: each works once.
 */
async function spend(deps: FathomDeps, hash: string | undefined, browserNonce: string | undefined): Promise<Who> {
  type Verdict = { problem: keyof typeof STATE_PROBLEMS; who?: never } | { problem?: never; who: Who };
  const verdict = await withSystem(deps.db, async (tx): Promise<Verdict> => {
    if (!hash) return { problem: 'unknown' };
    const row = (
      await tx.query<{
        id: string;
        account_id: string;
        user_id: string;
        browser_hash: string | null;
        consumed: boolean;
        expired: boolean;
      }>(
        `SELECT id, account_id, user_id, browser_hash, consumed_at IS NOT NULL AS consumed, expires_at <= now() AS expired
         FROM oauth_states WHERE provider = 'fathom' AND state_hash = $1 FOR UPDATE`,
        [hash],
      )
    ).rows[0];
    if (!row) return { problem: 'unknown' };
    if (row.consumed) return { problem: 'reused' };
    await tx.query('UPDATE oauth_states SET consumed_at = now() WHERE id = $1', [row.id]);
    if (row.expired) return { problem: 'expired' };
    if (!browserNonce || row.browser_hash !== sha256(browserNonce)) return { problem: 'other-browser' };
    return { who: { accountId: row.account_id, userId: row.user_id } };
  });
  if (!verdict.who) {
    const [title, message] = STATE_PROBLEMS[verdict.problem]!;
    throw new ConnectFailed(title, message);
  }
  return verdict.who;
}

/**
 * Finishes the flow: spends the state (known, unused, unexpired, same browser), checks the
 * admin again, exchanges the code, then replaces the account's Fathom connection with the
 * tokens (webhook registered, tokens and secret sealed). Nothing is stored when a step fails.
 */
export async function completeFathomConnect(
  deps: FathomDeps,
  input: {
    code?: string | undefined;
    state?: string | undefined;
    error?: string | undefined;
    browserNonce?: string | undefined;
  },
): Promise<{ accountId: string; connectionId: string }> {
  const oauth = deps.oauth;
  if (!oauth) throw notConfigured();
  if (input.error)
    throw new ConnectFailed(
      'Fathom did not grant access',
      FATHOM_ERRORS[input.error] ?? 'Fathom ended the connection with an error.',
    );
  if (!input.state)
    throw new ConnectFailed(
      'Missing state',
      'The link has no state parameter. Start again from the app settings in HubSpot.',
    );
  if (!input.code)
    throw new ConnectFailed(
      'Missing code',
      'Fathom sent no authorization code. Start again from the app settings in HubSpot.',
    );
  const state = input.state;

  const who = await spend(deps, TOKEN.test(state) ? sha256(state) : undefined, input.browserNonce);
  await requireAdmin(deps, who);

  let tokens;
  try {
    tokens = await oauth.exchangeCode(input.code);
  } catch (error) {
    if (oauth.isInvalidGrant(error)) {
      throw new ConnectFailed(
        'Fathom refused the code',
        'Fathom did not accept the authorization code (it may have been used or expired). Start again from the app settings in HubSpot.',
      );
    }
    throw new ConnectFailed(
      'Fathom unreachable',
      error instanceof UpstreamFailed
        ? error.message
        : 'Fathom could not be reached to finish the connection. Try again in a minute.',
      502,
    );
  }
  let connectionId: string;
  try {
    ({ connectionId } = await replaceFathomConnection(deps, who, { kind: 'oauth', tokens }));
  } catch (error) {
    // Fathom's errors carry a secret-free message that says which call failed and why.
    if (!(error instanceof FathomError)) throw error;
    throw new ConnectFailed(
      'Fathom could not finish',
      `${error.message} Nothing was saved; start again from the app settings in HubSpot.`,
      502,
    );
  }
  return { accountId: who.accountId, connectionId };
}

/** What the settings page offers for connecting with OAuth: the link, or why there is none. */
export function oauthOffer(deps: FathomDeps, who: { accountId: string; userId: string }): OAuthOffer {
  if (!deps.oauth) {
    return {
      available: false,
      reason:
        'Connecting with a Fathom login is not set up on this server (FATHOM_CLIENT_ID and FATHOM_CLIENT_SECRET), so connect Fathom with an API key.',
    };
  }
  return {
    available: true,
    connectUrl: connectLink(deps.sealer, deps.publicBaseUrl, who),
    expiresInSeconds: CONNECT_LINK_TTL_MS / 1000,
  };
}
