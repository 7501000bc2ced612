/**
 * Keeps one Fathom account's calls inside Fathom's published budget, so a sync of a long
 * history waits its turn instead of collecting 429s: at most 60 calls in any 60 s, and at
 * most 30 "heavy" ones (Fathom does not list which requests are heavy; we count anything
 * that carries transcripts or summaries, see client.ts).
 *
 * A sliding window of the times of the last calls, not a token bucket: it never lets more
 * than `limit` calls start within any window, which is what Fathom counts. The window is a
 * second longer than Fathom's by default, because Fathom counts arrivals and our clock is
 * not its clock. When Fathom says the budget is gone (`RateLimit-Remaining: 0`, or a 429),
 * `pauseUntil` holds every caller of this limiter until the time it named.
 *
 * One limiter per Fathom connection, shared by every client of that connection in the
 * process. Several processes each keep their own; the client's 429 handling covers that.
 */
import { systemClock, type Clock } from './clock.ts';

export type RequestWeight = 'light' | 'heavy';

export type RateLimiterOptions = {
  /** Calls per window (Fathom: 60). */
  limit?: number;
  /** Heavy calls per window (Fathom: 30). */
  heavyLimit?: number;
  windowMs?: number;
  clock?: Clock;
};

export const FATHOM_CALLS_PER_WINDOW = 60;
export const FATHOM_HEAVY_CALLS_PER_WINDOW = 30;
const DEFAULT_WINDOW_MS = 61_000;

export class FathomRateLimiter {
  readonly limit: number;
  readonly heavyLimit: number;
  readonly windowMs: number;
  #clock: Clock;
  #all: number[] = [];
  #heavy: number[] = [];
  #pausedUntil = 0;
  // Callers take turns, so two concurrent acquires never both see the last free slot.
  #turn: Promise<void> = Promise.resolve();

  constructor(options: RateLimiterOptions = {}) {
    this.limit = options.limit ?? FATHOM_CALLS_PER_WINDOW;
    this.heavyLimit = options.heavyLimit ?? FATHOM_HEAVY_CALLS_PER_WINDOW;
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.#clock = options.clock ?? systemClock;
  }

  /** Resolves when a call of this weight may start, and counts it. */
  acquire(weight: RequestWeight): Promise<void> {
    const mine = this.#turn.then(() => this.#waitForRoom(weight));
    this.#turn = mine.catch(() => undefined);
    return mine;
  }

  /** Holds every call until `epochMs` (Fathom said the window's budget is spent). */
  pauseUntil(epochMs: number): void {
    if (epochMs > this.#pausedUntil) this.#pausedUntil = epochMs;
  }

  async #waitForRoom(weight: RequestWeight): Promise<void> {
    for (;;) {
      const now = this.#clock.now();
      this.#all = this.#all.filter((at) => at + this.windowMs > now);
      this.#heavy = this.#heavy.filter((at) => at + this.windowMs > now);
      let openAt = this.#pausedUntil;
      if (this.#all.length >= this.limit) {
        openAt = Math.max(openAt, (this.#all[this.#all.length - this.limit] ?? now) + this.windowMs);
      }
      if (weight === 'heavy' && this.#heavy.length >= this.heavyLimit) {
        openAt = Math.max(openAt, (this.#heavy[this.#heavy.length - this.heavyLimit] ?? now) + this.windowMs);
      }
      if (openAt <= now) {
        this.#all.push(now);
        if (weight === 'heavy') this.#heavy.push(now);
        return;
      }
      await this.#clock.sleep(openAt - now);
    }
  }
}
