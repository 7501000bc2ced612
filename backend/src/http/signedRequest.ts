import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { Database } from '../db/database.ts';
import { NotConfigured, Unauthorized } from '../errors.ts';
import { verifySignatureV3 } from '../hubspot/signature.ts';
import type { Logger } from '../logger.ts';
import { resolveCaller } from '../users/resolveCaller.ts';
import { requestIdOf } from './requestLog.ts';
import { parse } from './validate.ts';

/** The raw request body, kept by the JSON parser: signatures are over the bytes, not the parse. */
export const rawBodyOf = (req: Request) => ((req as Request & { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0)).toString('utf8');

/**
 * The URL HubSpot signed: our PUBLIC_BASE_URL and the path as called. Never the request's Host
 * or X-Forwarded-* headers: the client writes those, and HubSpot signs the same way for every
 * backend of the app (a staging host, say), so a signature made for another host must not fit here.
 */
export const uriAsCalled = (publicBaseUrl: string, req: Request) => `${publicBaseUrl}${req.originalUrl}`;

/** Refuses (401) any request HubSpot did not sign with our client secret; nothing else runs. */
export function requireHubSpotSignature(
  clientSecret: string | undefined,
  publicBaseUrl: string,
  logger: Logger,
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!clientSecret) throw new NotConfigured('HUBSPOT_CLIENT_SECRET is not set, so requests from HubSpot cannot be verified.');
    const check = verifySignatureV3({
      clientSecret,
      method: req.method,
      uri: uriAsCalled(publicBaseUrl, req),
      body: rawBodyOf(req),
      signature: req.get('x-hubspot-signature-v3'),
      timestamp: req.get('x-hubspot-request-timestamp'),
    });
    if (!check.ok) {
      logger.warn({ path: req.path, reason: check.reason, requestId: requestIdOf(res) }, 'refused an unsigned or badly signed request');
      throw new Unauthorized();
    }
    next();
  };
}

// hubspot.fetch adds these to the query string of every card request (so they are signed too).
const identity = z.object({
  portalId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  userId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  userEmail: z.email(),
});

/** After the signature: the portal's account and the calling user with his role (res.locals.caller). */
export function resolveSignedCaller(db: Database): RequestHandler {
  return async (req, res, next) => {
    const who = parse(identity, req.query);
    res.locals.caller = await resolveCaller(db, { portalId: who.portalId, hubspotUserId: who.userId, email: who.userEmail });
    next();
  };
}
