import { useMemo, useState } from 'react';

export const PERIODS = [
  { label: 'Last 7 days', value: 7 },
  { label: 'Last 30 days', value: 30 },
  { label: 'Last 90 days', value: 90 },
];
const DAY_MS = 86_400_000;

/**
 * The period a page shows (the last N days), fixed when it is picked so that re-renders do not
 * make a new request each time; `range` is its query string.
 */
export function usePeriod(initialDays = 30) {
  const [days, setDays] = useState(initialDays);
  const period = useMemo(() => {
    const to = new Date();
    return { from: new Date(to.getTime() - days * DAY_MS).toISOString(), to: to.toISOString() };
  }, [days]);
  const range = `from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}`;
  return { days, setDays, period, range };
}
