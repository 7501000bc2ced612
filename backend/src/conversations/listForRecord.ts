import type { Queryable } from '../db/database.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

export type CrmObjectType = 'contacts' | 'deals' | 'companies';

export type ConversationListItem = {
  id: string;
  title: string;
  startedAt: string;
  durationSeconds: number;
  recordedBy: { name: string | null; email: string | null };
  participants: Array<{ name: string | null; email: string | null; isExternal: boolean }>;
  score: number | null;
  openActionItems: number;
  url: string | null;
};

// One range scan of conversation_crm_links_card_idx: the link carries the call's start time,
// so the page is found without touching conversations that are not on it; then one primary-key
// lookup per call. The call's participants, open action items and score are kept on its row at
// write time (refresh_conversation_cards, migration 009), so nothing is joined or aggregated here.
// The score follows the person like the analysis it comes from (docs/who-sees-what.md): the copy
// on the call is shown only where row level security would show the analysis.
// Exported for bench:scale, which checks that plan with EXPLAIN.
export const LIST_FOR_RECORD_SQL = `
  SELECT c.id, c.title, c.started_at, c.duration_seconds, c.recorded_by_name, c.recorded_by_email, c.url,
         CASE WHEN app_may_see_call_analysis(c.id) THEN c.card_score END AS score, c.card_open_action_items AS open_action_items, c.card_participants AS participants
    FROM conversation_crm_links l
    JOIN conversations c ON c.account_id = l.account_id AND c.id = l.conversation_id
   WHERE l.account_id = app_account_id() AND l.object_type = $1 AND l.object_id = $2
     AND ($3::timestamptz IS NULL OR (l.conversation_started_at, l.conversation_id) < ($3::timestamptz, $4::uuid))
   ORDER BY l.conversation_started_at DESC, l.conversation_id DESC
   LIMIT $5`;

type Row = {
  id: string;
  title: string;
  started_at: Date;
  duration_seconds: number;
  recorded_by_name: string | null;
  recorded_by_email: string | null;
  url: string | null;
  score: number | null;
  open_action_items: number;
  participants: ConversationListItem['participants'];
};

/** The calls linked to one HubSpot record, newest first, one page at a time. */
export async function listConversationsForRecord(
  tx: Queryable,
  query: { objectType: CrmObjectType; objectId: number; limit: number; cursor?: string | undefined },
): Promise<{ items: ConversationListItem[]; nextCursor: string | null }> {
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const { rows } = await tx.query<Row>(LIST_FOR_RECORD_SQL, [
    query.objectType,
    query.objectId,
    after?.startedAt ?? null,
    after?.id ?? null,
    query.limit + 1,
  ]);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => ({
      id: row.id,
      title: row.title,
      startedAt: row.started_at.toISOString(),
      durationSeconds: row.duration_seconds,
      recordedBy: { name: row.recorded_by_name, email: row.recorded_by_email },
      participants: row.participants,
      score: row.score,
      openActionItems: row.open_action_items,
      url: row.url,
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ startedAt: last.started_at, id: last.id }) : null,
  };
}
