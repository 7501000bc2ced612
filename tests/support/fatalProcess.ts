// A process started like `npm start` (runProcess) whose code then loses an error: argv[2] says
// how ("rejection": a promise nobody awaits rejects; "exception": a timer callback throws).
import { runProcess } from '../../backend/src/runProcess.ts';

await runProcess(async (_config, logger) => {
  setTimeout(() => {
    if (process.argv[2] === 'rejection') void Promise.reject(new Error('nobody awaited this'));
    else throw new TypeError('nobody caught this');
  }, 20);
  logger.info('started');
  return { beginDrain() {}, stop: async () => {} };
});
