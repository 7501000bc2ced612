import { ConfigError, loadConfig, type Config } from './config.ts';
import { MigrationError } from './db/migrate.ts';
import { createLogger, type Logger } from './logger.ts';
import { exitOnSignals } from './shutdown.ts';

/**
 * The start-up `npm start` and `npm run worker` share: reads the configuration, starts, and stops
 * on SIGTERM or SIGINT. A configuration or migration that is wrong exits 1 with its message alone
 * (no stack trace: the message says what to fix).
 */
export async function runProcess(
  start: (config: Config, logger: Logger) => Promise<{ stop(): Promise<void> }>,
): Promise<void> {
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
    const running = await start(config, logger);
    exitOnSignals(logger, () => running.stop());
  } catch (error) {
    if (error instanceof ConfigError) console.error(error.message);
    else if (error instanceof MigrationError) logger.fatal(error.message);
    else logger.fatal({ err: error }, 'start-up failed');
    process.exit(1);
  }
}
