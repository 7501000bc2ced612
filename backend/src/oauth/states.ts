import { createHash, randomBytes } from 'node:crypto';
import type { Database, Queryable } from '../db/database.ts';
import { withSystem } from '../db/tenancy.ts';

export type OAuthProvider = 'hubspot' | 'fathom';

/** How long a state (and the browser cookie it is bound to) works. */
export const STATE_TTL_MS = 10 * 60_000;

/** Every token of the browser flows (state, browser nonce, link nonce, confirmation): 32 random bytes, base64url. */
export const newToken = () => randomBytes(32).toString('base64url');

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** True for a value of newToken's form; anything else is refused before a lookup. */
export const isToken = (value: unknown): value is string => typeof value === 'string' && TOKEN.test(value);

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

// What oauth_states keeps of a token: its hash, apart by purpose, so that a token issued for one
// purpose (a Fathom confirmation) is never accepted as another's (a state). OAuth states have no
// purpose prefix.
const stateHash = (token: string, purpose: string | undefined) => sha256(purpose ? `${purpose}:${token}` : token);

export type Issue = {
  provider: OAuthProvider;
  /** Kept apart from the other kinds of token; none for the OAuth state itself. */
  purpose?: string;
  /** The nonce the browser keeps in a cookie; spending then needs the same one back. */
  browserNonce: string;
  expiresAt: Date;
  /** A Fathom connection's "Import calls since" day (YYYY-MM-DD), carried to the next token. */
  backfillSince?: string | null | undefined;
};

/**
 * Stores a new single-use token, hashed, for the tenant and user of the transaction (none in a
 * system transaction: HubSpot's install comes before its account exists), and returns it.
 */
export async function issueState(tx: Queryable, issue: Issue): Promise<string> {
  const token = newToken();
  await tx.query(
    `INSERT INTO oauth_states (account_id, user_id, provider, state_hash, browser_hash, expires_at, backfill_since)
     VALUES (app_account_id(), app_user_id(), $1, $2, $3, $4, $5)`,
    [
      issue.provider,
      stateHash(token, issue.purpose),
      sha256(issue.browserNonce),
      issue.expiresAt,
      issue.backfillSince ?? null,
    ],
  );
  return token;
}

/**
 * Records a token made elsewhere (a sealed link's nonce) as spent at its first sighting, for the
 * tenant of the transaction. False when it was seen before.
 */
export async function spendAtFirstSight(
  tx: Queryable,
  seen: { provider: OAuthProvider; purpose: string; token: string; expiresAt: Date },
): Promise<boolean> {
  const inserted = await tx.query(
    `INSERT INTO oauth_states (account_id, user_id, provider, state_hash, expires_at, consumed_at)
     VALUES (app_account_id(), app_user_id(), $1, $2, $3, now())
     ON CONFLICT (state_hash) DO NOTHING RETURNING id`,
    [seen.provider, stateHash(seen.token, seen.purpose), seen.expiresAt],
  );
  return inserted.rowCount > 0;
}

/** Why a token could not be spent. */
export type StateProblem = 'unknown' | 'reused' | 'expired' | 'other-browser';

export type Spent =
  | { problem: StateProblem }
  | { problem?: never; accountId: string | null; userId: string | null; backfillSince: string | null };

/**
 * Spends a token: it must be known for this provider and purpose, unused, unexpired and come back
 * with the browser's nonce. It is spent by this attempt whatever happens next: each works once.
 * Answers whom it was issued for (no one for a HubSpot install state).
 */
export async function spendState(
  db: Database,
  spend: { provider: OAuthProvider; purpose?: string; token: string | undefined; browserNonce: string | undefined },
): Promise<Spent> {
  const { token, browserNonce } = spend;
  if (!isToken(token)) return { problem: 'unknown' };
  return withSystem(db, async (tx): Promise<Spent> => {
    const row = (
      await tx.query<{
        id: string;
        account_id: string | null;
        user_id: string | null;
        browser_hash: string | null;
        consumed: boolean;
        expired: boolean;
        backfill_since: string | null;
      }>(
        `SELECT id, account_id, user_id, browser_hash, consumed_at IS NOT NULL AS consumed, expires_at <= now() AS expired,
                to_char(backfill_since, 'YYYY-MM-DD') AS backfill_since
         FROM oauth_states WHERE provider = $1 AND state_hash = $2 FOR UPDATE`,
        [spend.provider, stateHash(token, spend.purpose)],
      )
    ).rows[0];
    if (!row) return { problem: 'unknown' };
    if (row.consumed) return { problem: 'reused' };
    await tx.query('UPDATE oauth_states SET consumed_at = now() WHERE id = $1', [row.id]);
    if (row.expired) return { problem: 'expired' };
    if (!browserNonce || row.browser_hash !== sha256(browserNonce)) return { problem: 'other-browser' };
    return { accountId: row.account_id, userId: row.user_id, backfillSince: row.backfill_since };
  });
}

/** Deletes the states that expired more than a day ago (needs a system transaction to see them all). */
export async function forgetOldStates(tx: Queryable): Promise<void> {
  await tx.query(`DELETE FROM oauth_states WHERE expires_at < now() - interval '1 day'`);
}
