import type { Locale } from './format';

/** A date and time that says its time zone ("Nov 20, 2026, 11:00 AM CET"): the portal's, for logs. */
export function formatDateTimeWithZone(iso: string, where: Locale = {}): string {
  return new Intl.DateTimeFormat(where.locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone: where.timeZone,
    timeZoneName: 'short',
  }).format(new Date(iso));
}

/**
 * A rep's scored calls for a chart on a `datetime` axis: each call at its own time (milliseconds),
 * so two calls on one day are two points, not one category.
 */
export function scoreChartPoints(
  points: Array<{ startedAt: string; score: number | null }>,
): Array<{ startedAt: number; score: number }> {
  return points
    .filter((p): p is { startedAt: string; score: number } => p.score !== null)
    .map((p) => ({ startedAt: Date.parse(p.startedAt), score: p.score }));
}
