import { parseRetryAfter } from '../retryAfter.ts';

/**
 * When to try a Fathom call again, and after how long.
 *
 * - 429: wait what Fathom asks (`Retry-After`, seconds or an HTTP date; else `RateLimit-Reset`,
 *   the seconds left in its window), then try again.
 * - 5xx, timeouts, dropped connections: exponential backoff with jitter, so many syncs that
 *   failed together do not come back together.
 * - Any other 4xx: never; the same request would be refused the same way.
 * Attempts are bounded; the caller turns the last failure into a typed error.
 */
export type RetryPolicy = {
  /** Total attempts, the first included. */
  maxAttempts: number;
  /** Backoff before the 2nd attempt; doubles each time, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A 429 asking to wait longer than this is not waited out: the caller gets FathomRateLimited. */
  maxRetryAfterMs: number;
};

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/**
 * The backoff before attempt `attempt + 1` ("equal jitter"): half of the exponential step for
 * sure, the other half at random, so the wait grows with every failure but never lines up.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * How long a 429 (or a spent window) asks us to wait, in ms, or null when it does not say.
 * `Retry-After` wins; `RateLimit-Reset` is the IETF draft's "seconds until the window resets".
 */
export function waitFromHeaders(headers: Headers, now: number): number | null {
  const retryAfter = parseRetryAfter(headers.get('retry-after'), now);
  if (retryAfter !== null) return retryAfter;
  const reset = headers.get('ratelimit-reset')?.trim();
  if (reset && /^\d+(\.\d+)?$/.test(reset)) return Math.ceil(Number(reset) * 1000);
  return null;
}

/** True when `RateLimit-Remaining` says this window has no calls left. */
export function windowSpent(headers: Headers): boolean {
  const remaining = headers.get('ratelimit-remaining')?.trim();
  return remaining !== undefined && remaining !== '' && Number(remaining) <= 0;
}
