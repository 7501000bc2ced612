/**
 * What HubSpot's answers say of the portal's rolling window. HubSpot's API usage guidelines: an
 * answer carries `X-HubSpot-RateLimit-Max` (requests allowed in the window),
 * `X-HubSpot-RateLimit-Remaining` (still allowed in it) and
 * `X-HubSpot-RateLimit-Interval-Milliseconds` (the window's length), and its changelog "Rate limit
 * headers will now appear for OAuth authenticated calls": "API calls authenticated using OAuth 2.0
 * will now return X-HubSpot-RateLimit-* headers […] OAuth authenticated calls will not include
 * X-HubSpot-RateLimit-Daily or X-HubSpot-RateLimit-Daily-Remaining".
 *
 * The limiter spaces requests to stay inside 110 per 10 s, but other processes (and other apps'
 * calls HubSpot may count against the portal) spend the same window: when an answer says none is
 * left, the portal's next requests wait one window. HubSpot does not say when a rolling window
 * frees its oldest request, so a whole interval is the wait that is sure.
 */
export function spentWindowMs(headers: Headers): number | null {
  const remaining = headers.get('x-hubspot-ratelimit-remaining')?.trim();
  const interval = Number(headers.get('x-hubspot-ratelimit-interval-milliseconds'));
  if (!remaining || Number(remaining) > 0 || !Number.isFinite(interval) || interval <= 0) return null;
  return interval;
}

/** One portal's hold: set by an answer that spent the window, waited by the requests after it. */
export function portalWindow(now = () => Date.now()) {
  let heldUntil = 0;
  return {
    /** Resolves once the window an earlier answer spent has passed. */
    async wait(): Promise<void> {
      const left = heldUntil - now();
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
    },
    learn(response: Response): void {
      const hold = spentWindowMs(response.headers);
      if (hold !== null) heldUntil = Math.max(heldUntil, now() + hold);
    },
  };
}
