import { ConfigError, loadConfig, type Config } from './config.ts';
import { MigrationError } from './db/migrate.ts';
import { createLogger, type Logger } from './logger.ts';
import { exitOnSignals, type Stoppable } from './shutdown.ts';

/**
 * The start-up `npm start` and `npm run worker` share: reads the configuration, starts, and stops
 * on SIGTERM or SIGINT (shutdown.ts). A configuration or migration that is wrong exits 1 with its
 * message alone (no stack trace: the message says what to fix). An error nothing caught is logged
 * as fatal and ends the process: its state is unknown from then on, and the orchestrator restarts it.
 */
export async function runProcess(start: (config: Config, logger: Logger) => Promise<Stoppable>): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  // A person at a terminal reads lines; anything else (a log collector) gets JSON.
  const logger = createLogger(config.logLevel, undefined, { pretty: process.stdout.isTTY === true });
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception: exiting');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection: exiting');
    process.exit(1);
  });
  let running: Stoppable | undefined;
  exitOnSignals(logger, () => running, { drainMs: config.shutdownDrainMs, timeoutMs: config.shutdownTimeoutMs });
  try {
    running = await start(config, logger);
  } catch (error) {
    if (error instanceof ConfigError) console.error(error.message);
    else if (error instanceof MigrationError) logger.fatal(error.message);
    else logger.fatal({ err: error }, 'start-up failed');
    process.exit(1);
  }
}
