import type { Database } from '../db/database.ts';

// PostgreSQL plans a foreign-key check once per connection and keeps that plan. Planned while the
// tables were nearly empty (a fresh install's first backfill), the check of each transcript line
// against its call picked an index on the account alone and read every call of the account: the
// backfill slowed down page after page (3 ms of checks on the 3rd page, 50 ms on the 95th; the
// sync benchmark found it). New statistics make every connection plan it again, by the right
// index. Autovacuum gathers them on a server within a minute or so; the embedded engine has no
// autovacuum at all. So a run gathers them itself each time the meetings it stored double.
const TABLES =
  'conversations, conversation_participants, transcript_segments, conversation_analyses, conversation_crm_links';
const FIRST = 64;

/** True when a run that has stored `stored` new meetings, `before` of them until this page, should refresh them. */
export function statisticsDue(before: number, stored: number): boolean {
  for (let mark = FIRST; mark <= stored; mark *= 2) if (mark > before) return true;
  return false;
}

/**
 * ANALYZE of the tables a sync writes, as the connecting role (the tables' owner; any other role
 * is only warned and skipped). Takes no lock that holds up writers.
 */
export async function refreshStatistics(db: Database): Promise<void> {
  await db.query(`ANALYZE ${TABLES}`);
}
