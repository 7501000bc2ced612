// npm run bench:sync [-- --meetings 2000 --segments 60]
// 1. Backfills N meetings from the local Fathom stand-in, in Fathom's 10-meeting pages, through the
//    real sync (client, mapping, analysis, HubSpot linking against a local CRM stand-in, storage)
//    and, on the same database in the same run, times a bare multi-row insert of the same rows:
//    the floor the sync can approach. Every meeting brings a new customer (the worst case for the
//    HubSpot lookups, batched across pages). Prints the HubSpot calls per meeting and the peak RSS.
// 2. Backfills the same N meetings again, into another account, against the stand-in enforcing
//    Fathom's limits (60 calls and 30 heavy calls per 60 s) on a clock whose waits are skipped
//    (real time plus every wait), and compares the time taken with the time the limits allow.
// 3. With write-back on, the sync account's records are written to HubSpot after its backfill (the
//    write-back job's work, through the portal's client and limiter): its calls count in the HubSpot
//    calls per meeting. Then a backfill of 10,000 records of another account, in batches of 100.
// Uses DATABASE_URL (a database of its own, dropped after) or an in-memory PGlite.
import { parseArgs } from 'node:util';
import { Client } from '@hubspot/api-client';
import { analyseFnFor } from '../backend/src/sync/analyseMeeting.ts';
import { ruleBasedAnalyser } from '../backend/src/coaching/analysis/ruleBasedAnalyser.ts';
import { withSystem, withTenant } from '../backend/src/db/tenancy.ts';
import { createFathomClient } from '../backend/src/fathom/client.ts';
import { FathomRateLimiter } from '../backend/src/fathom/rateLimiter.ts';
import { meetingSchema } from '../backend/src/fathom/schemas.ts';
import { hubspotPortalClients } from '../backend/src/hubspot/portalClients.ts';
import { hubspotRecordLinker } from '../backend/src/hubspot/recordLinker.ts';
import { writeBack } from '../backend/src/hubspot/writeback/writeback.ts';
import { createLogger } from '../backend/src/logger.ts';
import { createMetrics } from '../backend/src/metrics.ts';
import { fathomMeetingSource } from '../backend/src/sync/fathomSource.ts';
import { fromFathomMeeting } from '../backend/src/sync/fromFathomMeeting.ts';
import { runSync } from '../backend/src/sync/runSync.ts';
import { createMigratedDatabase, engine } from '../tests/support/database.ts';
import { generateMeetings, startFathomStandIn } from '../tests/support/fathomStandIn.ts';
import { connectedAccount, standInSource } from '../tests/support/fathomSync.ts';
import { listen } from '../tests/support/http.ts';
import { hubspotCrm } from '../tests/support/hubspotCrm.ts';
import { hubspotWrites } from '../tests/support/hubspotWrites.ts';
import { startFathomProcess } from './support/fathomProcess.ts';
import { skippingClock } from '../tests/support/skippingClock.ts';
import { seedRecordsWithCalls, turnWritebackOn } from './support/writeback.ts';

const { values } = parseArgs({
  options: { meetings: { type: 'string', default: '2000' }, segments: { type: 'string', default: '60' } },
});
const count = Number(values.meetings);
const segments = Number(values.segments);
const FATHOM_PAGE = 10;

let peakRss = process.memoryUsage().rss;
let atPeak = process.memoryUsage();
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  if (usage.rss > peakRss) [peakRss, atPeak] = [usage.rss, usage];
}, 50);

// Every meeting brings a customer of its own (the case where no page shares a lookup with another);
// every other one is a HubSpot contact with a deal.
const customers = Array.from({ length: count }, (_, i) => `buyer${i}@customer.example.com`);
const contacts = customers.filter((_, i) => i % 2 === 0);
const crm = hubspotCrm({
  contacts: contacts.map((email, i) => ({ id: String(1000 + i), email, dealIds: [String(500_000 + i)] })),
  deals: contacts.map((_, i) => ({ id: String(500_000 + i), closed: i % 3 === 0 })),
});
// The write endpoints grant every token the write scopes (the bench's portals granted them).
const writes = hubspotWrites(() =>
  ['crm.objects', 'crm.schemas'].flatMap((s) => ['contacts', 'deals', 'companies'].map((t) => `${s}.${t}.write`)),
);
/** Write-back calls by path (the linker's are counted by its onCall). */
const writeCalls: Record<string, number> = {};
const crmServer = await listen((req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (path.startsWith('/crm/properties/') || path.endsWith('/batch/update'))
    writeCalls[path] = (writeCalls[path] ?? 0) + 1;
  void writes
    .handle(req, res)
    .then((handled) => handled || crm.handle(req, res))
    .then((handled) => handled || res.writeHead(404).end());
});
const portalClients = hubspotPortalClients({
  basePath: crmServer.url,
  logger: createLogger('warn'),
  metrics: createMetrics(),
});
const countWrites = () => Object.values(writeCalls).reduce((sum, n) => sum + n, 0);
// The stand-in of the first run lives in a process of its own: the RSS printed is the sync's.
const fathom = await startFathomProcess({
  count,
  segmentsPerMeeting: segments,
  pageSize: FATHOM_PAGE,
  inviteeEmails: customers,
});
const testDb = await createMigratedDatabase();
const db = testDb.db;
const writebackDeps = {
  db,
  logger: createLogger('warn'),
  hubspotClient: async (accountId: string) => portalClients.clientFor(accountId, 'bench'),
};

const storedIn = (accountId: string) =>
  withSystem(
    db,
    async (tx) =>
      (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM conversations WHERE account_id = $1', [accountId]))
        .rows[0]!.n,
  );

// 1. The sync.
const syncAccount = await connectedAccount(db, 1);
let hubspotCalls = 0;
const linker = hubspotRecordLinker(
  new Client({ accessToken: 'bench', basePath: crmServer.url, numberOfApiCallRetries: 0 }),
  { onCall: () => (hubspotCalls += 1) },
);
const syncStart = performance.now();
const result = await runSync(db, {
  accountId: syncAccount,
  source: standInSource({ baseUrl: fathom.baseUrl, apiKey: fathom.apiKey, hubId: 1 }),
  linker,
  analyse: analyseFnFor(ruleBasedAnalyser),
});
const syncSeconds = (performance.now() - syncStart) / 1000;
const [syncPeakRss, syncAtPeak] = [peakRss, atPeak];
// The write-back job's run after this sync, on a portal that turned it on.
await turnWritebackOn(db, syncAccount);
const writebackStart = performance.now();
const writeback = await writeBack(writebackDeps, syncAccount);
const writebackSeconds = (performance.now() - writebackStart) / 1000;
const writebackCalls = countWrites();
await fathom.close();
const meetings = generateMeetings({ count, segmentsPerMeeting: segments, inviteeEmails: customers });

// 2. The floor: the same rows, mapped beforehand, in plain multi-row inserts of 100 meetings.
const incoming = meetings.map((m) => fromFathomMeeting(meetingSchema.parse(m), 2));
const floorAccount = await connectedAccount(db, 2);
const floorStart = performance.now();
for (let i = 0; i < incoming.length; i += 100) {
  const batch = incoming.slice(i, i + 100);
  await withTenant(db, { accountId: floorAccount }, async (tx) => {
    const ids = (
      await tx.query<{ id: string }>(
        `INSERT INTO conversations (account_id, external_id, title, started_at, duration_seconds)
       SELECT app_account_id(), e, t, s, d FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::int[]) AS x(e, t, s, d) RETURNING id`,
        [
          batch.map((m) => m.externalId),
          batch.map((m) => m.title),
          batch.map((m) => m.startedAt),
          batch.map((m) => m.durationSeconds),
        ],
      )
    ).rows.map((r) => r.id);
    const people = batch.flatMap((m, j) =>
      m.participants.map((p) => [ids[j]!, p.email ?? `name:${p.name}`, p.name, p.email, p.isExternal] as const),
    );
    await tx.query(
      `INSERT INTO conversation_participants (account_id, conversation_id, participant_key, name, email, is_external)
       SELECT app_account_id(), c, k, n, e, x FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::boolean[]) AS p(c, k, n, e, x)
       ON CONFLICT DO NOTHING`,
      [
        people.map((p) => p[0]),
        people.map((p) => p[1]),
        people.map((p) => p[2]),
        people.map((p) => p[3]),
        people.map((p) => p[4]),
      ],
    );
    const lines = batch.flatMap((m, j) =>
      m.segments.map((s, position) => [ids[j]!, position, s.speakerName, s.text, s.startSeconds] as const),
    );
    await tx.query(
      `INSERT INTO transcript_segments (account_id, conversation_id, position, speaker_name, text, start_seconds)
       SELECT app_account_id(), c, p, n, t, s FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::numeric[]) AS x(c, p, n, t, s)`,
      [
        lines.map((l) => l[0]),
        lines.map((l) => l[1]),
        lines.map((l) => l[2]),
        lines.map((l) => l[3]),
        lines.map((l) => l[4]),
      ],
    );
  });
}
const floorSeconds = (performance.now() - floorStart) / 1000;

// 3. The same backfill against Fathom's limits, on a clock that skips its waits.
const clock = skippingClock();
const limited = await startFathomStandIn({
  meetings,
  pageSize: FATHOM_PAGE,
  rateLimit: { limit: 60, heavyLimit: 30, windowMs: 60_000 },
  now: clock.now,
});
const limitedAccount = await connectedAccount(db, 3);
const limitedClient = createFathomClient({
  baseUrl: limited.baseUrl,
  credentials: () => ({ kind: 'apiKey', apiKey: limited.apiKey }),
  rateLimiter: new FathomRateLimiter({ clock }),
  clock,
});
const limitedStart = clock.now();
const limitedResult = await runSync(db, {
  accountId: limitedAccount,
  source: fathomMeetingSource(limitedClient, { hubId: 3, authType: 'api_key' }),
  analyse: analyseFnFor(ruleBasedAnalyser),
});
const limitedSeconds = (clock.now() - limitedStart) / 1000;
const limitedCalls = limited.requests.length;
const refused = limited.requests.filter((request) => request.status === 429).length;
// Every page carries transcripts, so every call is heavy: 30 per 60 s is the binding limit.
const allowedSeconds = (limitedCalls / 30) * 60;
// 4. A backfill of 10,000 records (write-back turned on by a portal with that many records with calls).
const backfillAccount = await connectedAccount(db, 4);
await seedRecordsWithCalls(db, backfillAccount, 10_000);
await turnWritebackOn(db, backfillAccount);
const batchesBefore = writes.updates.length;
const callsBefore = countWrites();
const backfillStart = performance.now();
const backfill = await writeBack(writebackDeps, backfillAccount);
const backfillSeconds = (performance.now() - backfillStart) / 1000;
const backfillBatches = writes.updates.length - batchesBefore;
const backfillCalls = countWrites() - callsBefore;
clearInterval(sampler);

const rate = (n: number, s: number) => (n / s).toFixed(1);
console.log(`bench:sync on ${engine}: ${count} meetings × ${segments} segments, Fathom pages of ${FATHOM_PAGE}`);
console.table({
  'sync (fetch, map, analyse, link, store)': {
    seconds: syncSeconds.toFixed(1),
    'meetings/s': rate(result.meetingsNew, syncSeconds),
  },
  'bare multi-row insert (floor)': { seconds: floorSeconds.toFixed(1), 'meetings/s': rate(count, floorSeconds) },
});
console.log(`sync / floor: ${(floorSeconds / syncSeconds).toFixed(2)} of the floor's rate (target ≥ 0.25)`);
console.log(`HubSpot calls: ${hubspotCalls} (${(hubspotCalls / count).toFixed(3)} per meeting; target ≤ 0.05)`);
const withWriteback = hubspotCalls + writebackCalls;
console.log(
  `with write-back on: ${withWriteback} HubSpot calls (${writebackCalls} of the write-back, ${writeback.outcome === 'written' ? writeback.written : 0} records written in ${writebackSeconds.toFixed(1)} s): ` +
    `${(withWriteback / count).toFixed(3)} per meeting (target ≤ 0.08)`,
);
console.log(
  `write-back backfill of 10,000 records: ${backfillBatches} batch updates (${backfillCalls} calls with the properties' creation), ` +
    `${backfill.outcome === 'written' ? backfill.written : 0} written in ${backfillSeconds.toFixed(1)} s (target ≤ 110 batch calls)`,
);
console.log(
  `under Fathom's limits: ${limitedCalls} calls, ${refused} answered 429, ${limitedSeconds.toFixed(0)} s ` +
    `(skipped waits included) where the limits allow ${allowedSeconds.toFixed(0)} s: ${(limitedSeconds / allowedSeconds).toFixed(2)}× (target ≤ 1.1, no 429)`,
);
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
console.log(
  `peak RSS during the backfill: ${mib(syncPeakRss)} MiB (V8 heap ${mib(syncAtPeak.heapUsed)} MiB used of ${mib(syncAtPeak.heapTotal)} MiB); ` +
    `over the whole bench: ${mib(peakRss)} MiB`,
);
const failures = [
  (await storedIn(syncAccount)) !== count || result.meetingsNew !== count
    ? `expected ${count} meetings stored by the sync`
    : null,
  (await storedIn(limitedAccount)) !== count || limitedResult.meetingsNew !== count
    ? `expected ${count} meetings stored under the limits`
    : null,
  withWriteback / count > 0.08 ? 'more than 0.08 HubSpot calls per meeting with write-back on' : null,
  backfill.outcome !== 'written' || backfill.written !== 10_000 || backfillBatches > 110
    ? 'the 10,000-record write-back backfill did not write every record in ≤ 110 batches'
    : null,
].filter(Boolean);
for (const failure of failures) console.error(failure);
if (failures.length) process.exitCode = 1;
await Promise.all([limited.close(), crmServer.close()]);
await testDb.drop();
