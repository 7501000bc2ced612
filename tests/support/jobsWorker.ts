// A job worker in a process of its own, as a worker machine runs one: the backend's services and
// its pg-boss workers (no web server) on the database of DATABASE_URL, configured from the
// environment like the server; JOB_TUNING (JSON) shortens the queue's intervals. Prints
// {"ready":true} once it works, so a test can SIGKILL it in the middle of a job. Started by
// tests/support/workerProcess.ts.
import { loadConfig } from '../../backend/src/config.ts';
import { openDatabase } from '../../backend/src/db/open.ts';
import { startJobs, type JobTuning } from '../../backend/src/jobs/boss.ts';
import { createLogger } from '../../backend/src/logger.ts';
import { createServices } from '../../backend/src/services.ts';

const config = loadConfig();
const logger = createLogger(config.logLevel);
const db = await openDatabase(config);
const services = createServices(config, db, logger);
const tuning = JSON.parse(process.env.JOB_TUNING ?? '{}') as JobTuning;
const jobs = await startJobs({
  db,
  logger,
  syncSchedule: config.syncSchedule,
  work: true,
  sync: services.sync,
  // As a worker machine: the write-back's jobs too (the HubSpot webhook and journal jobs stay with
  // the tests' main backend, which has the app id they need).
  writeback: services.hubspotJobs,
  tuning,
});
process.stdout.write('{"ready":true}\n');

process.once('SIGTERM', () => {
  jobs
    .stop()
    .then(() => db.close())
    .then(
      () => process.exit(0),
      () => process.exit(1),
    );
});
