import http from 'node:http';
import express from 'express';
import { ConfigError, type Config } from './config.ts';
import type { Database } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { openDatabase } from './db/open.ts';
import { createApp } from './http/app.ts';
import { createHttpServer } from './http/httpServer.ts';
import { notFoundHandler } from './http/errorHandler.ts';
import { healthRoutes, type Readiness } from './http/healthRoutes.ts';
import { metricsRoutes } from './http/metricsRoutes.ts';
import { startJobs, type Jobs } from './jobs/boss.ts';
import type { Logger } from './logger.ts';
import { createServices, type Services } from './services.ts';

export type Running = {
  server: http.Server;
  db: Database;
  jobs: Jobs;
  services: Services;
  port: number;
  /** /readyz answers 503 from now on; everything else is served as before until stop(). */
  beginDrain(): void;
  stop(): Promise<void>;
};

export type RunningWorker = {
  db: Database;
  jobs: Jobs;
  services: Services;
  /** Where GET /metrics, /healthz and /readyz are served, when METRICS_PORT is set. */
  metricsPort: number | undefined;
  beginDrain(): void;
  stop(): Promise<void>;
};

/** Starts listening; resolves with the port actually bound (PORT=0 picks a free one). */
async function listen(server: http.Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, resolve);
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}

/** Stops taking requests and resolves once those in flight are answered. */
function closeGracefully(server: http.Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    // A connection whose request is answered from now on closes at once, instead of staying
    // open (and keeping close() waiting) for the keep-alive timeout in case another comes.
    server.keepAliveTimeout = 1;
    server.keepAliveTimeoutBuffer = 0;
    server.closeIdleConnections();
  });
}

/** Runs `step`; when it fails, runs `release` (which must not throw) before passing the error on. */
async function releasingOnFailure<T>(release: () => Promise<void>, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    await release();
    throw error;
  }
}

/** Opens and migrates the database, builds the services and starts the job queue (workers or not). */
async function startBackground(options: {
  config: Config;
  logger: Logger;
  workers: boolean;
  migrationsDir?: string | undefined;
}) {
  const { config, logger } = options;
  const db = await openDatabase(config);
  let jobs: Jobs | undefined;
  // Undoes what has started so far, for a start-up that fails part way.
  const release = async () => {
    await jobs?.stop().catch(() => {});
    await db.close().catch(() => {});
  };
  return releasingOnFailure(release, async () => {
    // Every process migrates; an advisory lock makes concurrent starts take turns.
    const { migrations, repeatables } = await migrate(db, options.migrationsDir);
    if (migrations.length || repeatables.length)
      logger.info(
        { applied: migrations.length, latest: migrations.at(-1), repeatables: repeatables.length },
        'migrations applied',
      );
    const services = createServices(config, db, logger);
    const { sync, hubspotJobs: hubspot, review } = services;
    jobs = await startJobs({
      db,
      logger,
      syncSchedule: config.syncSchedule,
      work: options.workers,
      sync,
      hubspot,
      writeback: hubspot,
      review,
    });
    return { db, jobs, services, release };
  });
}

/** Opens the database, migrates it, starts the jobs and the web server. */
export async function startServer(options: {
  config: Config;
  logger: Logger;
  /** Run the job workers in this process too; RUN_WORKERS (default true) when not given. */
  workers?: boolean;
  migrationsDir?: string;
}): Promise<Running> {
  const { config, logger } = options;
  const { db, jobs, services, release } = await startBackground({
    config,
    logger,
    workers: options.workers ?? config.runWorkers,
    migrationsDir: options.migrationsDir,
  });

  const readiness: Readiness = { draining: false };
  const app = createApp({ config, db, logger, boss: jobs.boss, services, readiness });
  const server = createHttpServer(app);
  const port = await releasingOnFailure(release, () => listen(server, config.port));

  let stopping: Promise<void> | undefined;
  return {
    server,
    db,
    jobs,
    services,
    port,
    beginDrain() {
      readiness.draining = true;
    },
    stop() {
      stopping ??= (async () => {
        // Stop taking requests and let in-flight ones finish, then the jobs, then the database.
        await closeGracefully(server);
        await jobs.stop();
        await db.close();
      })();
      return stopping;
    },
  };
}

/**
 * A worker process (`npm run worker`): the job workers only, no web server. Many of them share
 * one PostgreSQL and pg-boss hands each job to one of them; the embedded database cannot be
 * shared between processes, so a worker needs DATABASE_URL.
 */
export async function startWorker(options: {
  config: Config;
  logger: Logger;
  migrationsDir?: string;
}): Promise<RunningWorker> {
  const { config, logger } = options;
  if (!config.databaseUrl) {
    throw new ConfigError(
      'npm run worker needs DATABASE_URL: the embedded database (PGlite) belongs to one process, so its jobs run inside `npm start`.',
    );
  }
  const { db, jobs, services, release } = await startBackground({
    config,
    logger,
    workers: true,
    migrationsDir: options.migrationsDir,
  });
  // A worker has no web server; Prometheus can still scrape its counters (syncs, jobs, API calls),
  // and an orchestrator can probe it: /healthz (the process answers), /readyz (its database does).
  let metricsServer: http.Server | undefined;
  let metricsPort: number | undefined;
  const readiness: Readiness = { draining: false };
  const wantedMetricsPort = config.metricsPort;
  if (wantedMetricsPort !== undefined) {
    const app = express();
    app.disable('x-powered-by');
    app.use(healthRoutes(db, readiness));
    app.use(metricsRoutes(services.metrics.registry, config.metricsToken));
    app.use(notFoundHandler);
    const server = createHttpServer(app);
    metricsPort = await releasingOnFailure(release, () => listen(server, wantedMetricsPort));
    metricsServer = server;
  }
  let stopping: Promise<void> | undefined;
  return {
    db,
    jobs,
    services,
    metricsPort,
    beginDrain() {
      readiness.draining = true;
    },
    stop() {
      stopping ??= (async () => {
        // In-flight jobs finish (pg-boss's graceful stop), then the database closes.
        await jobs.stop();
        await db.close();
        if (metricsServer) await closeGracefully(metricsServer);
      })();
      return stopping;
    },
  };
}
