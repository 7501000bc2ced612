import express, { Router, type Request, type Response } from 'express';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { PgBoss } from 'pg-boss';
import type { FathomDeps } from '../connections/fathomConnection.ts';
import {
  completeFathomConnect,
  confirmFathomConnect,
  ConnectFailed,
  CONNECT_STATE_TTL_MS,
  openFathomConnect,
} from '../connections/fathomOAuthConnect.ts';
import type { Logger } from '../logger.ts';
import { requestSync } from '../sync/syncJobs.ts';
import { fathomConfirmPage, fathomConnectedPage, fathomConnectErrorPage } from './pages.ts';

const COOKIE = 'fathom_fa_connect';
const COOKIE_PATH = '/oauth/fathom';

const single = (value: unknown) => (typeof value === 'string' && value.length <= 4096 ? value : undefined);

function page(res: Response, status: number, html: string) {
  res.status(status).set('content-type', 'text/html; charset=utf-8').set('cache-control', 'no-store');
  // The confirmation button must not be clickable inside someone else's frame, and the link in
  // this page's URL must not travel to another site (Fathom) as a Referer. Not 'no-referrer':
  // with it, browsers send `Origin: null` on the form's POST, which the origin check refuses.
  res.set('x-frame-options', 'DENY').set('content-security-policy', "frame-ancestors 'none'");
  res.set('referrer-policy', 'same-origin');
  res.send(html);
}

/**
 * "Connect Fathom": the settings page's link → GET /oauth/fathom/start (spends the link, shows
 * which portal and admin) → POST /oauth/fathom/start (the admin confirms) → Fathom →
 * /oauth/fathom/callback.
 */
export function fathomOAuthRoutes(deps: {
  fathom: FathomDeps;
  boss: PgBoss;
  secureCookies: boolean;
  logger: Logger;
}): Router {
  const router = Router();
  const cookie = (value: string, maxAgeSeconds: number) =>
    serializeCookie(COOKIE, value, {
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.secureCookies,
      path: COOKIE_PATH,
      maxAge: maxAgeSeconds,
    });
  const failed = (res: Response, error: unknown) => {
    if (!(error instanceof ConnectFailed)) throw error;
    deps.logger.warn({ reason: error.title }, 'connecting Fathom failed');
    page(res, error.status, fathomConnectErrorPage({ title: error.title, message: error.message }));
  };

  const action = `${deps.fathom.publicBaseUrl}/oauth/fathom/start`;
  router.get('/oauth/fathom/start', async (req: Request, res: Response) => {
    try {
      const opened = await openFathomConnect(deps.fathom, single(req.query.link));
      // Ties the confirmation, then the state, to this browser: both must come back with this cookie.
      res.set('set-cookie', cookie(opened.browserNonce, CONNECT_STATE_TTL_MS / 1000));
      page(res, 200, fathomConfirmPage({ action, confirmation: opened.confirmation, ...opened.connectingAs }));
    } catch (error) {
      failed(res, error);
    }
  });

  // The confirmation form. A cross-site form cannot post it: the cookie is SameSite=Lax (not sent
  // on another site's POST), the token is single-use, and another origin is refused outright.
  const ownOrigin = new URL(deps.fathom.publicBaseUrl).origin;
  const form = express.urlencoded({ extended: false, limit: 4096 });
  router.post('/oauth/fathom/start', form, async (req: Request, res: Response) => {
    try {
      const origin = req.get('origin');
      if (origin && origin !== ownOrigin) {
        const message = "This confirmation was not sent from this app's page. Start again from the app settings.";
        throw new ConnectFailed('Not from this app', message, 403);
      }
      const body = (req.body ?? {}) as Record<string, unknown>;
      const confirmed = await confirmFathomConnect(deps.fathom, {
        confirmation: single(body.confirmation),
        browserNonce: parseCookies(req.headers.cookie ?? '')[COOKIE],
      });
      res.redirect(303, confirmed.redirectUrl);
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
      deps.logger.info(
        { accountId: result.accountId, connectionId: result.connectionId },
        'Fathom connected with OAuth',
      );
      page(res, 200, fathomConnectedPage());
    } catch (error) {
      failed(res, error);
    }
  });
  return router;
}
