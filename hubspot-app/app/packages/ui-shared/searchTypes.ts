/**
 * A transcript line of a found call that matches the search: its second in the call, its text, and
 * the recording opened at that second (null when the call has no recording link).
 */
export type SearchMoment = { seconds: number; text: string; playbackUrl: string | null };

/** A call found by `GET /api/search` (docs/api.md): newest first, with the lines that match. */
export type SearchHit = {
  id: string;
  title: string;
  startedAt: string;
  repEmail: string | null;
  /** The recording's link (Fathom), to open it at a moment's second; null when the call has none. */
  url: string | null;
  moments: SearchMoment[];
};

export type SearchResults = { items: SearchHit[]; nextCursor: string | null };
