import { InvalidInput } from '../errors.ts';

export type Position = { startedAt: Date; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Opaque keyset cursor: the (started_at, id) of the last item of the previous page. */
export function encodeCursor(position: Position): string {
  return Buffer.from(`${position.startedAt.toISOString()}|${position.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): Position {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const startedAt = new Date(iso ?? '');
  if (!id || !UUID.test(id) || Number.isNaN(startedAt.getTime()))
    throw new InvalidInput('cursor: not a cursor this API issued');
  return { startedAt, id };
}

/**
 * A page of a keyset query that asked for `limit + 1` rows, newest first: the first `limit` rows
 * as items, and the cursor after the last of them when the extra row says there are more.
 */
export function keysetPage<Row extends { started_at: Date; id: string }, Item>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
): { items: Item[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toItem),
    nextCursor: rows.length > limit && last ? encodeCursor({ startedAt: last.started_at, id: last.id }) : null,
  };
}
