import { z } from 'zod';

// JavaScript dates reach years ±275760; PostgreSQL's timestamps stop at 4713 BC and 294276 AD, so a
// date outside them fails in the database (a 500). Calls and periods lie well inside these bounds.
const EARLIEST = new Date('2000-01-01T00:00:00Z');
const LATEST = new Date('2100-01-01T00:00:00Z');
const BOUNDS = 'dates run from 2000-01-01 to 2100-01-01';

/** A date of a period or a filter, given as text (a bare date means midnight UTC), 2000 to 2100. */
export const boundedDate = z.coerce.date().min(EARLIEST, BOUNDS).max(LATEST, BOUNDS);

/** A calendar day (YYYY-MM-DD), 2000 to 2100. */
export const boundedDay = z.iso.date().refine((day) => day >= '2000-01-01' && day < '2100-01-01', BOUNDS);

/**
 * A cursor this API issued: base64url (conversations/cursor.ts), so no control character nor
 * anything else; what it decodes to is checked there.
 */
export const cursorParam = (maxLength: number) =>
  z
    .string()
    .min(1)
    .max(maxLength)
    .regex(/^[A-Za-z0-9_-]+$/, 'not a cursor this API issued');
