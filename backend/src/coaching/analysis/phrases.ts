export type PhraseMatcher = { phrase: string; pattern: RegExp };

const escape = (token: string) => token.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/'/g, "['’]");

/**
 * A case-insensitive whole-phrase matcher: "price" does not match "priceless", "follow up"
 * matches "follow-up" and "Follow  up", and straight and curly apostrophes are the same.
 * Word edges are Unicode letters and digits, so it works for accented and non-Latin text.
 */
export function phraseMatcher(phrase: string): PhraseMatcher | null {
  // Every call analysed compiles the same hundred-odd phrases: compile each once. A matcher has
  // no state (no `g` flag, so `test` keeps no lastIndex), so sharing it is safe.
  const known = compiled.get(phrase);
  if (known !== undefined) return known;
  const matcher = compile(phrase);
  if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
  compiled.set(phrase, matcher);
  return matcher;
}

const MAX_COMPILED = 10_000;
const compiled = new Map<string, PhraseMatcher | null>();

function compile(phrase: string): PhraseMatcher | null {
  const tokens = phrase
    .trim()
    .toLowerCase()
    .replace(/’/g, "'")
    .split(/[\s-]+/)
    .filter(Boolean);
  if (tokens.length === 0) return null;
  const body = tokens.map(escape).join('[\\s-]+');
  return { phrase: tokens.join(' '), pattern: new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, 'iu') };
}

/** Matchers for a list of phrases, without blanks or repeats. */
export function phraseMatchers(phrases: Iterable<unknown>): PhraseMatcher[] {
  const byPhrase = new Map<string, PhraseMatcher>();
  for (const phrase of phrases) {
    if (typeof phrase !== 'string') continue;
    const matcher = phraseMatcher(phrase);
    if (matcher && !byPhrase.has(matcher.phrase)) byPhrase.set(matcher.phrase, matcher);
  }
  return [...byPhrase.values()];
}

/** The phrases found in the text, in the matchers' order. */
export function phrasesIn(text: string, matchers: readonly PhraseMatcher[]): string[] {
  return matchers.filter((matcher) => matcher.pattern.test(text)).map((matcher) => matcher.phrase);
}
