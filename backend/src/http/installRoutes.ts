import { Router, type Request, type Response } from 'express';
import type { HubSpotOAuth } from '../connections/hubspotOAuthPort.ts';
import type { Sealer } from '../connections/sealer.ts';
import type { Database } from '../db/database.ts';
import { InstallFailed, completeInstall, startInstall } from '../hubspot/installFlow.ts';
import type { Logger } from '../logger.ts';
import { callbackQuery, flowCookie, PAGE_HEADERS } from '../oauth/browser.ts';
import { installErrorPage, installSuccessPage } from './pages.ts';

const page = (res: Response, status: number, html: string) => res.status(status).set(PAGE_HEADERS).send(html);

/** The marketplace install: /oauth/hubspot/install → HubSpot → /oauth/hubspot/callback. */
export function installRoutes(deps: {
  db: Database;
  oauth: HubSpotOAuth | undefined;
  sealer: Sealer;
  requiredScopes: readonly string[];
  secureCookies: boolean;
  logger: Logger;
}): Router {
  const router = Router();
  const cookie = flowCookie('fathom_hs_install', '/oauth/hubspot', deps.secureCookies);
  const notConfigured = (res: Response) =>
    page(
      res,
      503,
      installErrorPage({
        title: 'App not configured',
        message: 'The app cannot be installed yet: its HubSpot client id and secret are not configured on the server.',
      }),
    );

  router.get('/oauth/hubspot/install', async (_req: Request, res: Response) => {
    if (!deps.oauth) return notConfigured(res);
    const start = await startInstall(deps.db, deps.oauth);
    // Ties the state to this browser: the callback must come back with the same cookie.
    res.set('set-cookie', cookie.set(start.browserNonce));
    res.redirect(302, start.redirectUrl);
  });

  router.get('/oauth/hubspot/callback', async (req: Request, res: Response) => {
    if (!deps.oauth) return notConfigured(res);
    res.append('set-cookie', cookie.clear());
    try {
      const result = await completeInstall(
        { db: deps.db, oauth: deps.oauth, sealer: deps.sealer, requiredScopes: deps.requiredScopes },
        { ...callbackQuery.parse(req.query), browserNonce: cookie.read(req.headers.cookie) },
      );
      deps.logger.info(
        { hubId: result.hubId, accountId: result.accountId, reinstall: result.reinstall, role: result.role },
        'app installed',
      );
      page(
        res,
        200,
        installSuccessPage({ hubId: result.hubId, portalName: null, reinstall: result.reinstall, role: result.role }),
      );
    } catch (error) {
      if (!(error instanceof InstallFailed)) throw error;
      deps.logger.warn({ reason: error.title, ...error.logDetail }, 'install failed');
      page(
        res,
        error.status,
        installErrorPage({ title: error.title, message: error.message, retryUrl: '/oauth/hubspot/install' }),
      );
    }
  });
  return router;
}
