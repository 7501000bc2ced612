// `npm run worker`: a process that runs only the job workers (sync, webhooks, the schedule's
// fan-out) against DATABASE_URL. Run as many as the work needs; web processes can then run
// with RUN_WORKERS=false.
import { ConfigError, loadConfig } from './config.ts';
import { MigrationError } from './db/migrate.ts';
import { createLogger } from './logger.ts';
import { startWorker } from './server.ts';
import { exitOnSignals } from './shutdown.ts';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const logger = createLogger(config.logLevel);

try {
  const running = await startWorker({ config, logger });
  logger.info({ database: 'postgresql', metricsPort: running.metricsPort }, 'worker started');
  exitOnSignals(logger, () => running.stop());
} catch (error) {
  if (error instanceof ConfigError) console.error(error.message);
  else if (error instanceof MigrationError) logger.fatal(error.message);
  else logger.fatal({ err: error }, 'start-up failed');
  process.exit(1);
}
