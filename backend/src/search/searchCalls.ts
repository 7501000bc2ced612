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

// Calls of the tenant whose title, summary or transcript match (the sync keeps them in
// transcript_search), of the reps the caller may see: an admin every call, a manager his reps' and
// his own, a rep his own (app_may_see_performance_of, as the analyses). On a record's card ($5,
// $6), only the calls linked to it. Keyset on (started_at, id), newest first. The page's ids come
// from app_search_call_ids (db/functions: why it runs as the system role, so the GIN index can be
// read); the rows themselves are read here under the tenant's row level security.
export const SEARCH_SQL = `
  SELECT c.id, c.title, c.started_at, c.recorded_by_email, c.url
    FROM app_search_call_ids($1, $2, $3, $4, $5, $6) f
    JOIN conversations c ON c.account_id = app_account_id() AND c.id = f.id
   WHERE app_may_see_performance_of(c.recorded_by_user_id)
   ORDER BY c.started_at DESC, c.id DESC`;

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
