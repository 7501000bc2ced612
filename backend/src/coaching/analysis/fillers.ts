import type { Timeline } from './timeline.ts';

type FillerRule = { word: string; pattern: RegExp; notAfter?: ReadonlySet<string> };

// Edges exclude hyphens so the agreeing "uh-huh" is not a filler.
const EDGE_BEFORE = "(?<![\\p{L}\\p{N}'-])";
const EDGE_AFTER = "(?![\\p{L}\\p{N}'-])";

/**
 * English fillers. "like", "you know" and "I mean" are also ordinary words, so they count only
 * where transcripts set them off as asides: followed by punctuation ("it's like, huge", "we,
 * you know, tried"), and not after a word that makes them meaningful ("I'd like, if…", "as you
 * know,", "do you know?", "I'll let you know.").
 */
const RULES: readonly FillerRule[] = [
  { word: 'um', pattern: new RegExp(`${EDGE_BEFORE}(?:u+m+|u+h+m+|e+r+m+)${EDGE_AFTER}`, 'giu') },
  { word: 'uh', pattern: new RegExp(`${EDGE_BEFORE}(?:u+h+|e+r+)${EDGE_AFTER}`, 'giu') },
  {
    word: 'like',
    pattern: new RegExp(`${EDGE_BEFORE}like(?=,)`, 'giu'),
    notAfter: new Set([
      'i',
      'we',
      'you',
      'they',
      "i'd",
      "we'd",
      "you'd",
      "they'd",
      'would',
      'to',
      "don't",
      "didn't",
      'really',
    ]),
  },
  {
    word: 'you know',
    pattern: new RegExp(`${EDGE_BEFORE}you know(?=\\s*(?:[,.!?;]|$))`, 'giu'),
    notAfter: new Set([
      'do',
      'did',
      "don't",
      "didn't",
      'if',
      'as',
      'would',
      'let',
      'will',
      "i'll",
      "we'll",
      'could',
      'can',
    ]),
  },
  { word: 'I mean', pattern: new RegExp(`${EDGE_BEFORE}i mean(?=,)`, 'giu'), notAfter: new Set(['what']) },
];

/**
 * How far back the word before a filler is looked for. A bounded look-behind keeps the rule
 * linear: the word before each match is read from at most this many characters, never from the
 * start of the text (which made a segment of `like, like, …` quadratic). The words that cancel a
 * filler are short, so a longer word, or a word further back, is "no such word".
 */
export const FILLER_LOOK_BEHIND = 64;

function wordBefore(text: string, index: number): string {
  const from = Math.max(0, index - FILLER_LOOK_BEHIND);
  const found = /([\p{L}']+)[^\p{L}']*$/u.exec(text.slice(from, index));
  if (!found) return '';
  // A word that reaches the window's edge may go on before it: it is not one of the short words.
  if (found.index === 0 && from > 0 && /[\p{L}']$/u.test(text.slice(Math.max(0, from - 2), from))) return '';
  return found[1]!.toLowerCase();
}

/** Fillers in one text, by filler. */
export function countFillers(text: string): Record<string, number> {
  const plain = text.replace(/’/g, "'");
  const counts: Record<string, number> = {};
  for (const rule of RULES) {
    for (const match of plain.matchAll(rule.pattern)) {
      if (rule.notAfter?.has(wordBefore(plain, match.index))) continue;
      counts[rule.word] = (counts[rule.word] ?? 0) + 1;
    }
  }
  return counts;
}

/** Fillers the rep side said, by filler. */
export function repFillers(timeline: Timeline): { total: number; byWord: Record<string, number> } {
  const byWord: Record<string, number> = {};
  let total = 0;
  for (const segment of timeline.segments) {
    if (segment.speaker.side !== 'rep') continue;
    for (const [word, count] of Object.entries(countFillers(segment.text))) {
      byWord[word] = (byWord[word] ?? 0) + count;
      total += count;
    }
  }
  return { total, byWord };
}
