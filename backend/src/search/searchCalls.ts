import type { SearchResults } from '../../../hubspot-app/app/packages/ui-shared/searchTypes.ts';
import { playbackUrlAt } from '../conversations/playback.ts';
import { afterStartedAt, decodeCursor, keysetPage } from '../conversations/cursor.ts';
import type { Queryable } from '../db/database.ts';

/** At most this many matching lines per call. */
export const MOMENTS_PER_CALL = 5;

// What the query can find with the index: querytree() is the part of a tsquery an index can serve.
// Empty (only stop words: "the") or 'T' (only negations: "-pricing") finds nothing through the
// index, and would read every call of the portal, so such a search answers no calls.
const SEARCHABLE_SQL = `SELECT querytree(websearch_to_tsquery('english', $1)) AS tree`;

// Calls of the tenant (row level security) whose title, summary or transcript match (the sync
// keeps them in transcript_search), of the reps the caller may see: an admin every call, a manager
// his reps' and his own, a rep his own (app_may_see_performance_of, as the analyses). Keyset on
// (started_at, id), newest first. On a record's card ($5, $6), only the calls linked to it. The tsquery is a constant of the plan, so the planner weighs it
// with the column's statistics: a rare word reads the GIN index, a common one walks
// conversations_recent_idx newest first until the page is full (bench/scale.ts, docs/benchmarks.md).
export const SEARCH_SQL = `
  SELECT c.id, c.title, c.started_at, c.recorded_by_email, c.url
    FROM conversations c
   WHERE c.account_id = app_account_id()
     AND c.transcript_search @@ websearch_to_tsquery('english', $1)
     AND app_may_see_performance_of(c.recorded_by_user_id)
     AND ($2::timestamptz IS NULL OR (c.started_at, c.id) < ($2, $3::uuid))
     AND ($5::text IS NULL OR EXISTS (
           SELECT 1 FROM conversation_crm_links l
            WHERE l.account_id = c.account_id AND l.object_type = $5 AND l.object_id = $6 AND l.conversation_id = c.id))
   ORDER BY c.started_at DESC, c.id DESC
   LIMIT $4`;

// The lines of those calls that hold any word or phrase of the search (its terms joined by "or":
// "pricing discount" finds the line about pricing and the one about the discount), in the order
// they were said, up to MOMENTS_PER_CALL per call. The unique (account_id, conversation_id,
// position) index serves the lookup; only the lines of one page of calls are read.
const MOMENTS_SQL = `
  SELECT conversation_id, start_seconds, text
    FROM (SELECT s.conversation_id, s.start_seconds, s.text,
                 row_number() OVER (PARTITION BY s.conversation_id ORDER BY s.position) AS n
            FROM transcript_segments s
           WHERE s.account_id = app_account_id() AND s.conversation_id = ANY($1::uuid[])
             AND to_tsvector('english', s.text)
                 @@ replace(querytree(websearch_to_tsquery('english', $2)), ' & ', ' | ')::tsquery) m
   WHERE n <= ${MOMENTS_PER_CALL}
   ORDER BY conversation_id, n`;

type CallRow = { id: string; title: string; started_at: Date; recorded_by_email: string | null; url: string | null };
type MomentRow = { conversation_id: string; start_seconds: string | number | null; text: string };
type Moments = Map<string, Array<{ seconds: number; text: string }>>;

/** One page of the calls the caller may see that match `q` (websearch syntax), newest first. */
export async function searchCalls(
  tx: Queryable,
  query: { q: string; cursor?: string; limit: number; record?: { objectType: string; objectId: number } },
): Promise<SearchResults> {
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const { rows: tree } = await tx.query<{ tree: string }>(SEARCHABLE_SQL, [query.q]);
  const searchable = tree[0]!.tree.trim();
  if (searchable === '' || searchable === 'T') return { items: [], nextCursor: null };

  const { rows } = await tx.query<CallRow>(SEARCH_SQL, [
    query.q,
    after?.startedAt ?? null,
    after?.id ?? null,
    query.limit + 1,
    query.record?.objectType ?? null,
    query.record?.objectId ?? null,
  ]);
  const page = keysetPage(rows, query.limit, (row) => row, afterStartedAt);
  const moments: Moments = new Map();
  if (page.items.length > 0) {
    const { rows: lines } = await tx.query<MomentRow>(MOMENTS_SQL, [page.items.map((row) => row.id), query.q]);
    for (const line of lines) {
      const list = moments.get(line.conversation_id) ?? [];
      list.push({ seconds: Math.floor(Number(line.start_seconds ?? 0)), text: line.text });
      moments.set(line.conversation_id, list);
    }
  }
  return {
    items: page.items.map((row) => ({
      id: row.id,
      title: row.title,
      startedAt: row.started_at.toISOString(),
      repEmail: row.recorded_by_email,
      url: row.url,
      moments: (moments.get(row.id) ?? []).map((moment) => ({
        ...moment,
        playbackUrl: playbackUrlAt(row.url, moment.seconds),
      })),
    })),
    nextCursor: page.nextCursor,
  };
}
