import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Clock } from '../../backend/src/fathom/clock.ts';

/**
 * Real time, except that a sleep returns at once and moves the clock forward by its length: a
 * run that waits out Fathom's per-minute limits for minutes takes seconds, and `now()` still
 * tells how long it would have taken (its work plus its waits). Give the same clock to the
 * client and to the stand-in, so both count the same minutes.
 */
export function skippingClock(): Clock & { skippedMs(): number } {
  let skipped = 0;
  return {
    now: () => Date.now() + skipped,
    async sleep(ms) {
      skipped += Math.max(0, ms);
      await nextTurn();
    },
    skippedMs: () => skipped,
  };
}
