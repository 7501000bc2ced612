import type { Queryable } from '../db/database.ts';
import type { TrackerLists } from './analysis/types.ts';

// The tracker phrases an admin adds to the analysis live in accounts.settings.trackers: read and
// written only here, always as the current tenant (run inside withTenant or withCaller).

/** The current tenant's tracker phrases (`competitors: ["Acme CI"]`, topics, `nextSteps`), if any. */
export async function readTrackers(tx: Queryable): Promise<TrackerLists | undefined> {
  const settings = (await tx.query<{ settings: unknown }>('SELECT settings FROM accounts WHERE id = app_account_id()'))
    .rows[0]?.settings;
  const trackers = (settings as { trackers?: unknown } | null | undefined)?.trackers;
  if (!trackers || typeof trackers !== 'object') return undefined;
  const lists: Record<string, string[]> = {};
  for (const [name, phrases] of Object.entries(trackers)) {
    if (Array.isArray(phrases)) lists[name] = phrases.filter((p): p is string => typeof p === 'string');
  }
  return lists;
}

/** Replaces the current tenant's tracker phrases (an admin's write). */
export async function saveTrackers(tx: Queryable, trackers: TrackerLists): Promise<void> {
  await tx.query(
    `UPDATE accounts SET settings = jsonb_set(settings, '{trackers}', $1::jsonb), updated_at = now() WHERE id = app_account_id()`,
    [JSON.stringify(trackers)],
  );
}
