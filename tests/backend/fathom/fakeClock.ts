import type { Clock } from '../../../backend/src/fathom/clock.ts';

/** A clock whose `sleep` moves time forward at once and remembers how long each sleep was. */
export function fakeClock(start = Date.parse('2026-03-02T16:00:00Z')): Clock & { sleeps: number[]; elapsed(): number } {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += Math.max(0, ms);
    },
    sleeps,
    elapsed: () => now - start,
  };
}
