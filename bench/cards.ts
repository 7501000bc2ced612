// npm run bench:cards [-- --portals 100 --calls 200000 --seconds 10 --connections 20]
// The conversations card's list (GET /api/cards/conversations?objectType=contacts&objectId=N)
// served by the real backend (createApp: signature check, caller resolution, tenant transaction
// under row level security, the card query), loaded with N portals and their calls, under
// concurrent load from autocannon; and, in the same run on the same machine, a bare Express
// handler answering a constant JSON body of the same size: the floor of this HTTP stack.
// Every card request is signed (HubSpot v3, fresh timestamp) for a random rep of a random portal
// and a random contact. Exit code 1 if the card endpoint answers any error or non-2xx.
// Uses DATABASE_URL (a database of its own, dropped after) or an in-memory PGlite.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type autocannon from 'autocannon';
import express from 'express';
import { loadConfig } from '../backend/src/config.ts';
import { createApp } from '../backend/src/http/app.ts';
import { startJobs } from '../backend/src/jobs/boss.ts';
import { createLogger } from '../backend/src/logger.ts';
import { createServices } from '../backend/src/services.ts';
import { createMigratedDatabase, engine } from '../tests/support/database.ts';
import { listen } from '../tests/support/http.ts';
import { signedFetch } from '../tests/support/signedFetch.ts';
import { addCalls, addPortals, randomCardRequest } from './support/cardData.ts';
import { runLoad, type LoadPlan } from './support/load.ts';

const { values } = parseArgs({
  options: {
    portals: { type: 'string', default: '100' },
    calls: { type: 'string', default: '200000' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '20' },
  },
});
const portals = Number(values.portals);
const calls = Number(values.calls);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const connections = Number(values.connections);

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

// 1. The data: portals with reps, calls with participants, analyses and CRM links.
const testDb = await createMigratedDatabase();
const db = testDb.db;
const loadStart = performance.now();
await addPortals(db, portals);
await addCalls(db, { portals, from: 0, to: calls });
const loadSeconds = (performance.now() - loadStart) / 1000;

// 2. The backend as server.ts wires it (a web process: the job queue runs, its workers do not).
const clientSecret = randomBytes(24).toString('hex');
const config = loadConfig({
  HUBSPOT_CLIENT_ID: 'bench',
  HUBSPOT_CLIENT_SECRET: clientSecret,
  DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cards-')),
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  LOG_LEVEL: 'warn',
});
const logger = createLogger(config.logLevel);
const services = createServices(config, db, logger);
const jobs = await startJobs({ db, logger, syncSchedule: config.syncSchedule, work: false, sync: services.sync });
const cards = await listen(createApp({ config, db, logger, boss: jobs.boss, services }));

// 3. A sample of real answers: all must be 200 with calls in them; the median-sized one is the
// bare handler's constant body.
const sample: string[] = [];
for (let i = 0; i < 40; i++) {
  const request = randomCardRequest({ portals, calls });
  const response = await signedFetch(cards.url, `/api/cards/conversations?objectType=contacts&objectId=${request.contactId}`, {
    clientSecret,
    publicBaseUrl: config.publicBaseUrl,
    identity: { portalId: request.portalId, userId: request.userId, userEmail: request.userEmail },
  });
  const body = await response.text();
  if (response.status !== 200 || !(JSON.parse(body) as { items: unknown[] }).items.length) {
    console.error(`a sample card request answered ${response.status}: ${body.slice(0, 200)}`);
    process.exit(1);
  }
  sample.push(body);
}
sample.sort((a, b) => a.length - b.length);
const constant: unknown = JSON.parse(sample[Math.floor(sample.length / 2)]!);
const bareApp = express();
bareApp.disable('x-powered-by');
bareApp.get('/api/cards/conversations', (_req, res) => {
  res.json(constant);
});
const bare = await listen(bareApp);

// 4. The load: the same random signed requests against both, one after the other.
const plan = (origin: string, duration: number): LoadPlan => ({
  origin,
  signedOrigin: config.publicBaseUrl,
  clientSecret,
  portals,
  calls,
  seconds: duration,
  connections,
});
async function measure(origin: string): Promise<autocannon.Result> {
  if (warmup > 0) await runLoad(plan(origin, warmup));
  return runLoad(plan(origin, seconds));
}
const bareResult = await measure(bare.url);
const cardResult = await measure(cards.url);
clearInterval(sampler);

const row = (result: autocannon.Result) => ({
  'requests/s': Math.round(result.requests.average),
  'p50 ms': result.latency.p50,
  'p99 ms': result.latency.p99,
  requests: result.requests.total,
  errors: result.errors,
  'non-2xx': result.non2xx,
  'bytes/response': Math.round(result.throughput.total / Math.max(1, result.requests.total)),
});
console.log(
  `bench:cards on ${engine}: ${portals} portals, ${calls.toLocaleString('en')} calls (loaded in ${loadSeconds.toFixed(1)} s), ` +
    `${connections} connections, ${seconds} s per target after ${warmup} s of warm-up, ${os.cpus().length} CPUs`,
);
console.table({ 'card endpoint (signed, tenant, query)': row(cardResult), 'bare Express, constant JSON': row(bareResult) });
console.log(`card / bare: ${(cardResult.requests.average / bareResult.requests.average).toFixed(3)} of the bare handler's requests/s`);
console.log(`peak RSS: ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);
if (cardResult.errors > 0 || cardResult.non2xx > 0 || cardResult['2xx'] === 0) {
  console.error(`the card endpoint failed under load: ${cardResult.errors} errors, ${cardResult.non2xx} non-2xx answers (${JSON.stringify(cardResult.statusCodeStats)})`);
  process.exitCode = 1;
}

await Promise.all([cards.close(), bare.close()]);
// Requests autocannon abandoned when its time was up are still being answered: let them finish
// before the database goes away.
await setTimeout(2000);
await jobs.stop();
await testDb.drop();
