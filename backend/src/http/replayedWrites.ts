import type { RequestHandler, Response } from 'express';
import type { Database } from '../db/database.ts';
import { Conflict } from '../errors.ts';
import { MAX_SIGNATURE_AGE_MS } from '../hubspot/signature.ts';
import { forgetSignature, rememberSignature } from '../hubspot/signatureUses.ts';
import type { Logger } from '../logger.ts';

const READS = new Set(['GET', 'HEAD']);

/**
 * After the signature check: a signed write (any method but GET) is served once. Its signature is
 * remembered in the database until the five minutes HubSpot's signature lasts are over, so the
 * same request sent again, to any process, answers 409 and does nothing. Reads write nothing and
 * are not remembered. An answer of ours that failed (5xx) forgets the signature: HubSpot retries
 * a 5xx once, and nothing of a failed request was kept.
 */
export function refuseReplayedWrites(db: Database, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    if (READS.has(req.method)) return next();
    // Both headers were checked by requireHubSpotSignature.
    const signature = req.get('x-hubspot-signature-v3')!;
    const expiresAt = new Date(Number(req.get('x-hubspot-request-timestamp')) + MAX_SIGNATURE_AGE_MS);
    if (!(await rememberSignature(db, signature, expiresAt))) {
      logger.warn({ path: req.path }, 'refused a replayed signed request');
      throw new Conflict('This request was already received once; it was not applied again. Reload and try again.');
    }
    res.locals.beforeServerError = () => forgetSignature(db, signature);
    next();
  };
}

/** Run by the error handler before it answers a 5xx: what a failed request must undo first. */
export const beforeServerError = (res: Response) =>
  (res.locals.beforeServerError as (() => Promise<void>) | undefined)?.().catch(() => {});
