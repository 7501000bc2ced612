import type { OAuthOffer } from '../../../../hubspot-app/app/packages/ui-shared/types.ts';
import { withTenant } from '../../db/tenancy.ts';
import { UpstreamFailed } from '../../errors.ts';
import { FathomError } from '../errors.ts';
import {
  acceptCallback,
  FlowFailed,
  spendOrFail,
  type CallbackInput,
  type CallbackWords,
} from '../../oauth/callback.ts';
import { isToken, issueState, newToken, spendAtFirstSight, STATE_TTL_MS } from '../../oauth/states.ts';
import { replaceFathomConnection } from './connection.ts';
import type { FathomDeps } from './types.ts';
import type { Sealer } from '../../crypto/sealer.ts';

/** How long the settings page's "Connect with Fathom" link works. */
export const CONNECT_LINK_TTL_MS = 10 * 60_000;

const LINK_CONTEXT = 'fathom-oauth-connect-link';

/** Why connecting Fathom failed, in words for the admin; the HTTP layer shows it on a page. */
export class ConnectFailed extends FlowFailed {
  constructor(title: string, message: string, status = 400) {
    super('connect_failed', title, message, status);
  }
}

/** `since`: the admin's "Import calls since" day (YYYY-MM-DD) when he chose one before connecting. */
type LinkClaims = { accountId: string; userId: string; expiresAt: number; nonce: string; since?: string };
type Who = { accountId: string; userId: string };

// The purposes of this flow's other tokens in oauth_states: a link nonce or a confirmation can
// never be played as a state, nor a state as a confirmation.
const LINK = 'fathom-link';
const CONFIRMATION = 'fathom-confirm';

/**
 * The short-lived link the settings page opens to start Fathom's OAuth flow. HubSpot's signed
 * requests cannot open a browser flow, so the signed settings request hands out this link: the
 * admin's account and user and a one-time nonce, sealed with the token cipher (AES-GCM: nobody
 * can read or forge it). Nothing is stored when it is made (reading the settings writes nothing);
 * the nonce is stored, hashed, when the link is first opened, and a second opening is refused.
 */
export function connectLink(
  sealer: Sealer,
  publicBaseUrl: string,
  who: Who,
  now = Date.now(),
  since?: string | undefined,
): string {
  const claims: LinkClaims = {
    accountId: who.accountId,
    userId: who.userId,
    expiresAt: now + CONNECT_LINK_TTL_MS,
    nonce: newToken(),
    ...(since ? { since } : {}),
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
  if (!isToken(claims.nonce)) throw broken;
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
  const browserNonce = newToken();
  const confirmation = await withTenant(deps.db, who, async (tx) => {
    const seen = {
      provider: 'fathom',
      purpose: LINK,
      token: claims.nonce,
      expiresAt: new Date(claims.expiresAt),
    } as const;
    if (!(await spendAtFirstSight(tx, seen))) return undefined;
    const expiresAt = new Date(now + STATE_TTL_MS);
    return issueState(tx, {
      provider: 'fathom',
      purpose: CONFIRMATION,
      browserNonce,
      expiresAt,
      backfillSince: claims.since ?? null,
    });
  });
  if (!confirmation) {
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
  const { browserNonce } = input;
  const spent = { provider: 'fathom', purpose: CONFIRMATION, token: input.confirmation, browserNonce } as const;
  const confirmed = await spendOrFail(deps.db, spent, FATHOM_WORDS.states, ConnectFailed);
  const who = tenantOf(confirmed);
  await requireAdmin(deps, who);
  const state = await withTenant(deps.db, who, (tx) =>
    issueState(tx, {
      provider: 'fathom',
      browserNonce: browserNonce!,
      expiresAt: new Date(now + STATE_TTL_MS),
      backfillSince: confirmed.backfillSince,
    }),
  );
  return { redirectUrl: deps.oauth.authorizeUrl(state) };
}

const FATHOM_WORDS: CallbackWords = {
  errors: {
    access_denied: 'Access was not granted in Fathom, so Fathom was not connected.',
    invalid_scope: 'Fathom refused the permission this app asks for.',
    server_error: 'Fathom had a problem finishing the connection.',
    temporarily_unavailable: 'Fathom is temporarily unavailable.',
  },
  deniedTitle: 'Fathom did not grant access',
  otherError: 'Fathom ended the connection with an error.',
  missingState: 'The link has no state parameter. Start again from the app settings in HubSpot.',
  missingCode: 'Fathom sent no authorization code. Start again from the app settings in HubSpot.',
  states: {
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
  },
};

// Every Fathom token is issued inside its admin's tenant, so a spent one always names both.
const tenantOf = (spent: { accountId: string | null; userId: string | null }): Who => ({
  accountId: spent.accountId!,
  userId: spent.userId!,
});

/**
 * Finishes the flow: spends the state (known, unused, unexpired, same browser), checks the
 * admin again, exchanges the code, then replaces the account's Fathom connection with the
 * tokens (webhook registered, tokens and secret sealed). Nothing is stored when a step fails.
 */
export async function completeFathomConnect(
  deps: FathomDeps,
  input: CallbackInput,
): Promise<{ accountId: string; connectionId: string }> {
  const oauth = deps.oauth;
  if (!oauth) throw notConfigured();
  const accepted = await acceptCallback(deps.db, 'fathom', input, FATHOM_WORDS, ConnectFailed);
  const who = tenantOf(accepted);
  await requireAdmin(deps, who);

  let tokens;
  try {
    tokens = await oauth.exchangeCode(accepted.code);
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
    const since = accepted.backfillSince ? new Date(`${accepted.backfillSince}T00:00:00Z`) : undefined;
    ({ connectionId } = await replaceFathomConnection(deps, who, { kind: 'oauth', tokens }, since));
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
export function oauthOffer(
  deps: FathomDeps,
  who: { accountId: string; userId: string },
  since?: string | undefined,
): OAuthOffer {
  if (!deps.oauth) {
    return {
      available: false,
      reason:
        'Connecting with a Fathom login is not set up on this server (FATHOM_CLIENT_ID and FATHOM_CLIENT_SECRET), so connect Fathom with an API key.',
    };
  }
  return {
    available: true,
    connectUrl: connectLink(deps.sealer, deps.publicBaseUrl, who, Date.now(), since),
    expiresInSeconds: CONNECT_LINK_TTL_MS / 1000,
  };
}
