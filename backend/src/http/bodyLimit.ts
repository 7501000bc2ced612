import type { RequestHandler } from 'express';
import type { ErrorBody } from '../../../hubspot-app/app/packages/ui-shared/types.ts';

/**
 * Refuses (413) a request whose declared Content-Length is over `limitBytes` before a byte of
 * the body is read. The body parsers enforce the same limit on what they read, but on an error
 * they drain the rest of the body before answering, so a client announcing gigabytes would keep
 * the connection busy; this answers at once and closes the connection instead of draining it.
 * (A chunked body without a length is counted by the parser and cut off at the limit.)
 */
export function refuseOversizedBodies(limitBytes: number): RequestHandler {
  return (req, res, next) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limitBytes) {
      res.set('Connection', 'close');
      res
        .status(413)
        .json({ error: 'payload_too_large', message: 'The request body is too large.' } satisfies ErrorBody);
      return;
    }
    next();
  };
}
