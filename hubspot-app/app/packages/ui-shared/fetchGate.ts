import type { Fetcher } from './api';

/** HubSpot allows 20 hubspot.fetch calls in flight per portal; one card keeps to this many. */
export const MAX_FETCHES_IN_FLIGHT = 4;

/**
 * The fetcher, with at most `max` calls in flight: the others wait their turn, first come first
 * served. A card wraps hubspot.fetch in one gate, so everything it loads shares it.
 */
export function gateFetcher(fetcher: Fetcher, max = MAX_FETCHES_IN_FLIGHT): Fetcher {
  let inFlight = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    inFlight -= 1;
    waiting.shift()?.();
  };
  return async (url, options) => {
    if (inFlight >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    inFlight += 1;
    try {
      return await fetcher(url, options);
    } finally {
      release();
    }
  };
}
