import express, { Router, type Request, type Response } from 'express';
import type { PgBoss } from 'pg-boss';
import { z } from 'zod';
import type { FathomDeps } from '../fathom/connection/types.ts';
import {
  completeFathomConnect,
  confirmFathomConnect,
  ConnectFailed,
  openFathomConnect,
} from '../fathom/connection/oauthConnect.ts';
import type { Logger } from '../logger.ts';
import { browserValue, callbackQuery, flowCookie, PAGE_HEADERS } from '../oauth/browser.ts';
import { requestSync } from '../sync/syncJobs.ts';
import { fathomConfirmPage, fathomConnectedPage, fathomConnectErrorPage } from './pages.ts';

const page = (res: Response, status: number, html: string) => res.status(status).set(PAGE_HEADERS).send(html);
const linkQuery = z.object({ link: browserValue });
const confirmationForm = z.object({ confirmation: browserValue });

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
  const cookie = flowCookie('fathom_fa_connect', '/oauth/fathom', deps.secureCookies);
  const failed = (res: Response, error: unknown) => {
    if (!(error instanceof ConnectFailed)) throw error;
    deps.logger.warn({ reason: error.title }, 'connecting Fathom failed');
    page(res, error.status, fathomConnectErrorPage({ title: error.title, message: error.message }));
  };

  const action = `${deps.fathom.publicBaseUrl}/oauth/fathom/start`;
  router.get('/oauth/fathom/start', async (req: Request, res: Response) => {
    try {
      const opened = await openFathomConnect(deps.fathom, linkQuery.parse(req.query).link);
      // Ties the confirmation, then the state, to this browser: both must come back with this cookie.
      res.set('set-cookie', cookie.set(opened.browserNonce));
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
      const confirmed = await confirmFathomConnect(deps.fathom, {
        confirmation: confirmationForm.parse(req.body ?? {}).confirmation,
        browserNonce: cookie.read(req.headers.cookie),
      });
      res.redirect(303, confirmed.redirectUrl);
    } catch (error) {
      failed(res, error);
    }
  });

  router.get('/oauth/fathom/callback', async (req: Request, res: Response) => {
    res.append('set-cookie', cookie.clear());
    try {
      const result = await completeFathomConnect(deps.fathom, {
        ...callbackQuery.parse(req.query),
        browserNonce: cookie.read(req.headers.cookie),
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
