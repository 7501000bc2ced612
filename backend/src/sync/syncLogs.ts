import type { Queryable } from '../db/database.ts';

export type SyncLogItem = {
  id: string;
  kind: 'backfill' | 'incremental' | 'webhook';
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  durationSeconds: number | null;
  pages: number;
  meetingsNew: number;
  meetingsUpdated: number;
  meetingsUnchanged: number;
  errors: number;
  errorMessages: string[];
};

type Row = {
  id: string;
  kind: SyncLogItem['kind'];
  status: SyncLogItem['status'];
  started_at: Date;
  finished_at: Date | null;
  pages: number;
  meetings_new: number;
  meetings_updated: number;
  meetings_unchanged: number;
  errors: number;
  error_messages: string[];
};

/** The account's most recent sync runs, newest first. */
export async function listSyncLogs(tx: Queryable, limit = 20): Promise<SyncLogItem[]> {
  const { rows } = await tx.query<Row>(
    `SELECT id, kind, status, started_at, finished_at, pages, meetings_new, meetings_updated, meetings_unchanged, errors, error_messages
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
  }));
}
