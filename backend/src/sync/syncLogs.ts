import type { SyncLog } from '../../../hubspot-app/app/packages/ui-shared/types.ts';
import type { Queryable } from '../db/database.ts';

type Row = {
  id: string;
  kind: SyncLog['kind'];
  status: SyncLog['status'];
  started_at: Date;
  finished_at: Date | null;
  pages: number;
  meetings_new: number;
  meetings_updated: number;
  meetings_unchanged: number;
  errors: number;
  error_messages: string[];
  since: Date | null;
  reached_at: Date | null;
};

/** The account's most recent sync runs, newest first. */
export async function listSyncLogs(tx: Queryable, limit = 20): Promise<SyncLog[]> {
  const { rows } = await tx.query<Row>(
    `SELECT id, kind, status, started_at, finished_at, pages, meetings_new, meetings_updated, meetings_unchanged, errors, error_messages, since, reached_at
       FROM sync_logs WHERE account_id = app_account_id() ORDER BY started_at DESC, id DESC LIMIT $1`,
    [limit],
  );
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    status: row.status,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    durationSeconds: row.finished_at
      ? Math.round((row.finished_at.getTime() - row.started_at.getTime()) / 100) / 10
      : null,
    pages: row.pages,
    meetingsNew: row.meetings_new,
    meetingsUpdated: row.meetings_updated,
    meetingsUnchanged: row.meetings_unchanged,
    errors: row.errors,
    errorMessages: row.error_messages,
    since: row.since?.toISOString() ?? null,
    reachedAt: row.reached_at?.toISOString() ?? null,
  }));
}
