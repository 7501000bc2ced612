import { parse as parseQueryString } from 'node:querystring';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { Queryable } from '../db/database.ts';
import { AppError, InvalidInput, NotConfigured, Unauthorized } from '../errors.ts';
import { verifySignatureV3 } from '../hubspot/signature.ts';
import type { Logger } from '../logger.ts';
import type { Caller } from '../users/caller.ts';
import type { OneStatementRead } from '../db/tenancy.ts';
import {
  asCaller,
  readAsSignedCaller,
  resolveCaller,
  type CallerDeps,
  type CallerOptions,
  type SignedIdentity,
} from '../users/resolveCaller.ts';

/** The raw request body, kept by the JSON parser: signatures are over the bytes, not the parse. */
export const rawBodyOf = (req: Request) =>
  ((req as Request & { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0)).toString('utf8');

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
    if (!clientSecret)
      throw new NotConfigured('HUBSPOT_CLIENT_SECRET is not set, so requests from HubSpot cannot be verified.');
    const check = verifySignatureV3({
      clientSecret,
      method: req.method,
      uri: uriAsCalled(publicBaseUrl, req),
      body: rawBodyOf(req),
      signature: req.get('x-hubspot-signature-v3'),
      timestamp: req.get('x-hubspot-request-timestamp'),
    });
    if (!check.ok) {
      logger.warn({ path: req.path, reason: check.reason }, 'refused an unsigned or badly signed request');
      throw new Unauthorized();
    }
    next();
  };
}

/**
 * The app's query parser: every `&`-piece of the query. HubSpot's signature covers the whole URL,
 * and node:querystring's default keeps only the first 1,000 pieces, so a URL padded with `&`
 * would hide the parameters HubSpot appended at its end (docs/security.md).
 */
export const parseWholeQuery = (query: string) => parseQueryString(query, '&', '=', { maxKeys: 0 });

// hubspot.fetch adds these to the query string of every card request (so they are signed too).
const identity = z.object({
  portalId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  userId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  userEmail: z.email(),
});
// HubSpot appends these to the URL the card asked for; appId only sometimes. A card's own URL
// cannot carry one without HubSpot's making it a second, so a name given twice is refused, and
// the one left is HubSpot's.
const APPENDED_BY_HUBSPOT = ['portalId', 'userId', 'userEmail', 'appId'] as const;

/** After the signature: who HubSpot says is calling (res.locals.identity); resolved by the routes. */
export function readSignedIdentity(): RequestHandler {
  return (req, res, next) => {
    // The whole query (the app's query parser is parseWholeQuery).
    const query = req.query;
    for (const name of APPENDED_BY_HUBSPOT) {
      if (Array.isArray(query[name]))
        throw new InvalidInput(`${name}: given ${query[name].length} times; HubSpot adds it once`);
    }
    const who = identity.parse(query);
    const signed: SignedIdentity = { portalId: who.portalId, hubspotUserId: who.userId, email: who.userEmail };
    res.locals.identity = signed;
    next();
  };
}

export const identityOf = (res: Response) => res.locals.identity as SignedIdentity;

/**
 * Runs fn as the request's signed caller in one transaction that also resolves him (asCaller),
 * and keeps the caller in res.locals.caller for the request log.
 */
export function callerRunner(deps: CallerDeps) {
  return <T>(res: Response, options: CallerOptions, fn: (tx: Queryable, caller: Caller) => Promise<T>): Promise<T> =>
    asCaller(deps, identityOf(res), options, (tx, caller) => {
      res.locals.caller = caller;
      return fn(tx, caller);
    });
}

export type CallerRunner = ReturnType<typeof callerRunner>;

/**
 * Reads as the request's signed caller in one statement (readAsSignedCaller), and keeps the
 * caller in res.locals.caller for the request log.
 */
export function callerReader(deps: CallerDeps) {
  return async <R>(res: Response, read: OneStatementRead) => {
    try {
      const answer = await readAsSignedCaller<R>(deps, identityOf(res), read);
      res.locals.caller = answer.caller;
      return answer;
    } catch (error) {
      // A read that failed after entering the caller took the caller with it (one statement): the
      // log of a failed request still names his account. Only on this error path.
      if (!(error instanceof AppError)) {
        res.locals.caller = await resolveCaller(deps, identityOf(res)).catch(() => undefined);
      }
      throw error;
    }
  };
}

export type CallerReader = ReturnType<typeof callerReader>;
