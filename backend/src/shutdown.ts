import type { Logger } from './logger.ts';

/** What a process does to stop: beginDrain() turns /readyz to 503 at once; stop() finishes the work in flight. */
export type Stoppable = { beginDrain(): void; stop(): Promise<void> };

export type ShutdownOptions = {
  /** How long after SIGTERM the server keeps serving, /readyz answering 503, before it stops accepting. */
  drainMs: number;
  /** The whole shutdown's limit: past it the process exits 1 whatever is still running. */
  timeoutMs: number;
};

const EXIT_CODE = { SIGTERM: 143, SIGINT: 130 } as const;

/**
 * On SIGTERM (an orchestrator: Kubernetes, ECS, systemd, docker stop) /readyz answers 503 at
 * once, the server keeps serving for the drain delay so the load balancer takes it out of
 * rotation, then stops (requests in flight, jobs, database) and exits 0, or 1 when stopping
 * failed or outlasted the deadline. SIGINT (Ctrl-C, `npm run dev` restarting) skips the drain:
 * nobody routes traffic to a terminal. A second signal while stopping exits at once, and so does
 * a signal before `target()` has anything to stop (still starting).
 */
export function exitOnSignals(logger: Logger, target: () => Stoppable | undefined, options: ShutdownOptions): void {
  let stopping = false;
  const shutdown = (signal: keyof typeof EXIT_CODE) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal while shutting down: exiting now');
      process.exit(EXIT_CODE[signal]);
    }
    const running = target();
    if (!running) {
      logger.warn({ signal }, 'signal while starting: exiting now');
      process.exit(EXIT_CODE[signal]);
    }
    stopping = true;
    const drainMs = signal === 'SIGTERM' ? options.drainMs : 0;
    logger.info({ signal, drainMs, timeoutMs: options.timeoutMs }, 'shutting down');
    running.beginDrain();
    setTimeout(() => {
      logger.error({ timeoutMs: options.timeoutMs }, 'shutdown outlasted SHUTDOWN_TIMEOUT_SECONDS: exiting');
      process.exit(1);
    }, options.timeoutMs).unref();
    new Promise((resolve) => setTimeout(resolve, drainMs))
      .then(() => running.stop())
      .then(
        () => {
          logger.info('stopped');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
