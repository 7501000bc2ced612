import { ConfigError, loadConfig } from './config.ts';
import { MigrationError } from './db/migrate.ts';
import { createLogger } from './logger.ts';
import { startServer } from './server.ts';
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
  const running = await startServer({ config, logger });
  logger.info(
    {
      port: running.port,
      database: config.databaseUrl ? 'postgresql' : `embedded (${config.dataDir})`,
      workers: config.runWorkers,
    },
    `listening on http://localhost:${running.port}`,
  );
  exitOnSignals(logger, () => running.stop());
} catch (error) {
  if (error instanceof MigrationError) logger.fatal(error.message);
  else logger.fatal({ err: error }, 'start-up failed');
  process.exit(1);
}
