import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/database.ts';
import type { CrmObjectType } from '../../../../hubspot-app/app/packages/ui-shared/crmObjectTypes.ts';

// What each HubSpot record's calls say now, from the links alone, like the cards: a company's
// calls are the links made for it from its contacts and its deals (hubspot/recordLinker.ts), one
// link per call and record (the links' unique key), so each call counts once. The open action
// items and the score are the copies the conversations card shows (conversation_open_action_items,
// conversation_score: the call's card_open_action_items and card_score). Run as the backend's own
// work for the tenant: every call of the portal counts, whoever recorded it.
const CURRENT_SQL = `
  SELECT l.object_type, l.object_id::text AS object_id,
         count(*)::int AS calls,
         max(l.conversation_started_at) AS last_call_at,
         (array_agg(l.conversation_title ORDER BY l.conversation_started_at DESC, l.conversation_id DESC))[1] AS last_title,
         (array_agg(l.conversation_url ORDER BY l.conversation_started_at DESC, l.conversation_id DESC))[1] AS last_url,
         coalesce(sum(l.conversation_open_action_items), 0)::int AS open_action_items,
         round(avg(l.conversation_score))::int AS average_score
    FROM conversation_crm_links l
   WHERE l.account_id = app_account_id()
   GROUP BY l.object_type, l.object_id`;

const WRITTEN_SQL = `
  SELECT object_type, object_id::text AS object_id, values_hash
    FROM crm_writeback_state WHERE account_id = app_account_id()`;

type CurrentRow = {
  object_type: CrmObjectType;
  object_id: string;
  calls: number;
  last_call_at: Date;
  last_title: string | null;
  last_url: string | null;
  open_action_items: number;
  average_score: number | null;
};

/** One record to write: its properties, and the hash to remember (null: cleared, forget it). */
export type PendingWrite = {
  type: CrmObjectType;
  id: string;
  properties: Record<string, string>;
  hash: string | null;
};

/** Scores: `write` the average; `clear` it (the property exists but scores were turned off); `omit`. */
export type ScoreMode = 'write' | 'clear' | 'omit';

const hashOf = (properties: Record<string, string>) =>
  createHash('sha256').update(JSON.stringify(properties)).digest('base64url');

function propertiesOf(row: CurrentRow | null, scores: ScoreMode): Record<string, string> {
  // HubSpot clears a property written as the empty string.
  const properties: Record<string, string> = {
    fathom_call_count: String(row?.calls ?? 0),
    fathom_last_call_at: row ? row.last_call_at.toISOString() : '',
    fathom_last_call_title: row?.last_title ?? '',
    fathom_last_call_url: row?.last_url ?? '',
    fathom_open_action_items: String(row?.open_action_items ?? 0),
  };
  if (scores === 'write') properties.fathom_average_score = row?.average_score == null ? '' : String(row.average_score);
  if (scores === 'clear') properties.fathom_average_score = '';
  return properties;
}

/**
 * The records whose properties differ from what was last written: those with new or changed
 * calls, and those that lost their last call (a privacy deletion, a merge) — cleared once.
 */
export async function pendingWrites(tx: Queryable, scores: ScoreMode): Promise<PendingWrite[]> {
  const written = new Map(
    (await tx.query<{ object_type: string; object_id: string; values_hash: string }>(WRITTEN_SQL)).rows.map((row) => [
      `${row.object_type}:${row.object_id}`,
      row.values_hash,
    ]),
  );
  const pending: PendingWrite[] = [];
  for (const row of (await tx.query<CurrentRow>(CURRENT_SQL)).rows) {
    const key = `${row.object_type}:${row.object_id}`;
    const properties = propertiesOf(row, scores);
    const hash = hashOf(properties);
    if (written.get(key) !== hash) pending.push({ type: row.object_type, id: row.object_id, properties, hash });
    written.delete(key);
  }
  for (const key of written.keys()) {
    const [type, id] = key.split(':') as [CrmObjectType, string];
    pending.push({ type, id, properties: propertiesOf(null, scores === 'omit' ? 'omit' : 'clear'), hash: null });
  }
  return pending;
}

/** Remembers what was written (or refused: not tried again until its calls change); forgets the cleared. */
export async function rememberWrites(tx: Queryable, writes: PendingWrite[]): Promise<void> {
  const kept = writes.filter((write) => write.hash !== null);
  const cleared = writes.filter((write) => write.hash === null);
  if (kept.length)
    await tx.query(
      `INSERT INTO crm_writeback_state (account_id, object_type, object_id, values_hash)
       SELECT app_account_id(), t, i, h FROM unnest($1::text[], $2::bigint[], $3::text[]) AS w(t, i, h)
       ON CONFLICT (account_id, object_type, object_id)
       DO UPDATE SET values_hash = EXCLUDED.values_hash, written_at = now()`,
      [kept.map((w) => w.type), kept.map((w) => w.id), kept.map((w) => w.hash)],
    );
  if (cleared.length)
    await tx.query(
      `DELETE FROM crm_writeback_state
        WHERE account_id = app_account_id() AND (object_type, object_id) IN
              (SELECT t, i FROM unnest($1::text[], $2::bigint[]) AS w(t, i))`,
      [cleared.map((w) => w.type), cleared.map((w) => w.id)],
    );
}
