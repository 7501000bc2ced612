/**
 * Time as the Fathom client sees it. Injected so tests can run a minute of rate limiting
 * or a ladder of backoffs in milliseconds: a fake clock's `sleep` just moves `now` forward.
 */
export type Clock = {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
};

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
