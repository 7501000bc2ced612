import { formatDate, type Locale, type SyncLog } from '@fathom-hubspot/ui-shared';

/**
 * How far a running sync has come, for its ProgressBar. Fathom lists calls newest first, so a
 * backfill moves from now back to its start date: the share of that span behind it is its
 * progress. Without a start date (the whole history) nobody knows where the history begins, so
 * there is no percentage, only the calls imported and the date reached.
 */
export function syncProgress(
  log: SyncLog,
  where: Locale,
  now = Date.now(),
): { value?: number; valueDescription: string } {
  const calls = log.meetingsNew + log.meetingsUpdated + log.meetingsUnchanged;
  const imported = `${calls} ${calls === 1 ? 'call' : 'calls'} imported`;
  if (!log.reachedAt) return { ...(log.since ? { value: 0 } : {}), valueDescription: `${imported} so far` };
  const reached = `back to ${formatDate(log.reachedAt, where)}`;
  if (!log.since) return { valueDescription: `${imported}, ${reached}` };
  const span = now - Date.parse(log.since);
  const done = span > 0 ? (now - Date.parse(log.reachedAt)) / span : 1;
  const value = Math.max(0, Math.min(99, Math.round(done * 100)));
  return { value, valueDescription: `${imported}, ${reached} of ${formatDate(log.since, where)}` };
}
