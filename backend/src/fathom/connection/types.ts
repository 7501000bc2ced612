import type { Database } from '../../db/database.ts';
import type { Logger } from '../../logger.ts';
import type { Sealer } from '../../crypto/sealer.ts';
import type { OAuthTokens } from '../../oauth/oauthTokens.ts';
import type { TokenSet } from '../../oauth/tokenEndpoint.ts';
import type { FathomClient } from '../client.ts';
import type { FathomOAuth } from '../oauth.ts';
import type { CredentialsProvider } from '../request.ts';

// The types every file of the Fathom connection shares. Only type imports, and none from this
// folder, so the files that use them never import each other for a type.

export type FathomDeps = {
  db: Database;
  sealer: Sealer;
  /**
   * A Fathom client for given credentials (config's FATHOM_API_BASE). Calls of a stored connection
   * pass its id as `limiterKey`, so all its clients share Fathom's per-connection budget;
   * `onRetry` hears of each retried call.
   */
  fathomClient: (
    credentials: CredentialsProvider,
    options?: { limiterKey?: string; onRetry?: (cause: string) => void },
  ) => FathomClient;
  /** Fathom OAuth and its token store; undefined unless FATHOM_CLIENT_ID and FATHOM_CLIENT_SECRET are set. */
  oauth: FathomOAuth | undefined;
  tokens: OAuthTokens | undefined;
  publicBaseUrl: string;
  logger: Logger;
};

/** What a new or replaced connection authenticates with. */
export type NewFathomCredentials = { kind: 'api_key'; apiKey: string } | { kind: 'oauth'; tokens: TokenSet };

export type ConnectionRow = {
  id: string;
  account_id: string;
  auth_type: 'api_key' | 'oauth';
  status: 'active' | 'needs_reauth' | 'revoked' | 'error';
  key_id: string | null;
  api_key_enc: Buffer | null;
  access_token_enc: Buffer | null;
  refresh_token_enc: Buffer | null;
  webhook_id: string | null;
  webhook_secret_enc: Buffer | null;
  last_synced_at: Date | null;
  last_error: string | null;
  backfill_since: Date | null;
  backfill_completed_at: Date | null;
};
