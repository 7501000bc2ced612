import type { Database } from '../db/database.ts';
import { withSystem, withTenant } from '../db/tenancy.ts';

/**
 * The app was uninstalled from a portal (HubSpot's lifecycle event, or a refresh answered
 * invalid_grant): stop syncing, destroy every stored credential, and schedule the account's data
 * for purging after the grace period. `beforeDestroy` gets a last chance to undo outside state
 * (the Fathom webhook) while the credentials still exist. A reinstall within the grace period
 * keeps the data. Returns false for a portal we do not know.
 */
export async function uninstallPortal(
  db: Database,
  hubId: number,
  options: { graceMs: number; beforeDestroy?: (accountId: string) => Promise<void> },
): Promise<boolean> {
  const account = await withSystem(db, async (tx) =>
    (await tx.query<{ id: string }>(`SELECT id FROM accounts WHERE hub_id = $1`, [hubId])).rows[0],
  );
  if (!account) return false;
  await options.beforeDestroy?.(account.id).catch(() => {});
  await withSystem(db, async (tx) => {
    await tx.query(
      `UPDATE accounts SET status = 'uninstalled', uninstalled_at = now(), purge_after = now() + $2 * interval '1 millisecond', updated_at = now()
        WHERE id = $1`,
      [account.id, options.graceMs],
    );
    await tx.query(
      `UPDATE api_connections SET status = 'revoked', key_id = NULL, access_token_enc = NULL, refresh_token_enc = NULL,
              api_key_enc = NULL, webhook_secret_enc = NULL, webhook_id = NULL, updated_at = now()
        WHERE account_id = $1`,
      [account.id],
    );
  });
  return true;
}

/** Deletes every account whose grace period after uninstall is over (cascading to all its rows). */
export async function purgeUninstalledAccounts(db: Database): Promise<number[]> {
  return withSystem(db, async (tx) =>
    (await tx.query<{ hub_id: number }>(
      `DELETE FROM accounts WHERE status = 'uninstalled' AND purge_after <= now() RETURNING hub_id`,
    )).rows.map((row) => row.hub_id),
  );
}

/**
 * HubSpot's GDPR delete of a contact: remove its links, and the participant rows and transcript
 * attribution of the emails that linked calls to it. Returns the number of links removed.
 */
export async function forgetContact(db: Database, hubId: number, contactId: number): Promise<number> {
  const account = await withSystem(db, async (tx) =>
    (await tx.query<{ id: string }>(`SELECT id FROM accounts WHERE hub_id = $1`, [hubId])).rows[0],
  );
  if (!account) return 0;
  return withTenant(db, { accountId: account.id }, async (tx) => {
    const emails = (await tx.query<{ email: string }>(
      `SELECT DISTINCT matched_email AS email FROM conversation_crm_links
        WHERE account_id = app_account_id() AND object_type = 'contacts' AND object_id = $1 AND matched_email IS NOT NULL`,
      [contactId],
    )).rows.map((row) => row.email);
    if (emails.length) {
      const touched = (await tx.query<{ conversation_id: string }>(
        `DELETE FROM conversation_participants WHERE account_id = app_account_id() AND email = ANY($1::text[])
         RETURNING conversation_id`,
        [emails],
      )).rows.map((row) => row.conversation_id);
      await tx.query('SELECT refresh_conversation_cards($1::uuid[])', [touched]);
      await tx.query(
        `UPDATE transcript_segments SET speaker_email = NULL, speaker_name = 'Removed contact'
          WHERE account_id = app_account_id() AND speaker_email = ANY($1::text[])`,
        [emails],
      );
      await tx.query(`UPDATE conversation_crm_links SET matched_email = NULL WHERE account_id = app_account_id() AND matched_email = ANY($1::text[])`, [emails]);
    }
    return (await tx.query(
      `DELETE FROM conversation_crm_links WHERE account_id = app_account_id() AND object_type = 'contacts' AND object_id = $1`,
      [contactId],
    )).rowCount;
  });
}
