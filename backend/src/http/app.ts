import express, { type Express, type Request, type Router } from 'express';
import type { PgBoss } from 'pg-boss';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { REQUIRED_SCOPES } from '../hubspot/scopes.ts';
import type { Logger } from '../logger.ts';
import type { Services } from '../services.ts';
import { refuseOversizedBodies } from './bodyLimit.ts';
import { aiSettingsRoutes } from './aiSettingsRoutes.ts';
import { writebackSettingsRoutes } from './writebackSettingsRoutes.ts';
import { cardRoutes } from './cardRoutes.ts';
import { docsRoutes } from './docsRoutes.ts';
import { errorHandler, notFoundHandler } from './errorHandler.ts';
import { fathomOAuthRoutes } from './fathomOAuthRoutes.ts';
import { fathomWebhookRoutes } from './fathomWebhookRoutes.ts';
import { healthRoutes, type Readiness } from './healthRoutes.ts';
import { homeRoutes } from './homeRoutes.ts';
import { hubspotWebhookRoutes } from './hubspotWebhookRoutes.ts';
import { installRoutes } from './installRoutes.ts';
import { metricsRoutes, observeRequest } from './metricsRoutes.ts';
import { publicRateLimits } from './rateLimits.ts';
import { refuseReplayedWrites } from './replayedWrites.ts';
import { requestLog } from './requestLog.ts';
import { searchRoutes } from './searchRoutes.ts';
import { routesOf } from './routeList.ts';
import {
  callerReader,
  callerRunner,
  parseWholeQuery,
  readSignedIdentity,
  requireHubSpotSignature,
} from './signedRequest.ts';
import { settingsRoutes } from './settingsRoutes.ts';

export type AppDeps = {
  config: Config;
  db: Database;
  logger: Logger;
  boss: PgBoss;
  services: Services;
  /** Turns /readyz to 503 when the process starts shutting down (server.ts). */
  readiness?: Readiness;
};

// hubspot.fetch sends at most 1 MB; our own bodies are small.
const JSON_LIMIT = 256 * 1024;

export function createApp(deps: AppDeps): Express {
  const { config, db, logger, boss, services } = deps;
  const app = express();
  app.disable('x-powered-by');
  // Every answer is for one signed caller at one moment: nothing is revalidated, so no answer
  // body is hashed for an ETag.
  app.set('etag', false);
  // Behind a load balancer the client and the scheme come from X-Forwarded-*, as far as our own
  // proxies wrote it: trusting the whole header would let any client pick its address (and so
  // walk around the rate limits).
  app.set('trust proxy', config.trustProxyHops);
  // The routes read the same whole query the signature covers (readSignedIdentity).
  app.set('query parser', parseWholeQuery);
  app.use(requestLog(logger, { onEnd: observeRequest(services.metrics) }));
  // Everything under these paths is signed by HubSpot: keep the raw body for the signature check.
  const SIGNED = ['/api', '/webhooks/hubspot'];
  const signed = express.Router();
  signed.use(SIGNED, refuseOversizedBodies(JSON_LIMIT));
  signed.use(
    SIGNED,
    express.json({
      limit: JSON_LIMIT,
      type: () => true,
      verify: (req, _res, buffer) => {
        (req as Request & { rawBody?: Buffer }).rawBody = buffer;
      },
    }),
  );
  signed.use(SIGNED, requireHubSpotSignature(config.hubspot.clientSecret, config.publicBaseUrl, logger));
  const webhooks = hubspotWebhookRoutes({ db, boss, logger, appId: config.hubspot.appId });
  signed.use(webhooks);
  signed.use('/api', readSignedIdentity(), refuseReplayedWrites(db, logger));
  const callerDeps = { db, hubspotClient: services.hubspotClient };
  const asCaller = callerRunner(callerDeps);
  const api: Array<[string, Router]> = [
    ['/api/cards', cardRoutes(asCaller, callerReader(callerDeps))],
    ['/api/home', homeRoutes(asCaller)],
    ['/api', searchRoutes(asCaller)],
    ['/api/settings', aiSettingsRoutes({ asCaller, boss, model: services.review?.model })],
    ['/api/settings', writebackSettingsRoutes({ asCaller, boss })],
    [
      '/api/settings',
      settingsRoutes({
        db,
        boss,
        fathom: services.fathom,
        syncSchedule: config.syncSchedule,
        uninstallGraceMs: config.uninstallGraceMs,
        hubspotClient: services.hubspotClient,
        asCaller,
        beforeUninstall: services.beforeUninstall,
      }),
    ],
  ];
  for (const [path, router] of api) signed.use(path, router);
  app.locals.signedRoutes = [...routesOf('', webhooks), ...api.flatMap(([path, router]) => routesOf(path, router))];
  // First after the request log: the card requests are the hot path, and every router mounted
  // before them is a path check per request (docs/cards.md).
  app.use(signed);

  app.use(healthRoutes(db, deps.readiness));
  app.use(docsRoutes());
  const metricsNeedToken = config.nodeEnv === 'production';
  app.use(metricsRoutes(services.metrics.registry, config.metricsToken, { requireToken: metricsNeedToken }));
  const limits = publicRateLimits();
  app.use('/oauth', limits.oauth);
  app.use('/webhooks/fathom', limits.fathomWebhooks);
  app.use(
    installRoutes({
      db,
      oauth: services.oauth,
      sealer: services.sealer,
      requiredScopes: REQUIRED_SCOPES,
      secureCookies: config.publicBaseUrl.startsWith('https:'),
      logger,
    }),
  );
  app.use(
    fathomOAuthRoutes({
      fathom: services.fathom,
      boss,
      secureCookies: config.publicBaseUrl.startsWith('https:'),
      logger,
    }),
  );
  app.use(fathomWebhookRoutes({ db, sealer: services.sealer, boss, logger }));

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
