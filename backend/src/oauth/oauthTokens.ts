import type { Database, Queryable } from '../db/database.ts';
import { withTenant } from '../db/tenancy.ts';
import { NeedsReauth } from '../errors.ts';
import { sealContext, type Sealer } from '../crypto/sealer.ts';
import type { TokenSet } from './tokenEndpoint.ts';

// Refresh this long before the provider's expiry, so a token never dies in the middle of a call,
// and a refresh that fails for a passing reason still leaves a working token behind.
const REFRESH_AHEAD_MS = 5 * 60_000;
// After a refresh failed for a passing reason, calls go on with the current token for this long
// before the next attempt, instead of each call waiting on a token endpoint that is down.
const RETRY_REFRESH_AFTER_MS = 60_000;

/** The columns of an OAuth connection row the token store reads. */
export type TokenRow = {
  id: string;
  account_id: string;
  status: string;
  key_id: string | null;
  access_token_enc: Buffer | null;
  refresh_token_enc: Buffer | null;
  webhook_secret_enc: Buffer | null;
  expires_at: Date | null;
  scopes: string[];
  external_user_id: string | null;
};

export type OAuthTokensOptions = {
  db: Database;
  sealer: Sealer;
  provider: 'hubspot' | 'fathom';
  refresh(refreshToken: string): Promise<TokenSet>;
  isInvalidGrant(error: unknown): boolean;
  /** Stores a refreshed token set, in the transaction that holds the row's lock. */
  save(tx: Queryable, row: TokenRow, tokens: TokenSet): Promise<void>;
  /** The error when the account has no usable connection of this provider. */
  missing(): Error;
  now?: () => number;
};

export type OAuthTokens = {
  /**
   * A valid access token of the account's connection. `rejected` is a token the provider just
   * refused with a 401: it is not returned again, a refresh is forced instead.
   */
  accessToken(accountId: string, options?: { rejected?: string }): Promise<string>;
};

/**
 * Access tokens of one provider's OAuth connections, refreshed ahead of expiry. A refresh is
 * single-flight: one promise per account in this process, and a row lock across processes, so
 * many callers at once cause exactly one call to the token endpoint; whoever waited on the lock
 * finds the token the first one stored. The new token pair is committed in the transaction that
 * holds the lock, so a rotating refresh token is never consumed by two callers. A refresh the
 * provider answers with invalid_grant (access revoked, or the refresh token spent) marks the
 * connection needs_reauth; any other failure leaves it as it was and, while the stored access
 * token has not expired yet, still answers that one (and waits a minute before trying again).
 *
 * A rotated refresh token whose answer is lost (Fathom rotated it, the answer never arrived or
 * we died before committing) cannot be recovered by anyone: the stored access token keeps
 * working until it expires, then the next refresh is refused and the admin must reconnect.
 */
export function oauthTokens(options: OAuthTokensOptions): OAuthTokens {
  const now = options.now ?? Date.now;
  const inFlight = new Map<string, Promise<string>>();
  const retryAfter = new Map<string, number>();
  const { provider } = options;

  const open = (row: TokenRow, column: 'access_token' | 'refresh_token') =>
    options.sealer.decrypt(
      row.key_id!,
      (column === 'access_token' ? row.access_token_enc : row.refresh_token_enc)!,
      sealContext(row.account_id, provider, column),
    );
  const remainingMs = (row: TokenRow) => (row.expires_at ? row.expires_at.getTime() - now() : -1);
  const usable = (row: TokenRow) =>
    row.status === 'active' && row.access_token_enc !== null && row.refresh_token_enc !== null;

  const SELECT = `SELECT * FROM api_connections WHERE account_id = app_account_id() AND provider = $1`;

  async function refreshed(accountId: string, rejected: string | undefined): Promise<string> {
    const outcome = await withTenant(options.db, { accountId }, async (tx) => {
      // The lock makes other processes wait here, then find the token this one stored.
      const row = (await tx.query<TokenRow>(`${SELECT} FOR UPDATE`, [provider])).rows[0];
      if (!row || row.status === 'revoked' || (row.status === 'active' && !usable(row)))
        return { kind: 'missing' as const };
      if (row.status !== 'active') return { kind: 'revoked' as const };
      const current = open(row, 'access_token');
      if (remainingMs(row) > REFRESH_AHEAD_MS && current !== rejected)
        return { kind: 'token' as const, token: current };
      try {
        const tokens = await options.refresh(open(row, 'refresh_token'));
        await options.save(tx, row, tokens);
        retryAfter.delete(accountId);
        return { kind: 'token' as const, token: tokens.accessToken };
      } catch (error) {
        if (options.isInvalidGrant(error)) {
          await tx.query(
            `UPDATE api_connections SET status = 'needs_reauth', last_error = $2, updated_at = now()
              WHERE account_id = app_account_id() AND id = $1`,
            [row.id, `${provider === 'hubspot' ? 'HubSpot' : 'Fathom'} refused the refresh token (invalid_grant)`],
          );
          return { kind: 'revoked' as const };
        }
        if (remainingMs(row) > 0 && current !== rejected) {
          retryAfter.set(accountId, now() + RETRY_REFRESH_AFTER_MS);
          return { kind: 'token' as const, token: current };
        }
        throw error;
      }
    });
    if (outcome.kind === 'missing') throw options.missing();
    if (outcome.kind === 'revoked') throw new NeedsReauth(provider);
    return outcome.token;
  }

  return {
    async accessToken(accountId, { rejected } = {}) {
      const row = await withTenant(
        options.db,
        { accountId },
        async (tx) => (await tx.query<TokenRow>(SELECT, [provider])).rows[0],
      );
      if (!row || row.status === 'revoked' || (row.status === 'active' && !usable(row))) throw options.missing();
      if (row.status !== 'active') throw new NeedsReauth(provider);
      const current = open(row, 'access_token');
      if (remainingMs(row) > REFRESH_AHEAD_MS && current !== rejected) return current;
      if (remainingMs(row) > 0 && current !== rejected && (retryAfter.get(accountId) ?? 0) > now()) return current;
      let pending = inFlight.get(accountId);
      if (!pending) {
        pending = refreshed(accountId, rejected).finally(() => inFlight.delete(accountId));
        inFlight.set(accountId, pending);
      }
      return pending;
    },
  };
}
