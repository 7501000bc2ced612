// `npm run worker`: a process that runs only the job workers (sync, webhooks, the schedule's
// fan-out) against DATABASE_URL. Run as many as the work needs; web processes can then run
// with RUN_WORKERS=false.
import { runProcess } from './runProcess.ts';
import { startWorker } from './server.ts';

await runProcess(async (config, logger) => {
  const running = await startWorker({ config, logger });
  logger.info({ database: 'postgresql', metricsPort: running.metricsPort }, 'worker started');
  return running;
});
