import type { Database } from '../../backend/src/db/database.ts';
import { withSystem } from '../../backend/src/db/tenancy.ts';
import type { JobTuning } from '../../backend/src/jobs/boss.ts';
import type { FathomStandIn } from './fathomStandIn.ts';

/**
 * Queue settings for crash tests: pg-boss's shortest heartbeat (10 s), a supervisor pass every
 * second and a retry after a second or two, so a killed worker's job is handed out again within
 * about 15 s instead of minutes. Production keeps the defaults (60 s heartbeat and supervisor).
 */
export const FAST_RECOVERY: JobTuning = { heartbeatSeconds: 10, superviseIntervalSeconds: 1, retryDelaySeconds: 1 };

/** Polls `check` until it holds; the error names what was awaited and what `describe` says of it. */
export async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  options: { timeoutMs?: number; describe?: () => Promise<string> | string } = {},
) {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${options.describe ? `: ${await options.describe()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export type StoredMeetings = {
  /** Conversation rows of the account. */
  conversations: number;
  /** Distinct Fathom recordings among them. */
  recordings: number;
  /** Conversations that have their analysis. */
  analysed: number;
};

/** What the account has stored, read as the system role. */
export async function storedMeetings(db: Database, accountId: string): Promise<StoredMeetings> {
  return withSystem(
    db,
    async (tx) =>
      (
        await tx.query<StoredMeetings>(
          `SELECT count(*)::int AS conversations, count(DISTINCT c.external_id)::int AS recordings,
              count(a.conversation_id)::int AS analysed
         FROM conversations c
         LEFT JOIN conversation_analyses a ON a.account_id = c.account_id AND a.conversation_id = c.id
        WHERE c.account_id = $1`,
          [accountId],
        )
      ).rows[0]!,
  );
}

/** The states of a queue's jobs in pg-boss, with how often each was retried. */
export async function jobStates(
  db: Database,
  queue: string,
): Promise<Array<{ id: string; state: string; retryCount: number }>> {
  return (
    await db.query<{ id: string; state: string; retryCount: number }>(
      `SELECT id::text, state::text, retry_count AS "retryCount" FROM pgboss.job WHERE name = $1 ORDER BY created_on`,
      [queue],
    )
  ).rows;
}

/**
 * How often the sync read each page of meetings from the Fathom stand-in, by the cursor that asked
 * for it ('first' for the first page). Only the sync's page reads count: those with transcripts,
 * not the key check made when Fathom is connected.
 */
export function pageReads(fathom: FathomStandIn): Map<string, number> {
  const reads = new Map<string, number>();
  for (const request of fathom.requests) {
    if (request.endpoint !== 'GET /meetings' || request.query.get('include_transcript') !== 'true') continue;
    const cursor = request.query.get('cursor') ?? 'first';
    reads.set(cursor, (reads.get(cursor) ?? 0) + 1);
  }
  return reads;
}

/**
 * The pages a kill may leave to be read again: the sync stores one page while it reads the next,
 * so when it dies with `committed` as its stored cursor, that page and the one after it (in the
 * order the backfill first read them) were in flight. Any other page read again was stored.
 */
export function inFlightAt(fathom: FathomStandIn, committed: string): string[] {
  const order: string[] = [];
  for (const request of fathom.requests) {
    if (request.endpoint !== 'GET /meetings' || request.query.get('include_transcript') !== 'true') continue;
    const cursor = request.query.get('cursor') ?? 'first';
    if (!order.includes(cursor)) order.push(cursor);
  }
  const at = order.indexOf(committed);
  return at < 0 ? [committed] : order.slice(at, at + 2);
}

/** The backfill's committed cursor ('first' when none is stored yet). */
export async function storedCursor(db: Database, accountId: string): Promise<string> {
  const row = (
    await withSystem(db, (tx) =>
      tx.query<{ sync_cursor: string | null }>(
        `SELECT sync_cursor FROM api_connections WHERE account_id = $1 AND provider = 'fathom'`,
        [accountId],
      ),
    )
  ).rows[0];
  return row?.sync_cursor ?? 'first';
}
