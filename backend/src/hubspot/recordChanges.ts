import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenancy.ts';
import { dealFitsCall } from '../sync/dealWindow.ts';
import type { DealFacts } from '../sync/ports.ts';
import type { CrmObjectType } from '../../../hubspot-app/app/packages/ui-shared/crmObjectTypes.ts';

// A call linked to two of the merged records keeps one of those links (the lowest id), so that the
// move below never makes two links of one call to the survivor.
const DROP_DUPLICATES = `
  DELETE FROM conversation_crm_links m
   WHERE m.account_id = app_account_id() AND m.object_type = $1 AND m.object_id = ANY($2::bigint[])
     AND EXISTS (SELECT 1 FROM conversation_crm_links o
                  WHERE o.account_id = m.account_id AND o.conversation_id = m.conversation_id AND o.object_type = $1
                    AND (o.object_id = $3 OR (o.object_id = ANY($2::bigint[]) AND o.object_id < m.object_id)))`;
const MOVE = `
  UPDATE conversation_crm_links SET object_id = $3
   WHERE account_id = app_account_id() AND object_type = $1 AND object_id = ANY($2::bigint[])`;

/**
 * Records were merged in HubSpot: the calls of the merged records move to the surviving one, each
 * call once (a call already on the survivor, or on two merged records, keeps one link). Returns
 * the number of links moved.
 */
export async function mergeLinks(
  db: Database,
  accountId: string,
  objectType: CrmObjectType,
  survivor: number,
  merged: number[],
): Promise<number> {
  const gone = [...new Set(merged)].filter((id) => id !== survivor);
  if (!gone.length) return 0;
  return withTenant(db, { accountId }, async (tx) => {
    await tx.query(DROP_DUPLICATES, [objectType, gone, survivor]);
    return (await tx.query(MOVE, [objectType, gone, survivor])).rowCount ?? 0;
  });
}

const CALLS_OF_CONTACT = `
  SELECT conversation_id, conversation_started_at, matched_email FROM conversation_crm_links
   WHERE account_id = app_account_id() AND object_type = 'contacts' AND object_id = $1`;
const LINK_DEAL = `
  INSERT INTO conversation_crm_links (account_id, conversation_id, object_type, object_id, source, matched_email)
  SELECT app_account_id(), l.conversation_id, 'deals', $1, 'association', l.email
    FROM unnest($2::uuid[], $3::text[]) AS l(conversation_id, email)
  ON CONFLICT (account_id, conversation_id, object_type, object_id) DO NOTHING`;
// Only the deal links this contact's association made: source 'association', matched through the
// same email as the contact's link on that call.
const UNLINK_DEAL = `
  DELETE FROM conversation_crm_links d
   USING conversation_crm_links c
   WHERE d.account_id = app_account_id() AND c.account_id = d.account_id AND c.conversation_id = d.conversation_id
     AND c.object_type = 'contacts' AND c.object_id = $1
     AND d.object_type = 'deals' AND d.object_id = $2 AND d.source = 'association'
     AND d.matched_email IS NOT DISTINCT FROM c.matched_email`;

/**
 * A contact was associated with a deal after its calls were synced: the deal gets each of the
 * contact's calls that it fits (open at the call's time, or created within 14 days after it).
 * Returns the number of links made.
 */
export async function linkDealToContactCalls(
  db: Database,
  accountId: string,
  contactId: number,
  dealId: number,
  deal: DealFacts,
): Promise<number> {
  return withTenant(db, { accountId }, async (tx) => {
    const calls = (
      await tx.query<{ conversation_id: string; conversation_started_at: Date; matched_email: string | null }>(
        CALLS_OF_CONTACT,
        [contactId],
      )
    ).rows.filter((call) => dealFitsCall(deal, call.conversation_started_at));
    if (!calls.length) return 0;
    return (
      (
        await tx.query(LINK_DEAL, [
          dealId,
          calls.map((call) => call.conversation_id),
          calls.map((call) => call.matched_email),
        ])
      ).rowCount ?? 0
    );
  });
}

/** The contact's association with the deal was removed: the deal links it made go. Returns how many. */
export async function unlinkDealFromContactCalls(
  db: Database,
  accountId: string,
  contactId: number,
  dealId: number,
): Promise<number> {
  return withTenant(db, { accountId }, async (tx) => (await tx.query(UNLINK_DEAL, [contactId, dealId])).rowCount ?? 0);
}
