import { withTenant } from '../../db/tenancy.ts';
import { Forbidden } from '../../errors.ts';
import type { Caller } from '../../users/caller.ts';
import { fathomConnectionRow } from './connection.ts';
import type { FathomDeps } from './types.ts';
import { fathomStatus, type FathomStatus } from './status.ts';
import { deleteWebhookOf } from './webhook.ts';

/**
 * Disconnects Fathom: deletes the webhook at Fathom while the credentials still work (best
 * effort: a revoked key cannot), then destroys key, tokens and secret. Fathom documents no way
 * to revoke an OAuth grant, so the app stays listed in the user's Fathom settings until removed
 * there; its tokens are gone from here. Synced calls stay until the app is uninstalled.
 */
export async function disconnectFathom(deps: FathomDeps, caller: Caller): Promise<FathomStatus> {
  if (caller.role !== 'admin') throw new Forbidden('Only admins disconnect Fathom.');
  const tenant = { accountId: caller.accountId, userId: caller.userId };
  const row = await withTenant(deps.db, tenant, fathomConnectionRow);
  if (row?.status === 'active') await deleteWebhookOf(deps, row);
  if (row) {
    await withTenant(deps.db, tenant, (tx) => tx.query(`SELECT revoke_credentials(app_account_id(), 'fathom')`));
  }
  return fathomStatus(deps.db, caller);
}

/**
 * Before an uninstall destroys the credentials: deletes the account's Fathom webhook with the
 * connection's own credentials (best effort), so Fathom stops posting calls for a gone portal.
 */
export async function deleteFathomWebhookOfAccount(deps: FathomDeps, accountId: string): Promise<void> {
  const row = await withTenant(deps.db, { accountId }, fathomConnectionRow);
  if (row?.status === 'active') await deleteWebhookOf(deps, row);
}
