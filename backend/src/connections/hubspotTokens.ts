import type { Database, Queryable } from '../db/database.ts';
import { withTenant } from '../db/tenancy.ts';
import { NeedsReauth, NotInstalled } from '../errors.ts';
import type { HubSpotOAuth, HubSpotTokenSet } from './hubspotOAuthPort.ts';
import { sealContext, type Sealer } from './sealer.ts';

// Refresh this long before HubSpot's expiry, so a token never dies in the middle of a call.
const REFRESH_AHEAD_MS = 5 * 60_000;

type Row = {
  id: string;
  account_id: string;
  status: string;
  key_id: string | null;
  access_token_enc: Buffer | null;
  refresh_token_enc: Buffer | null;
  expires_at: Date | null;
  scopes: string[];
  external_user_id: string | null;
};

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

/**
 * Access tokens of each account's HubSpot connection, refreshed ahead of expiry. A refresh is
 * single-flight: one promise per account in this process, and a row lock across processes, so
 * 50 callers at once cause exactly one call to HubSpot. A refresh HubSpot answers with
 * invalid_grant (the app was uninstalled or access revoked) marks the connection needs_reauth.
 */
export function hubspotTokens(deps: { db: Database; sealer: Sealer; oauth: HubSpotOAuth; now?: () => number }) {
  const now = deps.now ?? Date.now;
  const inFlight = new Map<string, Promise<string>>();

  const open = (row: Row, column: 'access_token' | 'refresh_token') =>
    deps.sealer.decrypt(row.key_id!, (column === 'access_token' ? row.access_token_enc : row.refresh_token_enc)!, sealContext(row.account_id, 'hubspot', column));

  const fresh = (row: Row) => row.expires_at !== null && row.expires_at.getTime() - now() > REFRESH_AHEAD_MS;

  async function refreshed(accountId: string): Promise<string> {
    const outcome = await withTenant(deps.db, { accountId }, async (tx) => {
      // The lock makes other processes wait here, then find the token this one stored.
      const row = (await tx.query<Row>(`SELECT * FROM api_connections WHERE account_id = app_account_id() AND provider = 'hubspot' FOR UPDATE`)).rows[0];
      if (!row) return { kind: 'missing' as const };
      if (row.status === 'needs_reauth') return { kind: 'revoked' as const };
      if (fresh(row)) return { kind: 'token' as const, token: open(row, 'access_token') };
      try {
        const tokens = await deps.oauth.refresh(open(row, 'refresh_token'));
        await saveHubSpotTokens(tx, deps.sealer, accountId, tokens, { scopes: row.scopes, installingUserId: row.external_user_id });
        return { kind: 'token' as const, token: tokens.accessToken };
      } catch (error) {
        if (!deps.oauth.isInvalidGrant(error)) throw error;
        await tx.query(
          `UPDATE api_connections SET status = 'needs_reauth', last_error = 'HubSpot refused the refresh token (invalid_grant)', updated_at = now()
            WHERE account_id = app_account_id() AND id = $1`,
          [row.id],
        );
        return { kind: 'revoked' as const };
      }
    });
    if (outcome.kind === 'missing') throw new NotInstalled();
    if (outcome.kind === 'revoked') throw new NeedsReauth('hubspot');
    return outcome.token;
  }

  return {
    /** A valid access token for the account's HubSpot connection. */
    async accessToken(accountId: string): Promise<string> {
      const row = await withTenant(deps.db, { accountId }, async (tx) =>
        (await tx.query<Row>(`SELECT * FROM get_hubspot_connection()`)).rows[0],
      );
      if (!row) throw new NotInstalled();
      if (row.status === 'needs_reauth') throw new NeedsReauth('hubspot');
      if (fresh(row)) return open(row, 'access_token');
      let pending = inFlight.get(accountId);
      if (!pending) {
        pending = refreshed(accountId).finally(() => inFlight.delete(accountId));
        inFlight.set(accountId, pending);
      }
      return pending;
    },
  };
}

export type HubSpotTokens = ReturnType<typeof hubspotTokens>;
