import type { Queryable } from '../db/database.ts';
import type { OneStatementRead } from '../db/tenancy.ts';
import { afterStartedAt, decodeCursor, keysetPage } from './cursor.ts';
import type { CrmObjectType } from '../../../hubspot-app/app/packages/ui-shared/crmObjectTypes.ts';

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

// One range scan of conversation_crm_links_card_idx and the link rows it points to, nothing else:
// each link carries a copy of what the list shows of its call (kept by the triggers of db/triggers),
// and the call's participants, open action items and score are kept on the call at write time (by
// the sync's upsert, and refresh_conversation_cards on the other write paths), so
// nothing is joined or aggregated here.
// The score follows the person like the analysis it comes from (docs/who-sees-what.md): the copy
// is shown only where row level security would show the analysis.
// The query is written once, as the SQL function card_conversations_page (db/functions),
// which PostgreSQL inlines: this tenant read and the card's one-statement read both select from it.
const PAGE_COLUMNS =
  'id, title, started_at, duration_seconds, recorded_by_name, recorded_by_email, url, score, open_action_items, participants';

// card_conversations_page's columns as the one-statement read names them.
const PAGE_COLUMN_TYPES =
  'id uuid, title text, started_at timestamptz, duration_seconds integer, recorded_by_name text, ' +
  'recorded_by_email text, url text, score smallint, open_action_items integer, participants jsonb';

// Exported for bench:scale, which checks the plan with EXPLAIN.
export const LIST_FOR_RECORD_SQL = `SELECT ${PAGE_COLUMNS} FROM card_conversations_page($1, $2, $3, $4, $5)`;

export type CardPageRow = {
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

type PageQuery = { objectType: CrmObjectType; objectId: number; limit: number; cursor?: string | undefined };
type Page = { items: ConversationListItem[]; nextCursor: string | null };

/** The calls linked to one HubSpot record, newest first, one page at a time. */
export async function listConversationsForRecord(tx: Queryable, query: PageQuery): Promise<Page> {
  const { rows } = await tx.query<CardPageRow>(LIST_FOR_RECORD_SQL, pageParams(query));
  return pageOf(rows, query.limit);
}

/**
 * The same page as the conversations card reads it: entering the caller and reading in one
 * statement (readAsCaller in db/tenancy.ts). Turn its rows into the page with cardPageOf.
 */
export function conversationsCardRead(query: PageQuery): OneStatementRead {
  return { read: 'card_conversations_page', columns: PAGE_COLUMN_TYPES, params: pageParams(query) };
}

/** The page from the rows of conversationsCardRead (an empty page is one row without an id). */
export const cardPageOf = (rows: Array<CardPageRow | Nullable<CardPageRow>>, limit: number): Page =>
  pageOf(
    rows.filter((row): row is CardPageRow => row.id !== null),
    limit,
  );

type Nullable<T> = { [K in keyof T]: T[K] | null };

function pageParams(query: PageQuery): unknown[] {
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  return [query.objectType, query.objectId, after?.startedAt ?? null, after?.id ?? null, query.limit + 1];
}

function pageOf(rows: CardPageRow[], limit: number): Page {
  return keysetPage(
    rows,
    limit,
    (row) => ({
      id: row.id,
      title: row.title,
      startedAt: row.started_at.toISOString(),
      durationSeconds: row.duration_seconds,
      recordedBy: { name: row.recorded_by_name, email: row.recorded_by_email },
      participants: row.participants,
      score: row.score,
      openActionItems: row.open_action_items,
      url: row.url,
    }),
    afterStartedAt,
  );
}
