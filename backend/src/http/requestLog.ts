import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from '../logger.ts';
import { runInRequest } from '../requestContext.ts';

// A load balancer's or caller's id is kept only when it is a short plain token: anything else
// (long, spaces, control characters) could forge or flood log lines, so it gets a fresh id.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;
// Probes and scrapes come every few seconds: logged at debug, so they do not drown the rest.
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
const MAX_LOGGED_PATH = 200;

/** The id of the request this response answers (set by requestLog, echoed in X-Request-Id). */
export const requestIdOf = (res: Response): string | undefined => res.locals.requestId as string | undefined;

/** The path only: the query string can hold secrets (OAuth `code`, signatures), so it never reaches a log. */
export const pathOf = (req: Request): string => {
  const path = req.originalUrl.split('?', 1)[0] ?? '';
  return path.length > MAX_LOGGED_PATH ? `${path.slice(0, MAX_LOGGED_PATH)}…` : path;
};

/** The account a request was for, once a route resolved it (the signed caller, or a webhook's target). */
const accountIdOf = (res: Response): string | undefined =>
  (res.locals.caller as { accountId?: string } | undefined)?.accountId ?? (res.locals.accountId as string | undefined);

/** What requestLog tells the metrics when a request ends. */
export type RequestEnd = { method: string; route: string; status: number | null; seconds: number };

/**
 * The route pattern that answered ('/api/cards/conversations/:id'), or 'none' (404, or refused by
 * middleware before any route). Express sets req.route when a route matches, but a route that
 * throws is answered after Express has left its router and reset req.baseUrl, so the full
 * pattern is taken at the moment the route is set.
 */
function captureRoute(req: Request): () => string {
  let matched: string | undefined;
  let current: unknown;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => current,
    set(value: unknown) {
      current = value;
      const path = (value as { path?: unknown } | undefined)?.path;
      if (path !== undefined) matched = `${req.baseUrl}${String(path)}`;
    },
  });
  return () => matched ?? 'none';
}

/**
 * Gives every request an id (a sane incoming X-Request-Id, else a new one), echoes it in the
 * X-Request-Id response header, serves the request in that id's context (every line logged while
 * serving it carries the id), and writes one log line per request when it ends: method, path
 * without the query string, status, duration, request id, and the account when it was resolved.
 */
export function requestLog(logger: Logger, options: { onEnd?: (end: RequestEnd) => void } = {}): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const route = captureRoute(req);
    const incoming = req.get('x-request-id');
    const requestId = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);

    let logged = false;
    const done = () => {
      if (logged) return;
      logged = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const path = pathOf(req);
      // A client that went away before the answer was sent: no status reached it.
      const aborted = !res.writableFinished;
      options.onEnd?.({ method: req.method, route: route(), status: aborted ? null : res.statusCode, seconds });
      const line = {
        requestId,
        method: req.method,
        path,
        status: aborted ? null : res.statusCode,
        durationMs: Math.round(seconds * 10_000) / 10,
        ...(accountIdOf(res) ? { accountId: accountIdOf(res) } : {}),
        ...(aborted ? { aborted: true } : {}),
      };
      const message = aborted ? 'request aborted' : 'request';
      // A probe's 503 (shutting down, database away) is the probe's answer, not an error of ours.
      if (QUIET_PATHS.has(path)) logger.debug(line, message);
      else if (!aborted && res.statusCode >= 500) logger.error(line, message);
      else logger.info(line, message);
    };
    res.once('finish', done);
    res.once('close', done);
    runInRequest(requestId, next);
  };
}
