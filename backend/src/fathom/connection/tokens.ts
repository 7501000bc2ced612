import type { Database, Queryable } from '../../db/database.ts';
import { Conflict } from '../../errors.ts';
import type { FathomOAuth } from '../oauth.ts';
import { oauthTokens, type OAuthTokens, type TokenRow } from '../../oauth/oauthTokens.ts';
import { sealContext, type Sealer } from '../../crypto/sealer.ts';
import type { TokenSet } from '../../oauth/tokenEndpoint.ts';

export const FATHOM_NOT_CONNECTED =
  'Fathom is not connected for this portal: an admin connects it in the app settings.';

/** The sealed columns of a Fathom OAuth token set, ready for save_fathom_connection or an UPDATE. */
export function sealFathomTokens(sealer: Sealer, accountId: string, tokens: TokenSet, now = Date.now()) {
  const access = sealer.encrypt(tokens.accessToken, sealContext(accountId, 'fathom', 'access_token'));
  const refresh = sealer.encrypt(tokens.refreshToken, sealContext(accountId, 'fathom', 'refresh_token'));
  return {
    keyId: access.keyId,
    access: access.ciphertext,
    refresh: refresh.ciphertext,
    expiresAt: new Date(now + tokens.expiresInSeconds * 1000),
  };
}

/**
 * Replaces the token pair of a locked Fathom connection row. A row has one key id for all its
 * sealed columns, so the webhook secret is sealed again under the key the new tokens use.
 */
async function saveRefreshedTokens(
  tx: Queryable,
  sealer: Sealer,
  row: TokenRow,
  tokens: TokenSet,
  now: number,
): Promise<void> {
  const sealed = sealFathomTokens(sealer, row.account_id, tokens, now);
  const secretContext = sealContext(row.account_id, 'fathom', 'webhook_secret');
  const secret = row.webhook_secret_enc
    ? sealer.encrypt(sealer.decrypt(row.key_id!, row.webhook_secret_enc, secretContext), secretContext)
    : null;
  if (secret && secret.keyId !== sealed.keyId) throw new Error('the token cipher changed keys between two seals');
  await tx.query(
    `UPDATE api_connections
        SET key_id = $2, access_token_enc = $3, refresh_token_enc = $4, expires_at = $5, webhook_secret_enc = $6,
            last_error = NULL, updated_at = now()
      WHERE account_id = app_account_id() AND id = $1`,
    [row.id, sealed.keyId, sealed.access, sealed.refresh, sealed.expiresAt, secret?.ciphertext ?? null],
  );
}

/** Access tokens of each account's Fathom OAuth connection (see oauthTokens for the refresh rules). */
export function fathomTokens(deps: {
  db: Database;
  sealer: Sealer;
  oauth: FathomOAuth;
  now?: () => number;
}): OAuthTokens {
  const now = deps.now ?? Date.now;
  return oauthTokens({
    db: deps.db,
    sealer: deps.sealer,
    provider: 'fathom',
    refresh: (refreshToken) => deps.oauth.refresh(refreshToken),
    isInvalidGrant: (error) => deps.oauth.isInvalidGrant(error),
    save: (tx, row, tokens) => saveRefreshedTokens(tx, deps.sealer, row, tokens, now()),
    missing: () => new Conflict(FATHOM_NOT_CONNECTED),
    now,
  });
}
