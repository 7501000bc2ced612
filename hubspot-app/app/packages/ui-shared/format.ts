/**
 * Dates and times as the viewer reads them: his locale, and his browser's time zone (the
 * extension runs in his browser), unless a test or a page names another one.
 */
export type Locale = { locale?: string; timeZone?: string };

export function formatDateTime(iso: string, where: Locale = {}): string {
  return new Intl.DateTimeFormat(where.locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: where.timeZone,
  }).format(new Date(iso));
}

export function formatDate(iso: string, where: Locale = {}): string {
  return new Intl.DateTimeFormat(where.locale, { dateStyle: 'medium', timeZone: where.timeZone }).format(new Date(iso));
}

/** Seconds into a call as m:ss (or h:mm:ss past an hour). */
export function formatClock(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** "m:ss", "h:mm:ss" or plain seconds into a number of seconds; null when it is none of them. */
export function parseClock(text: string): number | null {
  const trimmed = text.trim();
  if (/^\d{1,5}$/.test(trimmed)) return Number(trimmed);
  const match = /^(?:(\d{1,2}):)?(\d{1,3}):([0-5]\d)$/.exec(trimmed);
  if (!match) return null;
  const [, h, m, s] = match;
  if (h !== undefined && Number(m) > 59) return null;
  return Number(h ?? 0) * 3600 + Number(m) * 60 + Number(s);
}

export const minutes = (seconds: number) => `${Math.max(1, Math.round(seconds / 60))} min`;
