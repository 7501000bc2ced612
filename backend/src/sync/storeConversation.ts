import type { Queryable } from '../db/database.ts';
import type { IncomingConversation } from './incoming.ts';
import { prepareMeetings, storeMeetings, type AnalyseFn, type StoreResult } from './storeMeetings.ts';

export type { AnalyseFn, StoreResult } from './storeMeetings.ts';

/**
 * Stores one meeting of the current tenant (run inside withTenant) through storeMeetings, analysed
 * here: for callers with no page to batch (the demo seed, tests). The sync and the webhook job
 * prepare their meetings before their transaction opens and call storeMeetings themselves.
 */
export async function storeConversation(
  tx: Queryable,
  conversation: IncomingConversation,
  analyse: AnalyseFn,
): Promise<StoreResult> {
  const accountId = (await tx.query<{ id: string }>('SELECT app_account_id()::text AS id')).rows[0]!.id;
  const { stored, notStored } = await storeMeetings(tx, accountId, prepareMeetings([conversation], analyse));
  if (notStored.length) throw new Error(`The meeting could not be stored: ${notStored[0]!.message}`);
  return { conversationId: stored[0]!.conversationId, change: stored[0]!.change };
}
