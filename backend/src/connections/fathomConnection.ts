import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database.ts';
import { withSystem, withTenant } from '../db/tenancy.ts';
import { Forbidden, InvalidInput } from '../errors.ts';
import type { FathomClient } from '../fathom/client.ts';
import type { FathomCredentials } from '../fathom/request.ts';
import { FathomAuthRejected } from '../fathom/errors.ts';
import type { Logger } from '../logger.ts';
import type { Caller } from '../users/caller.ts';
import { sealContext, type Sealer } from './sealer.ts';

export type FathomDeps = {
  db: Database;
  sealer: Sealer;
  /** A Fathom client for given credentials (config's FATHOM_API_BASE, a rate limiter per connection). */
  fathomClient: (credentials: () => Promise<FathomCredentials> | FathomCredentials) => FathomClient;
  publicBaseUrl: string;
  logger: Logger;
};

export type FathomStatus = {
  connected: boolean;
  connectionId: string | null;
  authType: 'api_key' | 'oauth' | null;
  status: 'active' | 'needs_reauth' | 'revoked' | 'error' | null;
  webhookRegistered: boolean;
  lastSyncedAt: string | null;
  lastError: string | null;
  backfillSince: string | null;
  backfillCompletedAt: string | null;
};

type ConnectionRow = {
  id: string;
  account_id: string;
  auth_type: 'api_key' | 'oauth';
  status: FathomStatus['status'];
  key_id: string | null;
  api_key_enc: Buffer | null;
  access_token_enc: Buffer | null;
  webhook_id: string | null;
  webhook_secret_enc: Buffer | null;
  last_synced_at: Date | null;
  last_error: string | null;
  backfill_since: Date | null;
  backfill_completed_at: Date | null;
};

export const webhookUrl = (publicBaseUrl: string, connectionId: string) => `${publicBaseUrl}/webhooks/fathom/${connectionId}`;

const WEBHOOK_TRIGGERS = ['my_recordings', 'shared_external_recordings', 'my_shared_with_team_recordings', 'shared_team_recordings'] as const;

export async function fathomStatus(db: Database, caller: Caller): Promise<FathomStatus> {
  const row = await withTenant(db, { accountId: caller.accountId, userId: caller.userId }, async (tx) =>
    (await tx.query<ConnectionRow>('SELECT * FROM get_fathom_connection()')).rows[0],
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

/** The API key of a connection, decrypted in memory only for the call that needs it. */
export function openApiKey(sealer: Sealer, row: Pick<ConnectionRow, 'account_id' | 'key_id' | 'api_key_enc'>): string {
  return sealer.decrypt(row.key_id!, row.api_key_enc!, sealContext(row.account_id, 'fathom', 'api_key'));
}

/**
 * Connects (or replaces) the account's Fathom API key: checks it with Fathom, registers a
 * webhook for this connection, then stores key and webhook secret sealed, in one transaction.
 * The previous webhook is removed once the new one is in place.
 */
export async function connectFathomApiKey(
  deps: FathomDeps,
  caller: Caller,
  input: { apiKey: string; backfillSince?: Date | undefined },
): Promise<FathomStatus> {
  if (caller.role !== 'admin') throw new Forbidden('Only admins connect Fathom.');
  const tenant = { accountId: caller.accountId, userId: caller.userId };
  const client = deps.fathomClient(() => ({ kind: 'apiKey', apiKey: input.apiKey }));
  try {
    await client.verifyCredentials();
  } catch (error) {
    if (error instanceof FathomAuthRejected) {
      throw new InvalidInput(`Fathom did not accept this API key${error.reason ? `: ${error.reason}` : '.'}`);
    }
    throw error;
  }

  const previous = await withTenant(deps.db, tenant, async (tx) => (await tx.query<ConnectionRow>('SELECT * FROM get_fathom_connection()')).rows[0]);
  const connectionId = previous?.id ?? randomUUID();
  const webhook = await client.createWebhook({
    destinationUrl: webhookUrl(deps.publicBaseUrl, connectionId),
    triggeredFor: [...WEBHOOK_TRIGGERS],
    includeTranscript: true,
    includeSummary: true,
    includeActionItems: true,
    includeCrmMatches: true,
  });

  const apiKey = deps.sealer.encrypt(input.apiKey, sealContext(caller.accountId, 'fathom', 'api_key'));
  const secret = deps.sealer.encrypt(webhook.secret, sealContext(caller.accountId, 'fathom', 'webhook_secret'));
  const saved = await withTenant(deps.db, tenant, async (tx) => {
    await tx.query(
      `INSERT INTO api_connections (id, account_id, provider, auth_type) VALUES ($1, app_account_id(), 'fathom', 'api_key')
       ON CONFLICT (account_id, provider) DO NOTHING`,
      [connectionId],
    );
    const row = (await tx.query<ConnectionRow>(
      `SELECT * FROM save_fathom_connection('api_key', $1, $2, NULL, NULL, NULL, $3, $4, NULL)`,
      [apiKey.keyId, apiKey.ciphertext, webhook.id, secret.ciphertext],
    )).rows[0]!;
    // A new key starts the history again (from the chosen date, when one was given).
    await tx.query(
      `UPDATE api_connections SET backfill_since = $2, backfill_completed_at = NULL, sync_cursor = NULL
        WHERE account_id = app_account_id() AND id = $1`,
      [row.id, input.backfillSince ?? null],
    );
    return row;
  });
  if (saved.id !== connectionId) {
    // Another admin connected at the same moment; his connection stands, this webhook goes.
    await client.deleteWebhook(webhook.id).catch(() => {});
    throw new InvalidInput('Fathom was being connected by someone else at the same moment; reload and check the status.');
  }

  if (previous?.webhook_id && previous.webhook_id !== webhook.id) {
    const oldClient =
      previous.api_key_enc && previous.key_id
        ? deps.fathomClient(() => ({ kind: 'apiKey', apiKey: openApiKey(deps.sealer, previous) }))
        : client;
    await oldClient.deleteWebhook(previous.webhook_id).catch((error: unknown) => {
      deps.logger.warn({ accountId: caller.accountId, err: { message: (error as Error).message } }, 'could not delete the previous Fathom webhook');
    });
  }
  return fathomStatus(deps.db, caller);
}

/**
 * Disconnects Fathom: deletes the webhook at Fathom while the key still exists (best effort: a
 * revoked key cannot), then destroys key and secret. Synced calls stay until the app is uninstalled.
 */
export async function disconnectFathom(deps: FathomDeps, caller: Caller): Promise<FathomStatus> {
  if (caller.role !== 'admin') throw new Forbidden('Only admins disconnect Fathom.');
  const tenant = { accountId: caller.accountId, userId: caller.userId };
  const row = await withTenant(deps.db, tenant, async (tx) => (await tx.query<ConnectionRow>('SELECT * FROM get_fathom_connection()')).rows[0]);
  if (row?.webhook_id && row.api_key_enc && row.key_id) {
    await deps
      .fathomClient(() => ({ kind: 'apiKey', apiKey: openApiKey(deps.sealer, row) }))
      .deleteWebhook(row.webhook_id)
      .catch((error: unknown) => deps.logger.warn({ accountId: caller.accountId, err: { message: (error as Error).message } }, 'could not delete the Fathom webhook'));
  }
  if (row) {
    await withTenant(deps.db, tenant, (tx) =>
      tx.query(
        `UPDATE api_connections SET status = 'revoked', key_id = NULL, api_key_enc = NULL, access_token_enc = NULL,
                refresh_token_enc = NULL, webhook_secret_enc = NULL, webhook_id = NULL, sync_cursor = NULL, updated_at = now()
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
  const row = await withSystem(db, async (tx) =>
    (await tx.query<{ account_id: string; hub_id: number; key_id: string | null; webhook_secret_enc: Buffer | null }>(
      `SELECT c.account_id, a.hub_id, c.key_id, c.webhook_secret_enc
         FROM api_connections c JOIN accounts a ON a.id = c.account_id
        WHERE c.id = $1 AND c.provider = 'fathom' AND c.status = 'active' AND a.status = 'active'`,
      [connectionId],
    )).rows[0],
  );
  if (!row?.webhook_secret_enc || !row.key_id) return null;
  return {
    accountId: row.account_id,
    hubId: row.hub_id,
    connectionId,
    secret: sealer.decrypt(row.key_id, row.webhook_secret_enc, sealContext(row.account_id, 'fathom', 'webhook_secret')),
  };
}
