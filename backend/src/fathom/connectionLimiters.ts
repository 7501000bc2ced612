import { LRUCache } from 'lru-cache';
import type { Clock } from './clock.ts';
import { FathomRateLimiter } from './rateLimiter.ts';

/**
 * Fathom's budget is per connection: one limiter per connection id, shared by every client of
 * that connection in this process. The least recently used are forgotten past `max` (a forgotten
 * connection's next limiter starts empty; Fathom's 429 handling covers the overlap).
 */
export function fathomConnectionLimiters(options: { max?: number; clock?: Clock } = {}) {
  const limiters = new LRUCache<string, FathomRateLimiter>({ max: options.max ?? 1000 });
  return {
    limiterFor(connectionId: string): FathomRateLimiter {
      let limiter = limiters.get(connectionId);
      if (!limiter) {
        limiter = new FathomRateLimiter(options.clock ? { clock: options.clock } : {});
        limiters.set(connectionId, limiter);
      }
      return limiter;
    },
    get size() {
      return limiters.size;
    },
  };
}
