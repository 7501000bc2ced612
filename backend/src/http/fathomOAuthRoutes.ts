import { Router, type Request, type Response } from 'express';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { PgBoss } from 'pg-boss';
import type { FathomDeps } from '../connections/fathomConnection.ts';
import { beginFathomConnect, completeFathomConnect, ConnectFailed, CONNECT_STATE_TTL_MS } from '../connections/fathomOAuthConnect.ts';
import type { Logger } from '../logger.ts';
import { requestSync } from '../sync/syncJobs.ts';
import { fathomConnectedPage, fathomConnectErrorPage } from './pages.ts';

const COOKIE = 'fathom_fa_connect';
const COOKIE_PATH = '/oauth/fathom';

const single = (value: unknown) => (typeof value === 'string' && value.length <= 4096 ? value : undefined);

function page(res: Response, status: number, html: string) {
  res.status(status).set('content-type', 'text/html; charset=utf-8').set('cache-control', 'no-store').send(html);
}

/** "Connect Fathom": the settings page's link → /oauth/fathom/start → Fathom → /oauth/fathom/callback. */
export function fathomOAuthRoutes(deps: { fathom: FathomDeps; boss: PgBoss; secureCookies: boolean; logger: Logger }): Router {
  const router = Router();
  const cookie = (value: string, maxAgeSeconds: number) =>
    serializeCookie(COOKIE, value, { httpOnly: true, sameSite: 'lax', secure: deps.secureCookies, path: COOKIE_PATH, maxAge: maxAgeSeconds });
  const failed = (res: Response, error: unknown) => {
    if (!(error instanceof ConnectFailed)) throw error;
    deps.logger.warn({ reason: error.title }, 'connecting Fathom failed');
    page(res, error.status, fathomConnectErrorPage({ title: error.title, message: error.message }));
  };

  router.get('/oauth/fathom/start', async (req: Request, res: Response) => {
    try {
      const start = await beginFathomConnect(deps.fathom, single(req.query.link));
      // Ties the state to this browser: the callback must come back with the same cookie.
      res.set('set-cookie', cookie(start.browserNonce, CONNECT_STATE_TTL_MS / 1000));
      res.redirect(302, start.redirectUrl);
    } catch (error) {
      failed(res, error);
    }
  });

  router.get('/oauth/fathom/callback', async (req: Request, res: Response) => {
    res.append('set-cookie', cookie('', 0));
    try {
      const result = await completeFathomConnect(deps.fathom, {
        code: single(req.query.code),
        state: single(req.query.state),
        error: single(req.query.error),
        browserNonce: parseCookies(req.headers.cookie ?? '')[COOKIE],
      });
      await requestSync(deps.boss, result.accountId);
      deps.logger.info({ accountId: result.accountId, connectionId: result.connectionId }, 'Fathom connected with OAuth');
      page(res, 200, fathomConnectedPage());
    } catch (error) {
      failed(res, error);
    }
  });
  return router;
}
