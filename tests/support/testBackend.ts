import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../backend/src/config.ts';
import type { Clock } from '../../backend/src/fathom/clock.ts';
import { createApp } from '../../backend/src/http/app.ts';
import { signedRoutesOf, type RouteEntry } from '../../backend/src/http/routeList.ts';
import { startJobs, type JobTuning, type Jobs } from '../../backend/src/jobs/boss.ts';
import { createServices, type Services } from '../../backend/src/services.ts';
import { createMigratedDatabase, type TestDatabase } from './database.ts';
import { listen, type Listening } from './http.ts';
import { memoryLogger } from './logger.ts';

export type TestBackend = {
  url: string;
  config: Config;
  testDb: TestDatabase;
  services: Services;
  jobs: Jobs;
  log: ReturnType<typeof memoryLogger>;
  /** Every route behind HubSpot's signature, from the routers themselves. */
  signedRoutes: RouteEntry[];
  close(): Promise<void>;
};

/**
 * The whole backend (database, services, job queue, HTTP app) on a fresh database and a free
 * port, pointed at stand-ins through the same environment variables production uses.
 * `database` runs it on a migrated database the test brings (dropped by close()); `tuning` sets
 * the job queue's intervals.
 */
export async function startTestBackend(
  env: Record<string, string | undefined> = {},
  options: {
    workers?: boolean;
    tuning?: JobTuning;
    database?: TestDatabase;
    fathomClock?: Clock;
    /** The AI review's model timeout (production: 60 s). */
    modelTimeoutMs?: number;
  } = {},
): Promise<TestBackend> {
  const testDb = options.database ?? (await createMigratedDatabase());
  const log = memoryLogger();
  // Listen first, so PUBLIC_BASE_URL (OAuth redirects, webhook URLs) can be this server's own URL.
  let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
  const server: Listening = await listen((req, res) => handler(req, res));
  const config = loadConfig({
    PUBLIC_BASE_URL: server.url,
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'fathom-backend-')),
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    UNINSTALL_GRACE_HOURS: '0',
    LOG_LEVEL: 'debug',
    ...env,
  });
  const services = createServices(config, testDb.db, log.logger, {
    ...(options.fathomClock ? { fathomClock: options.fathomClock } : {}),
    ...(options.modelTimeoutMs ? { modelTimeoutMs: options.modelTimeoutMs } : {}),
  });
  const jobs = await startJobs({
    db: testDb.db,
    logger: log.logger,
    syncSchedule: config.syncSchedule,
    work: options.workers ?? false,
    sync: services.sync,
    hubspot: services.hubspotJobs,
    writeback: services.hubspotJobs,
    review: services.review,
    ...(options.tuning ? { tuning: options.tuning } : {}),
  });
  const app = createApp({ config, db: testDb.db, logger: log.logger, boss: jobs.boss, services });
  handler = app;
  return {
    url: server.url,
    config,
    testDb,
    services,
    jobs,
    log,
    signedRoutes: signedRoutesOf(app),
    async close() {
      await server.close();
      await jobs.stop();
      await testDb.drop();
    },
  };
}
