import http from 'node:http';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { openDatabase } from './db/open.ts';
import { createApp } from './http/app.ts';
import { startJobs, type Jobs } from './jobs/boss.ts';
import type { Logger } from './logger.ts';
import { createServices, type Services } from './services.ts';

export type Running = {
  server: http.Server;
  db: Database;
  jobs: Jobs;
  services: Services;
  port: number;
  stop(): Promise<void>;
};

/** Opens the database, migrates it, starts the jobs and the web server. */
export async function startServer(options: {
  config: Config;
  logger: Logger;
  /** Run the job workers in this process too (the default for a single-process install). */
  workers?: boolean;
  migrationsDir?: string;
}): Promise<Running> {
  const { config, logger } = options;
  const db = await openDatabase(config);
  let jobs: Jobs | undefined;
  let services: Services;
  try {
    const applied = await migrate(db, options.migrationsDir);
    if (applied.length) logger.info({ applied }, 'migrations applied');
    services = createServices(config, db, logger);
    jobs = await startJobs({ db, logger, syncSchedule: config.syncSchedule, work: options.workers ?? true, sync: services.sync });
  } catch (error) {
    await jobs?.stop().catch(() => {});
    await db.close().catch(() => {});
    throw error;
  }

  const app = createApp({ config, db, logger, boss: jobs.boss, services });
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  let stopping: Promise<void> | undefined;
  return {
    server,
    db,
    jobs,
    services,
    port,
    stop() {
      stopping ??= (async () => {
        // Stop taking requests and let in-flight ones finish, then the jobs, then the database.
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await jobs.stop();
        await db.close();
      })();
      return stopping;
    },
  };
}
