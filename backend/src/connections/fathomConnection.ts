import { randomUUID } from 'node:crypto';
import type {
  FathomState,
  FathomStatus as ApiFathomStatus,
} from '../../../hubspot-app/app/packages/ui-shared/types.ts';
import type { Database, Queryable } from '../db/database.ts';
import { withSystem, withTenant } from '../db/tenancy.ts';
import { Forbidden, InvalidInput, NotConfigured } from '../errors.ts';
import type { FathomClient } from '../fathom/client.ts';
import type { CredentialsProvider } from '../fathom/request.ts';
import { FathomAuthRejected } from '../fathom/errors.ts';
import type { FathomOAuth } from '../fathom/oauth.ts';
import type { Logger } from '../logger.ts';
import type { Caller } from '../users/caller.ts';
import { sealFathomTokens } from './fathomTokens.ts';
import type { OAuthTokens } from './oauthTokens.ts';
import { sealContext, type Sealer } from './sealer.ts';
import type { TokenSet } from './tokenEndpoint.ts';

export type FathomDeps = {
  db: Database;
  sealer: Sealer;
  /** A Fathom client for given credentials (config's FATHOM_API_BASE). */
  fathomClient: (credentials: CredentialsProvider) => FathomClient;
  /** Fathom OAuth and its token store; undefined unless FATHOM_CLIENT_ID and FATHOM_CLIENT_SECRET are set. */
  oauth: FathomOAuth | undefined;
  tokens: OAuthTokens | undefined;
  publicBaseUrl: string;
  logger: Logger;
};

/** What a new or replaced connection authenticates with. */
export type NewFathomCredentials = { kind: 'api_key'; apiKey: string } | { kind: 'oauth'; tokens: TokenSet };

/** The connection's state: the API's FathomStatus before the settings routes add the OAuth offer. */
export type FathomStatus = Omit<ApiFathomStatus, 'oauth'>;

export type ConnectionRow = {
  id: string;
  account_id: string;
  auth_type: 'api_key' | 'oauth';
  status: FathomStatus['status'];
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

export const webhookUrl = (publicBaseUrl: string, connectionId: string) =>
  `${publicBaseUrl}/webhooks/fathom/${connectionId}`;

const WEBHOOK_TRIGGERS = [
  'my_recordings',
  'shared_external_recordings',
  'my_shared_with_team_recordings',
  'shared_team_recordings',
] as const;

export async function fathomStatus(db: Database, caller: Caller): Promise<FathomStatus> {
  const row = await withTenant(
    db,
    { accountId: caller.accountId, userId: caller.userId },
    async (tx) => (await tx.query<ConnectionRow>('SELECT * FROM get_fathom_connection()')).rows[0],
  );
  const hasCredentials = !!row && (row.api_key_enc !== null || row.access_token_enc !== null);
  return {
    connected: hasCredentials && row.status === 'active',
    connectionId: row?.id ?? null,
    authType: row?.auth_type ?? null,
    status: row?.status ?? null,
    webhookRegistered: !!row?.webhook_id,
    lastSyncedAt: row?.last_synced_at?.toISOString() ?? null,
    lastError: row?.last_error ?? null,
    backfillSince: row?.backfill_since?.toISOString() ?? null,
    backfillCompletedAt: row?.backfill_completed_at?.toISOString() ?? null,
  };
}

/**
 * Whether new calls arrive, as the cards show it (no secrets, any role). Read from the account
 * row, which a trigger keeps in step with the connection: only admins read api_connections.
 */
export async function fathomSyncState(tx: Queryable): Promise<FathomState> {
  const status = (await tx.query<{ status: string | null }>('SELECT fathom_sync_status() AS status')).rows[0]?.status;
  if (status === 'active') return 'connected';
  return status === 'needs_reauth' || status === 'error' ? 'needs_reauth' : 'not_connected';
}

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

const credentialsOf = (credentials: NewFathomCredentials): CredentialsProvider =>
  credentials.kind === 'api_key'
    ? () => ({ kind: 'apiKey', apiKey: credentials.apiKey })
    : () => ({ kind: 'bearer', accessToken: credentials.tokens.accessToken });

/**
 * Connects (or replaces) the account's Fathom API key: checks it with Fathom, then replaces the
 * connection with it (replaceFathomConnection).
 */
export async function connectFathomApiKey(
  deps: FathomDeps,
  caller: Caller,
  input: { apiKey: string; backfillSince?: Date | undefined },
): Promise<FathomStatus> {
  if (caller.role !== 'admin') throw new Forbidden('Only admins connect Fathom.');
  const credentials: NewFathomCredentials = { kind: 'api_key', apiKey: input.apiKey };
  try {
    await deps.fathomClient(credentialsOf(credentials)).verifyCredentials();
  } catch (error) {
    if (error instanceof FathomAuthRejected) {
      throw new InvalidInput(`Fathom did not accept this API key${error.reason ? `: ${error.reason}` : '.'}`);
    }
    throw error;
  }
  await replaceFathomConnection(
    deps,
    { accountId: caller.accountId, userId: caller.userId },
    credentials,
    input.backfillSince,
  );
  return fathomStatus(deps.db, caller);
}

/**
 * Makes `credentials` the account's Fathom connection: registers a webhook for this connection,
 * then stores credentials and webhook secret sealed, in one transaction, and starts the history
 * again. The previous webhook is removed once the new one is in place. An API key gets whole
 * meetings in its webhooks; an OAuth token may not, so its sync fetches transcripts itself.
 */
export async function replaceFathomConnection(
  deps: FathomDeps,
  tenant: { accountId: string; userId: string },
  credentials: NewFathomCredentials,
  backfillSince?: Date | undefined,
): Promise<{ connectionId: string }> {
  const client = deps.fathomClient(credentialsOf(credentials));
  const previous = await withTenant(
    deps.db,
    tenant,
    async (tx) => (await tx.query<ConnectionRow>('SELECT * FROM get_fathom_connection()')).rows[0],
  );
  const connectionId = previous?.id ?? randomUUID();
  const wholeMeetings = credentials.kind === 'api_key';
  const webhook = await client.createWebhook({
    destinationUrl: webhookUrl(deps.publicBaseUrl, connectionId),
    triggeredFor: [...WEBHOOK_TRIGGERS],
    includeTranscript: wholeMeetings,
    includeSummary: wholeMeetings,
    includeActionItems: true,
    includeCrmMatches: true,
  });

  const secret = deps.sealer.encrypt(webhook.secret, sealContext(tenant.accountId, 'fathom', 'webhook_secret'));
  const apiKey =
    credentials.kind === 'api_key'
      ? deps.sealer.encrypt(credentials.apiKey, sealContext(tenant.accountId, 'fathom', 'api_key'))
      : null;
  const tokens =
    credentials.kind === 'oauth' ? sealFathomTokens(deps.sealer, tenant.accountId, credentials.tokens) : null;
  const saved = await withTenant(deps.db, tenant, async (tx) => {
    await tx.query(
      `INSERT INTO api_connections (id, account_id, provider, auth_type) VALUES ($1, app_account_id(), 'fathom', $2)
       ON CONFLICT (account_id, provider) DO NOTHING`,
      [connectionId, credentials.kind],
    );
    const row = (
      await tx.query<ConnectionRow>(`SELECT * FROM save_fathom_connection($1, $2, $3, $4, $5, $6, $7, $8, NULL)`, [
        credentials.kind,
        secret.keyId,
        apiKey?.ciphertext ?? null,
        tokens?.access ?? null,
        tokens?.refresh ?? null,
        tokens?.expiresAt ?? null,
        webhook.id,
        secret.ciphertext,
      ])
    ).rows[0]!;
    // New credentials start the history again (from the chosen date, when one was given).
    await tx.query(
      `UPDATE api_connections SET backfill_since = $2, backfill_completed_at = NULL, sync_cursor = NULL
        WHERE account_id = app_account_id() AND id = $1`,
      [row.id, backfillSince ?? null],
    );
    return row;
  });
  if (saved.id !== connectionId) {
    // Another admin connected at the same moment; his connection stands, this webhook goes.
    await client.deleteWebhook(webhook.id).catch(() => {});
    throw new InvalidInput(
      'Fathom was being connected by someone else at the same moment; reload and check the status.',
    );
  }

  if (previous?.webhook_id && previous.webhook_id !== webhook.id) {
    await deleteWebhookOf(deps, previous);
  }
  return { connectionId };
}

/**
 * Before an uninstall destroys the credentials: deletes the account's Fathom webhook with the
 * connection's own credentials (best effort), so Fathom stops posting calls for a gone portal.
 */
export async function deleteFathomWebhookOfAccount(deps: FathomDeps, accountId: string): Promise<void> {
  const row = await withTenant(
    deps.db,
    { accountId },
    async (tx) => (await tx.query<ConnectionRow>('SELECT * FROM get_fathom_connection()')).rows[0],
  );
  if (row?.status === 'active') await deleteWebhookOf(deps, row);
}

/** Best effort: deletes a connection's webhook at Fathom with that connection's own credentials. */
async function deleteWebhookOf(deps: FathomDeps, row: ConnectionRow): Promise<void> {
  if (!row.webhook_id || (!row.api_key_enc && !row.access_token_enc) || !row.key_id) return;
  try {
    await deps.fathomClient(connectionCredentials(deps, row)).deleteWebhook(row.webhook_id);
  } catch (error) {
    deps.logger.warn(
      { accountId: row.account_id, err: { message: (error as Error).message } },
      'could not delete a Fathom webhook',
    );
  }
}

/**
 * Disconnects Fathom: deletes the webhook at Fathom while the credentials still work (best
 * effort: a revoked key cannot), then destroys key, tokens and secret. Fathom documents no way
 * to revoke an OAuth grant, so the app stays listed in the user's Fathom settings until removed
 * there; its tokens are gone from here. Synced calls stay until the app is uninstalled.
 */
export async function disconnectFathom(deps: FathomDeps, caller: Caller): Promise<FathomStatus> {
  if (caller.role !== 'admin') throw new Forbidden('Only admins disconnect Fathom.');
  const tenant = { accountId: caller.accountId, userId: caller.userId };
  const row = await withTenant(
    deps.db,
    tenant,
    async (tx) => (await tx.query<ConnectionRow>('SELECT * FROM get_fathom_connection()')).rows[0],
  );
  if (row?.status === 'active') await deleteWebhookOf(deps, row);
  if (row) {
    await withTenant(deps.db, tenant, (tx) =>
      tx.query(
        `UPDATE api_connections SET status = 'revoked', key_id = NULL, api_key_enc = NULL, access_token_enc = NULL,
                refresh_token_enc = NULL, expires_at = NULL, webhook_secret_enc = NULL, webhook_id = NULL, sync_cursor = NULL, updated_at = now()
          WHERE account_id = app_account_id() AND id = $1`,
        [row.id],
      ),
    );
  }
  return fathomStatus(deps.db, caller);
}

/** The connection a Fathom webhook was registered for, with its secret opened for verification. */
export async function webhookTarget(
  db: Database,
  sealer: Sealer,
  connectionId: string,
): Promise<{ accountId: string; hubId: number; connectionId: string; secret: string } | null> {
  const row = await withSystem(
    db,
    async (tx) =>
      (
        await tx.query<{
          account_id: string;
          hub_id: number;
          key_id: string | null;
          webhook_secret_enc: Buffer | null;
        }>(
          `SELECT c.account_id, a.hub_id, c.key_id, c.webhook_secret_enc
         FROM api_connections c JOIN accounts a ON a.id = c.account_id
        WHERE c.id = $1 AND c.provider = 'fathom' AND c.status = 'active' AND a.status = 'active'`,
          [connectionId],
        )
      ).rows[0],
  );
  if (!row?.webhook_secret_enc || !row.key_id) return null;
  return {
    accountId: row.account_id,
    hubId: row.hub_id,
    connectionId,
    secret: sealer.decrypt(row.key_id, row.webhook_secret_enc, sealContext(row.account_id, 'fathom', 'webhook_secret')),
  };
}
