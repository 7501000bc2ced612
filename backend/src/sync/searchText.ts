import type { IncomingConversation } from './incoming.ts';

/**
 * At most this many bytes (UTF-8) of a call are indexed for search. PostgreSQL refuses a tsvector
 * over 1 MB ("string is too long for tsvector"), and a transcript of 60,000 distinct words makes
 * one; the error aborted the whole page's transaction, so the backfill retried that page forever.
 * A tsvector costs at most about five bytes per byte of text in the worst case (distinct short
 * words, each hyphenated compound indexed whole and in parts), so 150 KB keeps it far below the
 * limit; that is the first two and a half hours or so of talk, which is what coaching search uses.
 */
export const MAX_SEARCH_TEXT_BYTES = 150_000;

// A "word" this long is no word anyone searches for (a pasted token, a hash, a data URL).
const LONG_TOKEN = /\S{100,}/gu;

/**
 * The text indexed for a call (search across calls, coaching suggestions): its title, summary and
 * transcript, bounded, cut at a character boundary.
 */
export function searchText(
  conversation: Pick<IncomingConversation, 'title' | 'segments'> & { summaryMarkdown?: string | null },
): string {
  const parts = [conversation.title];
  if (conversation.summaryMarkdown) parts.push(conversation.summaryMarkdown.slice(0, MAX_SEARCH_TEXT_BYTES));
  let bytes = Buffer.byteLength(parts.join(' '));
  for (const segment of conversation.segments) {
    if (bytes >= MAX_SEARCH_TEXT_BYTES) break;
    const text =
      segment.text.length > MAX_SEARCH_TEXT_BYTES ? segment.text.slice(0, MAX_SEARCH_TEXT_BYTES) : segment.text;
    parts.push(text.replace(LONG_TOKEN, ' '));
    bytes += Buffer.byteLength(parts[parts.length - 1]!) + 1;
  }
  const joined = parts.join(' ');
  if (Buffer.byteLength(joined) <= MAX_SEARCH_TEXT_BYTES) return joined;
  // Cut by bytes, then drop a character the cut may have split.
  return Buffer.from(joined)
    .subarray(0, MAX_SEARCH_TEXT_BYTES)
    .toString('utf8')
    .replace(/\uFFFD$/u, '');
}
