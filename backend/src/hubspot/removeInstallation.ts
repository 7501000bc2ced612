import type { Client } from '@hubspot/api-client';
import type { Database } from '../db/database.ts';
import { Forbidden, UpstreamFailed } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Caller } from '../users/caller.ts';
import { withTenant } from '../db/tenancy.ts';
import { purgeAccount } from './lifecycle.ts';
import { deleteCallProperties } from './writeback/properties.ts';
import { readWriteback, savePropertiesCreated } from './writeback/settings.ts';

export type RemoveInstallationDeps = {
  db: Database;
  logger: Logger;
  hubspotClient(accountId: string): Promise<Client>;
  beforeUninstall(accountId: string): Promise<void>;
};

/**
 * An admin's "Remove the app and delete our data": first archives the fathom_* properties and
 * their group when the write-back created them (while the portal's token still works; a failure
 * there is logged and does not keep the app installed), then uninstalls the app from the portal through
 * HubSpot's uninstall API (with the portal's own token), deletes the Fathom webhook, then deletes
 * the account and everything of it at once, with no grace period. If HubSpot does not confirm
 * the uninstall, nothing else is deleted, and the admin is told whether the properties went.
 */
export async function removeInstallation(deps: RemoveInstallationDeps, caller: Caller): Promise<void> {
  if (caller.role !== 'admin') throw new Forbidden('Only admins remove the app.');
  const client = await deps.hubspotClient(caller.accountId);
  const { properties } = await withTenant(deps.db, { accountId: caller.accountId }, readWriteback);
  const propertiesDeleted = properties ? await deleteProperties(deps, caller.accountId, client) : false;
  const kept = propertiesDeleted
    ? 'The fathom_* properties were deleted from HubSpot; nothing else was deleted'
    : 'Nothing was deleted';
  let status: number;
  try {
    status = (await client.apiRequest({ method: 'DELETE', path: '/appinstalls/2026-03/external-install' })).status;
  } catch {
    throw new UpstreamFailed(`HubSpot could not be reached to uninstall the app. ${kept}; try again in a minute.`);
  }
  if (status < 200 || status >= 300) {
    throw new UpstreamFailed(`HubSpot did not uninstall the app (HTTP ${status}). ${kept}; try again in a minute.`);
  }
  await deps.beforeUninstall(caller.accountId).catch(() => {});
  await purgeAccount(deps.db, caller.accountId);
  deps.logger.info({ accountId: caller.accountId }, 'app removed by an admin; account data deleted');
}

/** Archives the write-back's properties and group; true when HubSpot took them (then forgotten here too). */
async function deleteProperties(deps: RemoveInstallationDeps, accountId: string, client: Client): Promise<boolean> {
  try {
    await deleteCallProperties(client);
  } catch (error) {
    deps.logger.warn(
      { accountId, err: { message: (error as Error).message } },
      'the write-back properties could not be deleted from HubSpot',
    );
    return false;
  }
  await withTenant(deps.db, { accountId }, (tx) => savePropertiesCreated(tx, null));
  return true;
}
