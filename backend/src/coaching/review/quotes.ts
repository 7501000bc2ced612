/** A transcript line as the review reads it. */
export type ReviewLine = { speaker: string; isExternal: boolean | null; text: string; startSeconds: number | null };

export type FoundQuote = { text: string; seconds: number | null };

// Shortest quote worth checking: "yes" occurs in every call and proves nothing.
const MIN_QUOTE_CHARS = 12;
const MAX_QUOTE_CHARS = 400;

/** Case and spacing do not count; typographic quotes and dashes read as plain ones. */
export function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201a\u201b]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

// Models wrap quotes in quotation marks or ellipses of their own; those are not the speaker's words.
const unwrap = (quote: string) =>
  quote
    .trim()
    .replace(/^["'\u201c\u2018.…\s]+|["'\u201d\u2019.…\s]+$/g, '')
    .trim();

/**
 * Finds quotes in a transcript: a quote counts only when it occurs verbatim (normalised for case
 * and spacing) in the transcript's text, within a line or across consecutive lines. Its second is
 * the start of the line it begins in (the transcript's, never the model's); of several
 * occurrences, the one nearest the second the model gave.
 */
export function quoteFinder(
  lines: readonly ReviewLine[],
): (quote: string, hintSeconds: number | null) => FoundQuote | null {
  // The lines' normalised text joined by single spaces, and where each line starts in it.
  const starts: number[] = [];
  let text = '';
  for (const line of lines) {
    if (text) text += ' ';
    starts.push(text.length);
    text += normalise(line.text);
  }
  const lineAt = (offset: number) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return lines[low]!;
  };
  return (quote, hintSeconds) => {
    const wanted = normalise(unwrap(quote));
    if (wanted.length < MIN_QUOTE_CHARS || wanted.length > MAX_QUOTE_CHARS) return null;
    let best: FoundQuote | null = null;
    let bestDistance = Infinity;
    for (let at = text.indexOf(wanted); at >= 0; at = text.indexOf(wanted, at + 1)) {
      const seconds = lineAt(at).startSeconds;
      const distance = hintSeconds === null || seconds === null ? 0 : Math.abs(seconds - hintSeconds);
      if (distance < bestDistance) {
        best = { text: unwrap(quote), seconds };
        bestDistance = distance;
      }
      if (distance === 0) break;
    }
    return best;
  };
}
