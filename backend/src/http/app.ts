import express, { type Express } from 'express';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { errorHandler, notFoundHandler } from './errorHandler.ts';
import { healthRoutes } from './healthRoutes.ts';

export type AppDeps = {
  config: Config;
  db: Database;
  logger: Logger;
};

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Behind a load balancer the client and the scheme come from X-Forwarded-*.
  app.set('trust proxy', true);
  app.use(healthRoutes(deps.db));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
