import type { Timeline } from './timeline.ts';
import type { QuestionKind } from './types.ts';

export type Question = { seconds: number | null; segment: number; kind: QuestionKind; text: string };

const QUESTION_TEXT_MAX = 200;

// Words that open a sentence without telling what kind of question follows ("So, what…").
const LEAD_INS = new Set([
  'so',
  'and',
  'but',
  'okay',
  'ok',
  'well',
  'now',
  'um',
  'uh',
  'right',
  'yeah',
  'alright',
  'then',
  'also',
]);
const OPEN_STARTS = new Set(['what', 'how', 'why', 'who', 'where', 'when', 'which', 'describe', 'explain']);
const OPEN_PHRASES = ['tell me', 'walk me through', 'talk me through', 'help me understand'];
const OPEN_PHRASE_WORDS = Math.max(...OPEN_PHRASES.map((phrase) => phrase.split(' ').length));
const CLOSED_STARTS = new Set([
  'do',
  'does',
  'did',
  'is',
  'are',
  'was',
  'were',
  'am',
  'can',
  'could',
  'will',
  'would',
  'should',
  'shall',
  'may',
  'might',
  'must',
  'have',
  'has',
  'had',
  "don't",
  "doesn't",
  "didn't",
  "isn't",
  "aren't",
  "wasn't",
  "weren't",
  "can't",
  "couldn't",
  "won't",
  "wouldn't",
  "shouldn't",
  "haven't",
  "hasn't",
]);

/**
 * Sentences of a text: split after ? (and the full-width ？。！) wherever it is, and after . or !
 * only when a space follows, so "3.5" stays whole.
 */
function sentences(text: string): string[] {
  return text
    .split(/(?<=[?？。！])|(?<=[.!]\s)/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => /[\p{L}\p{N}]/u.test(sentence));
}

const isQuestion = (sentence: string) => /[?？]$/.test(sentence) || sentence.startsWith('¿');

/** Open or closed, from how an English question begins; anything else is unknown. */
export function questionKind(question: string): QuestionKind {
  const words = question
    .toLowerCase()
    .replace(/’/g, "'")
    .split(/[^\p{L}\p{N}']+/u)
    .filter(Boolean);
  // An index, not shift(): shifting a long run of lead-ins ("so so so …?") was quadratic.
  let at = 0;
  while (at < words.length - 1 && LEAD_INS.has(words[at]!)) at += 1;
  const first = (words[at] ?? '').replace(/'(s|re|d|ll|ve)$/, '');
  // The open phrases are at most three words long: their opening is all that is compared.
  const opening = `${words.slice(at, at + OPEN_PHRASE_WORDS).join(' ')} `;
  if (OPEN_STARTS.has(first) || OPEN_PHRASES.some((phrase) => opening.startsWith(`${phrase} `))) return 'open';
  if (CLOSED_STARTS.has(words[at] ?? '')) return 'closed';
  return 'unknown';
}

/**
 * Questions the rep asked: sentences ending in a question mark (or opening with the Spanish
 * ¿). Their kind is read only for English; in other languages every question is 'unknown'.
 */
export function repQuestions(timeline: Timeline, english: boolean): Question[] {
  const found: Question[] = [];
  for (const segment of timeline.segments) {
    if (segment.speaker.side !== 'rep') continue;
    for (const sentence of sentences(segment.text)) {
      if (!isQuestion(sentence)) continue;
      found.push({
        seconds: segment.start,
        segment: segment.index,
        kind: english ? questionKind(sentence) : 'unknown',
        text: sentence.length > QUESTION_TEXT_MAX ? `${sentence.slice(0, QUESTION_TEXT_MAX - 1)}…` : sentence,
      });
    }
  }
  return found;
}
