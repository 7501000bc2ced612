import { InvalidInput } from '../errors.ts';

export type Position = { startedAt: Date; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Opaque keyset cursor: the sort key and the id of the last item of the previous page. */
export function encodeKeyCursor(key: string, id: string): string {
  return Buffer.from(`${key}|${id}`).toString('base64url');
}

/** The key and id of a cursor encodeKeyCursor issued (the key may hold '|': the id never does). */
export function decodeKeyCursor(cursor: string): { key: string; id: string } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const cut = text.lastIndexOf('|');
  const id = text.slice(cut + 1);
  // A key we issued is a time or an email: never a control character (a NUL fails in PostgreSQL).
  if (cut < 0 || !UUID.test(id) || CONTROL.test(text)) throw new InvalidInput('cursor: not a cursor this API issued');
  return { key: text.slice(0, cut), id };
}

/** A keyset cursor over (started_at, id), newest first. */
export function encodeCursor(position: Position): string {
  return encodeKeyCursor(position.startedAt.toISOString(), position.id);
}

export function decodeCursor(cursor: string): Position {
  const { key, id } = decodeKeyCursor(cursor);
  const startedAt = new Date(key);
  if (Number.isNaN(startedAt.getTime())) throw new InvalidInput('cursor: not a cursor this API issued');
  return { startedAt, id };
}

/** The cursor after a row of a (started_at, id) keyset query. */
export const afterStartedAt = (row: { started_at: Date; id: string }) =>
  encodeCursor({ startedAt: row.started_at, id: row.id });

/**
 * A page of a keyset query that asked for `limit + 1` rows: the first `limit` rows as items, and
 * the cursor after the last of them (cursorAfter) when the extra row says there are more.
 */
export function keysetPage<Row, Item>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
  cursorAfter: (row: Row) => string,
): { items: Item[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toItem),
    nextCursor: rows.length > limit && last ? cursorAfter(last) : null,
  };
}
