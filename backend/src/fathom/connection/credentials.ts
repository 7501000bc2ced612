import { withTenant } from '../../db/tenancy.ts';
import { Conflict, NotConfigured } from '../../errors.ts';
import type { FathomClient } from '../client.ts';
import type { CredentialsProvider } from '../request.ts';
import type { ConnectionRow, FathomDeps, NewFathomCredentials } from './types.ts';
import { FATHOM_NOT_CONNECTED } from './tokens.ts';
import { sealContext, type Sealer } from '../../crypto/sealer.ts';

/** The API key of a connection, decrypted in memory only for the call that needs it. */
export function openApiKey(sealer: Sealer, row: Pick<ConnectionRow, 'account_id' | 'key_id' | 'api_key_enc'>): string {
  return sealer.decrypt(row.key_id!, row.api_key_enc!, sealContext(row.account_id, 'fathom', 'api_key'));
}

/**
 * How calls on an existing connection authenticate: its API key, or its OAuth access token,
 * refreshed when it is due or when Fathom refused it (the client asks again after a 401).
 */
export function connectionCredentials(
  deps: Pick<FathomDeps, 'sealer' | 'tokens'>,
  row: Pick<ConnectionRow, 'account_id' | 'auth_type' | 'key_id' | 'api_key_enc'>,
): CredentialsProvider {
  if (row.auth_type === 'api_key') {
    const apiKey = openApiKey(deps.sealer, row);
    return () => ({ kind: 'apiKey', apiKey });
  }
  const tokens = deps.tokens;
  if (!tokens)
    throw new NotConfigured(
      'This portal connected Fathom with OAuth, but FATHOM_CLIENT_ID and FATHOM_CLIENT_SECRET are not set on the server.',
    );
  let last: string | undefined;
  return async ({ rejected }) => {
    last = await tokens.accessToken(row.account_id, rejected && last ? { rejected: last } : {});
    return { kind: 'bearer', accessToken: last };
  };
}

/** How calls with credentials not stored yet (being checked or connected) authenticate. */
export const credentialsOf = (credentials: NewFathomCredentials): CredentialsProvider =>
  credentials.kind === 'api_key'
    ? () => ({ kind: 'apiKey', apiKey: credentials.apiKey })
    : () => ({ kind: 'bearer', accessToken: credentials.tokens.accessToken });

/**
 * A client for the account's active Fathom connection, paced by that connection's budget;
 * `onRetry` hears of each call it retried. Conflict when Fathom is not connected.
 */
export async function fathomClientOf(
  deps: FathomDeps,
  accountId: string,
  onRetry?: (cause: string) => void,
): Promise<{ client: FathomClient; authType: ConnectionRow['auth_type'] }> {
  const row = await withTenant(
    deps.db,
    { accountId },
    async (tx) =>
      (await tx.query<ConnectionRow>(`SELECT * FROM get_fathom_connection() WHERE status = 'active'`)).rows[0],
  );
  if (!row || (!row.api_key_enc && !row.access_token_enc)) throw new Conflict(FATHOM_NOT_CONNECTED);
  const client = deps.fathomClient(connectionCredentials(deps, row), {
    limiterKey: row.id,
    ...(onRetry ? { onRetry } : {}),
  });
  return { client, authType: row.auth_type };
}
