import type { Database } from '../../db/database.ts';
import { withSystem } from '../../db/tenancy.ts';
import { sealContext, type Sealer } from '../../crypto/sealer.ts';

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
