import type { Logger } from './logger.ts';

/**
 * On SIGTERM or SIGINT, stops once (the caller's stop finishes in-flight work first) and exits 0,
 * or 1 when stopping failed. A second signal while stopping changes nothing: the orchestrator's
 * own timeout (then SIGKILL) is the backstop.
 */
export function exitOnSignals(logger: Logger, stop: () => Promise<void>): void {
  let signalled = false;
  const shutdown = (signal: string) => {
    if (signalled) return;
    signalled = true;
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
