import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../db/database.ts';
import { withTenant } from '../../db/tenancy.ts';
import { InvalidInput } from '../../errors.ts';
import { sealContext } from '../../crypto/sealer.ts';
import { credentialsOf } from './credentials.ts';
import { sealFathomTokens } from './tokens.ts';
import type { ConnectionRow, FathomDeps, NewFathomCredentials } from './types.ts';
import { deleteWebhookOf, registerFathomWebhook } from './webhook.ts';

/** The current tenant's Fathom connection, whatever its status (run inside withTenant). */
export async function fathomConnectionRow(tx: Queryable): Promise<ConnectionRow | undefined> {
  return (await tx.query<ConnectionRow>('SELECT * FROM get_fathom_connection()')).rows[0];
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
  const previous = await withTenant(deps.db, tenant, fathomConnectionRow);
  const connectionId = previous?.id ?? randomUUID();
  const webhook = await registerFathomWebhook(client, {
    publicBaseUrl: deps.publicBaseUrl,
    connectionId,
    wholeMeetings: credentials.kind === 'api_key',
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
