import { runProcess } from './runProcess.ts';
import { startServer } from './server.ts';

await runProcess(async (config, logger) => {
  const running = await startServer({ config, logger });
  logger.info(
    {
      port: running.port,
      database: config.databaseUrl ? 'postgresql' : `embedded (${config.dataDir})`,
      workers: config.runWorkers,
    },
    `listening on http://localhost:${running.port}`,
  );
  return running;
});
