import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenancy.ts';
import { refreshStatistics, statisticsDue } from './freshStatistics.ts';
import { LinkCache, rememberingLinker } from './linkCache.ts';
import { LOOKUP_BATCH, PendingLinks, pendingInDatabase, writeReadyLinks, type ReadyLinks } from './pendingLinks.ts';
import type { CrmLink, MeetingSource, RecordLinker, SyncIncident } from './ports.ts';
import {
  externalEmails,
  prepareMeetings,
  storeMeetings,
  type AnalyseFn,
  type PreparedMeeting,
} from './storeMeetings.ts';

export type SyncKind = 'backfill' | 'incremental' | 'webhook';

export type SyncProgress = {
  logId: string;
  kind: SyncKind;
  pages: number;
  meetingsNew: number;
  meetingsUpdated: number;
  meetingsUnchanged: number;
  errors: number;
  /** The oldest call start seen so far: how far back in time the (newest-first) backfill reached. */
  oldestStartedAt: string | null;
  /** The date the backfill goes back to, when the admin chose one. */
  since: string | null;
};

export type SyncOptions = {
  accountId: string;
  source: MeetingSource;
  analyse: AnalyseFn;
  linker?: RecordLinker | undefined;
  jobId?: string | undefined;
  /** Re-read recent history this far back on incremental runs, for meetings that finished processing late. */
  overlapMs?: number;
  onProgress?: (progress: SyncProgress) => void;
  /** Lets the caller collect retried failures (429s, 5xx) the source recovered from. */
  incidents?: SyncIncident[];
};

type ConnectionState = {
  id: string;
  sync_cursor: string | null;
  backfill_since: Date | null;
  backfill_completed_at: Date | null;
  last_synced_at: Date | null;
};

const CONNECTION = `
  SELECT id, sync_cursor, backfill_since, backfill_completed_at, last_synced_at
    FROM api_connections WHERE account_id = app_account_id() AND provider = 'fathom' AND status = 'active'`;

const START_LOG = `
  WITH interrupted AS (
    UPDATE sync_logs SET status = 'failed', finished_at = now(),
           error_messages = array_append(error_messages, 'interrupted: the worker stopped; the next run resumed from the last stored page')
     WHERE account_id = app_account_id() AND status = 'running'
  )
  INSERT INTO sync_logs (account_id, connection_id, kind, job_id, since)
  VALUES (app_account_id(), $1, $2, $3, $4) RETURNING id`;

// A page's cursor and its counts, in one statement of the page's transaction.
const PAGE_DONE = `
  WITH cursor AS (
    UPDATE api_connections SET sync_cursor = $8, updated_at = now() WHERE account_id = app_account_id() AND id = $7
  )
  UPDATE sync_logs SET pages = pages + 1, meetings_new = meetings_new + $2, meetings_updated = meetings_updated + $3,
         meetings_unchanged = meetings_unchanged + $4, errors = errors + $5,
         error_messages = (error_messages || $6::text[])[1:50],
         reached_at = least(reached_at, $9::timestamptz)
   WHERE account_id = app_account_id() AND id = $1`;

// The end of a run, in its last page's transaction.
const RUN_DONE = `
  WITH connection AS (
    UPDATE api_connections SET sync_cursor = NULL, last_synced_at = $2, last_error = NULL,
           backfill_completed_at = coalesce(backfill_completed_at, $2), updated_at = now()
     WHERE account_id = app_account_id() AND id = $1
  )
  UPDATE sync_logs SET status = 'succeeded', finished_at = now() WHERE account_id = app_account_id() AND id = $3`;

// The oldest call start of a page (null for an empty page: least() ignores it).
const oldestOf = (meetings: ReadonlyArray<{ startedAt: Date }>) =>
  meetings.reduce<Date | null>((oldest, m) => (!oldest || m.startedAt < oldest ? m.startedAt : oldest), null);

export class NotConnected extends Error {
  override name = 'NotConnected';
}

/**
 * One sync run of one account: the backfill until it completes, then incremental runs. Each page
 * is stored in one transaction together with the cursor that follows it, so a run that dies
 * resumes at the first page it did not store: no meeting lost, none stored twice.
 */
export async function runSync(db: Database, options: SyncOptions): Promise<SyncProgress> {
  const tenant = { accountId: options.accountId };
  const { connection, logId } = await withTenant(db, tenant, async (tx) => {
    const state = (await tx.query<ConnectionState>(CONNECTION)).rows[0];
    if (!state) throw new NotConnected('Fathom is not connected for this account.');
    const kind: SyncKind = state.backfill_completed_at ? 'incremental' : 'backfill';
    const since = kind === 'backfill' ? state.backfill_since : null;
    const log = (await tx.query<{ id: string }>(START_LOG, [state.id, kind, options.jobId ?? null, since])).rows[0]!;
    return { connection: state, logId: log.id };
  });
  const kind: SyncKind = connection.backfill_completed_at ? 'incremental' : 'backfill';
  const startedAt = new Date();
  const createdAfter =
    kind === 'backfill'
      ? connection.backfill_since
      : new Date(
          (connection.last_synced_at ?? connection.backfill_completed_at!).getTime() -
            (options.overlapMs ?? 6 * 3_600_000),
        );
  // A backfill resumes at its saved cursor; an incremental run starts from the newest meeting.
  const cursor = kind === 'backfill' ? connection.sync_cursor : null;
  const progress: SyncProgress = {
    logId,
    kind,
    pages: 0,
    meetingsNew: 0,
    meetingsUpdated: 0,
    meetingsUnchanged: 0,
    errors: 0,
    oldestStartedAt: null,
    since: createdAfter?.toISOString() ?? null,
  };
  const incidents = options.incidents ?? [];
  let reported = 0;
  // Every email is looked up once per run, whatever page it shows up on again. A page is stored
  // with the links of the emails already known; the others are looked up LOOKUP_BATCH at a time
  // across pages, and their meetings (marked pending in the page's transaction) linked then.
  const known = new LinkCache(Number.POSITIVE_INFINITY);
  const pending = options.linker && new PendingLinks(rememberingLinker(options.linker, known), known);
  const linkReady = async (limit?: number) => {
    const ready = await pending!.take(limit);
    if (ready.conversationIds.length) await withTenant(db, tenant, (tx) => writeReadyLinks(tx, ready));
    pending!.done(ready);
  };

  // Read a page and analyse it: everything before its transaction.
  const readPage = async (from: string | null) => {
    const page = await options.source.listPage({ cursor: from, createdAfter });
    const links = new Map<string, CrmLink[]>();
    const notLookedUp = new Set<string>();
    if (pending)
      for (const email of page.meetings.flatMap(externalEmails)) {
        const answer = known.get(email);
        if (answer) links.set(email, answer);
        else notLookedUp.add(email);
      }
    // One meeting at a time, yielding in between: the page being stored meanwhile sends its next
    // statement as soon as the database answers, instead of after the whole page is analysed.
    const prepared: PreparedMeeting[] = [];
    for (const meeting of page.meetings) {
      prepared.push(...prepareMeetings([meeting], options.analyse, links, notLookedUp));
      await nextTurn();
    }
    return { page, prepared, notLookedUp };
  };

  try {
    // Meetings an earlier run stored but died before linking.
    if (pending)
      for (const left of await withTenant(db, tenant, pendingInDatabase))
        pending.add(left.id, left.emails, left.started_at);
    let current = await readPage(cursor);
    for (;;) {
      const { page, prepared, notLookedUp } = current;
      // While this page is stored (the database works), the next one is read and analysed (this
      // process works). So two pages are in flight at most: the one being stored and the next.
      const upcoming = page.nextCursor ? readPage(page.nextCursor) : null;
      upcoming?.catch(() => {});
      // The run ends in its last page's transaction: the emails still waiting are looked up first,
      // so the last page, the links of every page and the run's end commit together.
      const last = !upcoming;
      if (last) await pending?.lookUp(notLookedUp);
      let ready: ReadyLinks | undefined;
      const counts = await withTenant(db, tenant, async (tx) => {
        const pageCounts = { new: 0, updated: 0, unchanged: 0 };
        const { stored, notStored } = await storeMeetings(tx, options.accountId, prepared);
        for (const meeting of stored) pageCounts[meeting.change] += 1;
        // A meeting the database refused is an incident of the run; the page and the cursor move on.
        for (const failed of notStored)
          incidents.push({ message: `meeting ${failed.externalId} was not stored: ${failed.message}` });
        const newIncidents = incidents.slice(reported).map((incident) => incident.message);
        await tx.query(PAGE_DONE, [
          logId,
          pageCounts.new,
          pageCounts.updated,
          pageCounts.unchanged,
          newIncidents.length,
          newIncidents,
          connection.id,
          kind === 'backfill' ? page.nextCursor : null,
          oldestOf(page.meetings),
        ]);
        if (pending) {
          const idOf = new Map(stored.map((meeting) => [meeting.externalId, meeting.conversationId]));
          for (const { conversation } of prepared) {
            const emails = externalEmails(conversation).filter((email) => notLookedUp.has(email));
            const id = idOf.get(conversation.externalId);
            if (emails.length && id) pending.add(id, emails, conversation.startedAt);
          }
        }
        if (last) {
          if (pending?.meetings) await writeReadyLinks(tx, (ready = await pending.take()));
          await tx.query(RUN_DONE, [connection.id, startedAt, logId]);
        }
        return { ...pageCounts, incidents: newIncidents.length };
      });
      reported += counts.incidents;
      if (ready) pending!.done(ready);
      if (pending && !last) while (pending.notLookedUp().length >= LOOKUP_BATCH) await linkReady(LOOKUP_BATCH);

      if (statisticsDue(progress.meetingsNew, progress.meetingsNew + counts.new)) await refreshStatistics(db);
      progress.pages += 1;
      progress.meetingsNew += counts.new;
      progress.meetingsUpdated += counts.updated;
      progress.meetingsUnchanged += counts.unchanged;
      progress.errors += counts.incidents;
      for (const meeting of page.meetings) {
        const started = meeting.startedAt.toISOString();
        if (!progress.oldestStartedAt || started < progress.oldestStartedAt) progress.oldestStartedAt = started;
      }
      options.onProgress?.({ ...progress });
      if (!upcoming) break;
      current = await upcoming;
    }
    return progress;
  } catch (error) {
    const message = (error as Error).message;
    await withTenant(db, tenant, async (tx) => {
      await tx.query(
        `UPDATE sync_logs SET status = 'failed', finished_at = now(), errors = errors + 1,
                error_messages = (error_messages || ARRAY[$2::text])[1:50]
          WHERE account_id = app_account_id() AND id = $1`,
        [logId, message],
      );
      await tx.query(`UPDATE api_connections SET last_error = $2 WHERE account_id = app_account_id() AND id = $1`, [
        connection.id,
        message,
      ]);
    }).catch(() => {});
    throw error;
  }
}
