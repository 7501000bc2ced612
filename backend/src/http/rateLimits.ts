import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { ErrorBody } from '../../../hubspot-app/app/packages/ui-shared/types.ts';

/**
 * Per-client-address limits on the public routes nobody signs: the OAuth install and callback
 * pages, and Fathom's webhook (whose signature is checked only after a database lookup). Signed
 * HubSpot routes are not limited here: an unsigned request to them costs one HMAC and a 401.
 *
 * Counts are kept in this process's memory, so with N web processes behind a load balancer an
 * address gets up to N times the limit; that is still far below what would hurt. Generous on
 * purpose: Fathom delivers webhooks in bursts, and a whole office may install from one address.
 */
export const PUBLIC_LIMITS = {
  /** GET /oauth/* (install, callback, and any other OAuth page): a person clicking through consent. */
  oauth: { windowMs: 60_000, limit: 30 },
  /** POST /webhooks/fathom/:connectionId: Fathom's senders, in bursts. */
  fathomWebhooks: { windowMs: 60_000, limit: 600 },
} as const;

function limiter(options: { windowMs: number; limit: number }): RequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    // RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset (and Retry-After once limited).
    standardHeaders: 'draft-6',
    legacyHeaders: false,
    handler: (_req, res) => {
      res.status(429).json({
        error: 'rate_limited',
        message: `Too many requests from this address: at most ${options.limit} per ${options.windowMs / 1000} seconds. Wait a moment and try again.`,
      } satisfies ErrorBody);
    },
  });
}

export function publicRateLimits(): { oauth: RequestHandler; fathomWebhooks: RequestHandler } {
  return { oauth: limiter(PUBLIC_LIMITS.oauth), fathomWebhooks: limiter(PUBLIC_LIMITS.fathomWebhooks) };
}
