import type { Database } from '../db/database.ts';
import { withSystem, withTenant } from '../db/tenancy.ts';
import type { CrmObjectType } from '../../../hubspot-app/app/packages/ui-shared/crmObjectTypes.ts';

/**
 * The app was uninstalled from a portal (HubSpot's journal says so, or an admin removed it from
 * the settings page): stop syncing, destroy every stored credential, and schedule the account's
 * data for purging after the grace period. `beforeDestroy` gets a last chance to undo outside
 * state (the Fathom webhook) while the credentials still exist; its failure never stops the
 * uninstall. A reinstall within the grace period keeps the data. Returns false for a portal we do
 * not know or that is already uninstalled.
 *
 * A refresh answered invalid_grant does not come here: it marks the HubSpot connection
 * needs_reauth (oauth/oauthTokens.ts), which stops the syncs until an admin reinstalls.
 */
export async function uninstallPortal(
  db: Database,
  hubId: number,
  options: { graceMs: number; beforeDestroy?: (accountId: string) => Promise<void>; occurredAt?: Date },
): Promise<boolean> {
  const account = await withSystem(
    db,
    async (tx) =>
      (
        await tx.query<{ id: string; status: string; installed_at: Date }>(
          `SELECT id, status, installed_at FROM accounts WHERE hub_id = $1`,
          [hubId],
        )
      ).rows[0],
  );
  if (!account || account.status !== 'active') return false;
  // An uninstall from before the portal's latest install belongs to an earlier installation.
  if (options.occurredAt && options.occurredAt <= account.installed_at) return false;
  await options.beforeDestroy?.(account.id).catch(() => {});
  await withSystem(db, async (tx) => {
    await tx.query(
      `UPDATE accounts SET status = 'uninstalled', uninstalled_at = coalesce($3, now()),
              purge_after = now() + $2 * interval '1 millisecond', updated_at = now()
        WHERE id = $1`,
      [account.id, options.graceMs, options.occurredAt ?? null],
    );
    await tx.query('SELECT revoke_credentials($1)', [account.id]);
  });
  return true;
}

/**
 * HubSpot's journal says the portal installed the app again. Within the grace period this keeps
 * the data: the account is active again (its HubSpot tokens arrive with the install's OAuth
 * callback, which does the same). An install older than the uninstall changes nothing.
 */
export async function reinstallPortal(db: Database, hubId: number, occurredAt: Date): Promise<boolean> {
  return withSystem(
    db,
    async (tx) =>
      ((
        await tx.query(
          `UPDATE accounts SET status = 'active', uninstalled_at = NULL, purge_after = NULL, installed_at = $2,
              updated_at = now()
        WHERE hub_id = $1 AND status = 'uninstalled' AND uninstalled_at < $2`,
          [hubId, occurredAt],
        )
      ).rowCount ?? 0) > 0,
  );
}

/** Deletes every account whose grace period after uninstall is over (cascading to all its rows). */
export async function purgeUninstalledAccounts(db: Database): Promise<number[]> {
  return withSystem(db, async (tx) =>
    (
      await tx.query<{ hub_id: number }>(
        `DELETE FROM accounts WHERE status = 'uninstalled' AND purge_after <= now() RETURNING hub_id`,
      )
    ).rows.map((row) => row.hub_id),
  );
}

/** Deletes one account and, by cascade, everything of it, now (the admin's "remove and delete"). */
export async function purgeAccount(db: Database, accountId: string): Promise<void> {
  await withSystem(db, (tx) => tx.query(`DELETE FROM accounts WHERE id = $1`, [accountId]));
}

/**
 * HubSpot's GDPR delete of a contact: remove its links, and the participant rows and transcript
 * attribution of the emails that linked calls to it. Returns the number of links removed.
 */
export async function forgetContact(db: Database, accountId: string, contactId: number): Promise<number> {
  return withTenant(db, { accountId }, async (tx) => {
    const emails = (
      await tx.query<{ email: string }>(
        `SELECT DISTINCT matched_email AS email FROM conversation_crm_links
        WHERE account_id = app_account_id() AND object_type = 'contacts' AND object_id = $1 AND matched_email IS NOT NULL`,
        [contactId],
      )
    ).rows.map((row) => row.email);
    if (emails.length) {
      const touched = (
        await tx.query<{ conversation_id: string }>(
          `DELETE FROM conversation_participants WHERE account_id = app_account_id() AND email = ANY($1::text[])
         RETURNING conversation_id`,
          [emails],
        )
      ).rows.map((row) => row.conversation_id);
      await tx.query('SELECT refresh_conversation_cards($1::uuid[])', [touched]);
      await tx.query(
        `UPDATE transcript_segments SET speaker_email = NULL, speaker_name = 'Removed contact'
          WHERE account_id = app_account_id() AND speaker_email = ANY($1::text[])`,
        [emails],
      );
      await tx.query(
        `UPDATE conversation_crm_links SET matched_email = NULL WHERE account_id = app_account_id() AND matched_email = ANY($1::text[])`,
        [emails],
      );
    }
    return (
      (
        await tx.query(
          `DELETE FROM conversation_crm_links WHERE account_id = app_account_id() AND object_type = 'contacts' AND object_id = $1`,
          [contactId],
        )
      ).rowCount ?? 0
    );
  });
}

/** A contact, deal or company was deleted in HubSpot: its links go (the calls stay, linked to the rest). */
export async function dropLinks(
  db: Database,
  accountId: string,
  objectType: CrmObjectType,
  objectId: number,
): Promise<number> {
  return withTenant(
    db,
    { accountId },
    async (tx) =>
      (
        await tx.query(
          `DELETE FROM conversation_crm_links WHERE account_id = app_account_id() AND object_type = $1 AND object_id = $2`,
          [objectType, objectId],
        )
      ).rowCount ?? 0,
  );
}
