// npm run bench:cards [-- --portals 250 --calls 1000000 --connections 10,20 --routes conversations,detail,coaching
//                         --seconds 10 --warmup 2 --profile-seconds 5 --keep]
// The card routes served by the real backend (createApp: signature check, caller resolution and
// the read in one read-only tenant transaction under row level security, logging, metrics),
// loaded with the seed's scale by default (250 portals, 1,000,000 calls, generated with set-based
// SQL), under concurrent load from autocannon in a child process; and, in the same run on the
// same machine, the floors: a bare node:http handler and a bare Express handler answering the
// same bytes (a median answer of that route). Every card request is for a random rep of a random
// portal and a random contact (or call), signed as HubSpot signs it, with a fresh timestamp.
// Each load also splits the machine's CPU per request between the server (this process), every
// PostgreSQL process and the load generator (bench/support/cpu.ts): where those share the cores,
// their sum bounds what any target can reach. Then a CPU profile of this process under the
// conversations card's load says where one request's time goes, and the database part alone is
// timed without HTTP.
// DATABASE_URL may name a Unix socket (postgres://postgres@localhost/postgres?host=/var/run/postgresql)
// when PostgreSQL runs on the same machine.
// Exit code 1 if a card route answers any error or non-2xx.
// Uses DATABASE_URL (a database of its own, dropped after; --keep keeps it, named after the
// scale, and reuses it next time) or an in-memory PGlite (default scale there: 25 portals, 100k calls).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type autocannon from 'autocannon';
import express from 'express';
import pg from 'pg';
import { pino } from 'pino';
import { loadConfig } from '../backend/src/config.ts';
import { conversationsCardRead } from '../backend/src/conversations/listForRecord.ts';
import type { Database } from '../backend/src/db/database.ts';
import { migrate } from '../backend/src/db/migrate.ts';
import { openPostgres } from '../backend/src/db/postgres.ts';
import { readAsCaller, withSystem } from '../backend/src/db/tenancy.ts';
import { createApp } from '../backend/src/http/app.ts';
import { startJobs } from '../backend/src/jobs/boss.ts';
import { createLogger } from '../backend/src/logger.ts';
import { createServices } from '../backend/src/services.ts';
import { createMigratedDatabase, engine, serverUrl } from '../tests/support/database.ts';
import { listen } from '../tests/support/http.ts';
import { signedFetch } from '../tests/support/signedFetch.ts';
import { addCalls, addPortals, cardPath, randomCardRequest, type CardRoute } from './support/cardData.ts';
import { cpuDuring, type CpuSplit } from './support/cpu.ts';
import { runLoad, type LoadPlan } from './support/load.ts';
import { profileDuring } from './support/profile.ts';

const { values } = parseArgs({
  options: {
    portals: { type: 'string', default: engine === 'postgres' ? '250' : '25' },
    calls: { type: 'string', default: engine === 'postgres' ? '1000000' : '100000' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '10,20' },
    routes: { type: 'string', default: 'conversations,detail,coaching' },
    'profile-seconds': { type: 'string', default: '5' },
    keep: { type: 'boolean', default: false },
  },
});
const portals = Number(values.portals);
const calls = Number(values.calls);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const connectionCounts = values.connections.split(',').map(Number);
const routes = values.routes.split(',') as CardRoute[];
const profileSeconds = Number(values['profile-seconds']);

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

/** A fresh database, or with --keep on PostgreSQL the one of this scale from an earlier run. */
async function benchDatabase(): Promise<{ db: Database; loaded: boolean; drop(): Promise<void> }> {
  if (!values.keep || !serverUrl) {
    const testDb = await createMigratedDatabase();
    return { db: testDb.db, loaded: false, drop: () => testDb.drop() };
  }
  const name = `fathom_bench_cards_${portals}p_${calls}c`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  if (!exists) await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = openPostgres(url.toString(), { max: 20 });
  await migrate(db);
  const count = await withSystem(
    db,
    async (tx) => (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM conversations')).rows[0]!.n,
  );
  return { db, loaded: count === calls, drop: () => db.close() };
}

// 1. The data: portals with reps, calls with participants, analyses, CRM links and coaching.
const data = await benchDatabase();
const db = data.db;
const loadStart = performance.now();
if (!data.loaded) {
  await addPortals(db, portals);
  await addCalls(db, { portals, from: 0, to: calls });
}
const loadSeconds = (performance.now() - loadStart) / 1000;

// 2. The backend as server.ts wires it (a web process: the job queue runs, its workers do not).
const clientSecret = randomBytes(24).toString('hex');
const config = loadConfig({
  HUBSPOT_CLIENT_ID: 'bench',
  HUBSPOT_CLIENT_SECRET: clientSecret,
  DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cards-')),
  TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  LOG_LEVEL: 'info',
});
// Production's level and one line per request, written (synchronously, as to stdout) to /dev/null.
const logger = createLogger(config.logLevel, pino.destination({ dest: '/dev/null', sync: true }));
const services = createServices(config, db, logger);
const jobs = await startJobs({ db, logger, syncSchedule: config.syncSchedule, work: false, sync: services.sync });
const cards = await listen(createApp({ config, db, logger, boss: jobs.boss, services }));

// 3. A sample of real answers per route: all must be 200 (the lists with items in them); the
// median-sized one is what the bare handlers answer.
const shape = { portals, calls };
const bodies = new Map<CardRoute, string>();
for (const route of routes) {
  const sample: string[] = [];
  for (let i = 0; i < 40; i++) {
    const request = randomCardRequest(shape);
    const response = await signedFetch(cards.url, cardPath(request, route, shape).replace(/[?&]portalId=.*$/, ''), {
      clientSecret,
      publicBaseUrl: config.publicBaseUrl,
      identity: { portalId: request.portalId, userId: request.userId, userEmail: request.userEmail },
    });
    const body = await response.text();
    if (
      response.status !== 200 ||
      (route === 'conversations' && !(JSON.parse(body) as { items: unknown[] }).items.length)
    ) {
      console.error(`a sample ${route} request answered ${response.status}: ${body.slice(0, 200)}`);
      process.exit(1);
    }
    sample.push(body);
  }
  sample.sort((a, b) => a.length - b.length);
  bodies.set(route, sample[Math.floor(sample.length / 2)]!);
}
const routeOf = (url: string): CardRoute =>
  url.startsWith('/api/cards/coaching')
    ? 'coaching'
    : url.startsWith('/api/cards/conversations/')
      ? 'detail'
      : 'conversations';

// The floors: bare node:http with the bytes ready, and bare Express serialising the same JSON.
const bareBytes = new Map([...bodies].map(([route, body]) => [route, Buffer.from(body)]));
const answerBare = (req: http.IncomingMessage, res: http.ServerResponse) => {
  const bytes = bareBytes.get(routeOf(req.url ?? ''))!;
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': bytes.length });
  res.end(bytes);
};
const bareNode = await listen(answerBare);
const bareApp = express();
bareApp.disable('x-powered-by');
const parsed = new Map([...bodies].map(([route, body]) => [route, JSON.parse(body) as unknown]));
bareApp.get(/^\/api\/cards\//, (req, res) => {
  res.json(parsed.get(routeOf(req.path)));
});
const bareExpress = await listen(bareApp);
// What any design that reads the database on every request can reach here: bare node:http plus
// one prepared `SELECT 1` on the same pool (no signature, no caller, no page), then the same bytes.
const oneRoundTrip = await listen((req: http.IncomingMessage, res: http.ServerResponse) => {
  void db.queryPrepared('SELECT 1', []).then(() => answerBare(req, res));
});

// 4. The load: the same random signed requests against each target, one after the other.
const plan = (origin: string, route: CardRoute, connections: number, duration: number): LoadPlan => ({
  origin,
  signedOrigin: config.publicBaseUrl,
  clientSecret,
  portals,
  calls,
  seconds: duration,
  connections,
  route,
});
async function measure(origin: string, route: CardRoute, connections: number) {
  if (warmup > 0) await runLoad(plan(origin, route, connections, warmup));
  const { value: result, cpu } = await cpuDuring(async () => {
    const { result, loadMicros } = await runLoad(plan(origin, route, connections, seconds));
    return { value: result, loadMicros };
  });
  return { result, cpu };
}
const TARGETS = [
  ['bare node:http', bareNode.url],
  ['bare Express', bareExpress.url],
  ['node:http + SELECT 1', oneRoundTrip.url],
  ['card backend', cards.url],
] as const;
const results: Array<{
  connections: number;
  route: CardRoute;
  target: string;
  result: autocannon.Result;
  cpu: CpuSplit;
}> = [];
for (const connections of connectionCounts) {
  for (const route of routes) {
    for (const [target, origin] of TARGETS)
      results.push({ connections, route, target, ...(await measure(origin, route, connections)) });
  }
}

// 5. Where one request's time goes: this process's CPU under the conversations card's load.
const profiled =
  profileSeconds > 0
    ? await profileDuring(
        async () => (await runLoad(plan(cards.url, 'conversations', connectionCounts[0]!, profileSeconds))).result,
      )
    : undefined;

// 6. The database part alone: the conversations card's one statement (enter the caller and read
// the page, as the route runs it), one request after another (no HTTP, no JSON): the round trip
// and the database's own time.
const dbTimes: number[] = [];
for (let i = -50; i < 1000; i++) {
  const request = randomCardRequest(shape);
  const start = performance.now();
  await readAsCaller(
    db,
    { hubId: request.portalId, hubspotUserId: request.userId, email: request.userEmail },
    conversationsCardRead({ objectType: 'contacts', objectId: request.contactId, limit: 10 }),
  );
  if (i >= 0) dbTimes.push(performance.now() - start);
}
dbTimes.sort((a, b) => a - b);
clearInterval(sampler);

// 7. The report.
const scale = data.loaded ? 'reused from an earlier --keep run' : `loaded in ${loadSeconds.toFixed(0)} s`;
console.log(
  `bench:cards on ${engine}: ${portals} portals, ${calls.toLocaleString('en')} calls (${scale}), ` +
    `${seconds} s per target after ${warmup} s of warm-up, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(1)} at the end`,
);
if (engine === 'postgres') {
  // For the reader: the database is far larger than a default server's shared_buffers (whether
  // that matters, measured, is in docs/benchmarks-cards.md).
  const sizes = (
    await db.query<{ shared_buffers: string; database: string }>(
      `SELECT current_setting('shared_buffers') AS shared_buffers,
              pg_size_pretty(pg_database_size(current_database())) AS database`,
    )
  ).rows[0]!;
  console.log(`PostgreSQL shared_buffers ${sizes.shared_buffers}, this database ${sizes.database}`);
}
const rateOf = (connections: number, route: CardRoute, target: (typeof TARGETS)[number][0]) =>
  results.find((r) => r.connections === connections && r.route === route && r.target === target)!.result.requests
    .average;
for (const connections of connectionCounts) {
  const table: Record<string, Record<string, number | string>> = {};
  for (const { route, target, result, cpu } of results.filter((r) => r.connections === connections)) {
    const perRequest = (micros: number) => Math.round(micros / Math.max(1, result.requests.total));
    table[`${route}: ${target}`] = {
      'requests/s': Math.round(result.requests.average),
      'p50 ms': result.latency.p50,
      'p99 ms': result.latency.p99,
      errors: result.errors,
      'non-2xx': result.non2xx,
      'bytes/response': Math.round(result.throughput.total / Math.max(1, result.requests.total)),
      '× bare node:http': Number((result.requests.average / rateOf(connections, route, 'bare node:http')).toFixed(3)),
      '× node:http + SELECT 1': Number(
        (result.requests.average / rateOf(connections, route, 'node:http + SELECT 1')).toFixed(3),
      ),
      'CPU µs/req: server': perRequest(cpu.serverMicros),
      PostgreSQL: perRequest(cpu.postgresMicros),
      load: perRequest(cpu.loadMicros),
      'machine busy': `${Math.round(cpu.machineBusy * 100)} %`,
    };
  }
  console.log(`\n${connections} connections:`);
  console.table(table);
}
if (profiled) {
  const served = profiled.result.requests.total;
  console.log(
    `\nWhere one conversations-card request's time goes in this process (CPU profile, ${connectionCounts[0]} connections, ` +
      `${profileSeconds} s, ${served} requests; the database's own time is in its process, not here):`,
  );
  console.table(
    Object.fromEntries(
      profiled.summary.parts.map(({ part, ms, share }) => [
        part,
        {
          'µs per request': Math.round((ms * 1000) / Math.max(1, served)),
          'share of busy CPU': `${(share * 100).toFixed(1)} %`,
        },
      ]),
    ),
  );
  console.log('The functions with the most self time:');
  console.table(
    Object.fromEntries(
      profiled.summary.top.map(({ fn, ms, part }) => [
        fn.slice(0, 90),
        { 'µs per request': Math.round((ms * 1000) / Math.max(1, served)), part },
      ]),
    ),
  );
  console.log(
    `busy ${Math.round((profiled.summary.busyMs * 1000) / Math.max(1, served))} µs per request in all; idle ${Math.round(profiled.summary.idleMs)} ms of ${profileSeconds * 1000} ms`,
  );
}
const at = (q: number) => dbTimes[Math.min(dbTimes.length - 1, Math.floor(q * dbTimes.length))]!.toFixed(2);
console.log(
  `\nThe database part alone (readAsCaller: enter the caller + the page + Fathom state, one statement, sequential): p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`,
);
console.log(`peak RSS: ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);

const failed = results.filter(
  (r) => r.target === 'card backend' && (r.result.errors > 0 || r.result.non2xx > 0 || r.result['2xx'] === 0),
);
for (const { route, connections, result } of failed) {
  console.error(
    `the ${route} card failed under load at ${connections} connections: ${result.errors} errors, ${result.non2xx} non-2xx answers (${JSON.stringify(result.statusCodeStats)})`,
  );
}
if (failed.length) process.exitCode = 1;

await Promise.all([cards.close(), bareNode.close(), bareExpress.close(), oneRoundTrip.close()]);
// Requests autocannon abandoned when its time was up are still being answered: let them finish
// before the database goes away.
await setTimeout(2000);
await jobs.stop();
await data.drop();
