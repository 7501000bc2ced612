import type { Database, Queryable } from '../db/database.ts';
import { NotInstalled } from '../errors.ts';
import type { HubSpotOAuth, HubSpotTokenSet } from './oauthPort.ts';
import { oauthTokens, type OAuthTokens } from '../oauth/oauthTokens.ts';
import { sealContext, type Sealer } from '../crypto/sealer.ts';

/** Seals and stores a token set as the current tenant's HubSpot connection (save_hubspot_connection). */
export async function saveHubSpotTokens(
  tx: Queryable,
  sealer: Sealer,
  accountId: string,
  tokens: HubSpotTokenSet,
  extra: { scopes: string[]; installingUserId: string | null },
): Promise<void> {
  const access = sealer.encrypt(tokens.accessToken, sealContext(accountId, 'hubspot', 'access_token'));
  const refresh = sealer.encrypt(tokens.refreshToken, sealContext(accountId, 'hubspot', 'refresh_token'));
  await tx.query(`SELECT id FROM save_hubspot_connection($1, $2, $3, $4, $5, $6)`, [
    access.keyId,
    access.ciphertext,
    refresh.ciphertext,
    new Date(Date.now() + tokens.expiresInSeconds * 1000),
    extra.scopes,
    extra.installingUserId,
  ]);
}

/** Access tokens of each account's HubSpot connection (see oauthTokens for the refresh rules). */
export function hubspotTokens(deps: {
  db: Database;
  sealer: Sealer;
  oauth: HubSpotOAuth;
  now?: () => number;
}): OAuthTokens {
  return oauthTokens({
    db: deps.db,
    sealer: deps.sealer,
    provider: 'hubspot',
    refresh: (refreshToken) => deps.oauth.refresh(refreshToken),
    isInvalidGrant: (error) => deps.oauth.isInvalidGrant(error),
    save: (tx, row, tokens) =>
      saveHubSpotTokens(tx, deps.sealer, row.account_id, tokens, {
        scopes: row.scopes,
        installingUserId: row.external_user_id,
      }),
    missing: () => new NotInstalled(),
    ...(deps.now ? { now: deps.now } : {}),
  });
}

export type HubSpotTokens = OAuthTokens;
