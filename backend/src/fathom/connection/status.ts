import type { FathomStatus as ApiFathomStatus } from '../../../../hubspot-app/app/packages/ui-shared/types.ts';
import type { Database } from '../../db/database.ts';
import { withTenant } from '../../db/tenancy.ts';
import type { Caller } from '../../users/caller.ts';
import { fathomConnectionRow } from './connection.ts';

/** The connection's state: the API's FathomStatus before the settings routes add the OAuth offer. */
export type FathomStatus = Omit<ApiFathomStatus, 'oauth'>;

/** The account's Fathom connection as the settings page shows it to an admin (no secrets). */
export async function fathomStatus(db: Database, caller: Caller): Promise<FathomStatus> {
  const row = await withTenant(db, { accountId: caller.accountId, userId: caller.userId }, fathomConnectionRow);
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
