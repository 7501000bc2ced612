/**
 * Fathom's JSON as PostgreSQL can store it. A text or jsonb value cannot hold U+0000, and jsonb
 * refuses a lone surrogate (`\ud800`); a meeting carrying either, in a transcript line or a
 * title, would fail every attempt to store it, and with it the sync page or webhook it came in.
 * NULs are dropped and lone surrogates become U+FFFD, in values and in keys.
 */
export function parseFathomJson(text: string): unknown {
  // The reviver costs about a millisecond per meeting; a text with nothing to clean
  // (the usual case) is parsed without it.
  return MAY_NEED_CLEANING.test(text) ? JSON.parse(text, storable) : JSON.parse(text);
}

// Anything in the JSON text that could decode to a NUL or a surrogate: the character itself, or
// its \u escape (0000, d800-dfff, either case). Paired surrogates (emoji) take the slow path too.
const MAY_NEED_CLEANING = /[\ud800-\udfff]|\\u(?:0000|[dD][89a-fA-F])/;

// A NUL, or a high surrogate not followed by a low one, or a low one not preceded by a high one.
// eslint-disable-next-line no-control-regex -- finding U+0000 is this pattern's job
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const needsCleaning = (value: string) => value.search(UNSTORABLE) >= 0;
const clean = (value: string) => value.replace(UNSTORABLE, (match) => (match === '\u0000' ? '' : '\ufffd'));

function storable(_key: string, value: unknown): unknown {
  if (typeof value === 'string') return needsCleaning(value) ? clean(value) : value;
  // Called for an object after its members: rebuild it only when a key needs cleaning.
  if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).some(needsCleaning)) {
    return Object.fromEntries(Object.entries(value).map(([key, member]) => [clean(key), member]));
  }
  return value;
}
