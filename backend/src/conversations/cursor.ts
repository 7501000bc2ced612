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
