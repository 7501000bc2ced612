import type { SyncProgress } from '../sync/runSync.ts';

const WIDTH = 24;

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}

/**
 * One line of sync progress. Fathom gives no total, but the backfill goes newest first: with a
 * start date, the share of the time span already covered estimates the share done (and the ETA).
 */
export function progressLine(progress: SyncProgress, elapsedMs: number, now: Date): string {
  const meetings = progress.meetingsNew + progress.meetingsUpdated + progress.meetingsUnchanged;
  const rate = elapsedMs > 0 ? meetings / (elapsedMs / 1000) : 0;
  let share: number | null = null;
  if (progress.since && progress.oldestStartedAt) {
    const span = now.getTime() - Date.parse(progress.since);
    share = span > 0 ? Math.min(1, Math.max(0, (now.getTime() - Date.parse(progress.oldestStartedAt)) / span)) : 1;
  }
  const bar =
    share === null ? '' : `[${'#'.repeat(Math.round(share * WIDTH)).padEnd(WIDTH, '.')}] ${Math.round(share * 100)}% `;
  const eta = share && share < 1 ? ` · ETA ${duration((elapsedMs / 1000) * ((1 - share) / share))}` : '';
  return `${bar}${progress.pages} pages · ${meetings} meetings (${progress.meetingsNew} new, ${progress.meetingsUpdated} updated, ${progress.meetingsUnchanged} unchanged) · ${rate.toFixed(1)}/s · ${duration(elapsedMs / 1000)}${eta}${progress.errors ? ` · ${progress.errors} retried` : ''}`;
}
