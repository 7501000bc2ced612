// DATABASE_URL=postgres://… npm run bench:tick [-- --accounts 250 --meetings 20 --workers 3]
// One tick of the schedule at the seed's scale: N connected accounts (a network of franchises, one
// portal each), three worker processes on one PostgreSQL, the Fathom stand-in enforcing its
// per-account limits (60 calls and 30 heavy calls per 60 s, per API key) and the HubSpot stand-in
// for linking. Queues the tick's syncs as the schedule does, waits until every account has synced,
// and prints the tick's time, its Fathom and HubSpot calls, and whether each account synced once.
// Every account has the write-back to HubSpot on: the tick ends when each account's write-back job
// after its sync is done, and the HubSpot calls per meeting include its writes.
import { parseArgs } from 'node:util';
import { saveHubSpotTokens } from '../backend/src/hubspot/tokens.ts';
import { sealContext } from '../backend/src/crypto/sealer.ts';
import { tokenCipher } from '../backend/src/crypto/tokenCipher.ts';
import { withSystem, withTenant } from '../backend/src/db/tenancy.ts';
import { OPTIONAL_SCOPES, REQUIRED_SCOPES } from '../backend/src/hubspot/scopes.ts';
import { requestSyncOfAllAccounts } from '../backend/src/sync/syncJobs.ts';
import { engine } from '../tests/support/database.ts';
import { startFathomStandIn } from '../tests/support/fathomStandIn.ts';
import { hubspotEnv, startHubSpotStandIn } from '../tests/support/hubspotStandIn.ts';
import { startTestBackend } from '../tests/support/testBackend.ts';
import { startWorkerProcess, workerEnv, type WorkerProcess } from '../tests/support/workerProcess.ts';
import { turnWritebackOn } from './support/writeback.ts';

const { values } = parseArgs({
  options: {
    accounts: { type: 'string', default: '250' },
    meetings: { type: 'string', default: '20' },
    workers: { type: 'string', default: '3' },
  },
});
const accounts = Number(values.accounts);
const meetings = Number(values.meetings);
if (engine !== 'postgres') {
  console.error('bench:tick needs PostgreSQL (worker processes share it): set DATABASE_URL');
  process.exit(2);
}

const customers = Array.from({ length: 50 }, (_, i) => `franchise.buyer${i}@customer.example.com`);
const keys = Array.from({ length: accounts }, (_, i) => `fathom-key-franchise-${String(i).padStart(4, '0')}`);
const fathom = await startFathomStandIn({
  count: meetings,
  segmentsPerMeeting: 20,
  pageSize: 10,
  apiKeys: keys,
  inviteeEmails: customers,
  rateLimit: { limit: 60, heavyLimit: 30, windowMs: 60_000 },
});
const hubspot = await startHubSpotStandIn({
  contacts: customers.slice(0, 25).map((email, i) => ({ id: String(3000 + i), email, dealIds: [String(9000 + i)] })),
  deals: customers.slice(0, 25).map((_, i) => ({ id: String(9000 + i), closed: false })),
});
// A long schedule: the bench queues its one tick itself.
const backend = await startTestBackend(
  { ...hubspotEnv(hubspot), FATHOM_API_BASE: fathom.baseUrl, SYNC_SCHEDULE: '0 0 1 1 *' },
  { workers: false },
);
const db = backend.testDb.db;
hubspot.grantedScopes = [...REQUIRED_SCOPES, ...OPTIONAL_SCOPES];
const sealer = tokenCipher(backend.config.tokenEncryptionKey!);

// The accounts, as installs and Fathom connections leave them (tokens sealed with the backend's key).
for (let i = 0; i < accounts; i++) {
  const accountId = await withSystem(
    db,
    async (tx) =>
      (
        await tx.query<{ id: string }>('INSERT INTO accounts (hub_id, name) VALUES ($1, $2) RETURNING id', [
          80_000 + i,
          `Franchise ${i}`,
        ])
      ).rows[0]!.id,
  );
  await withTenant(db, { accountId }, async (tx) => {
    await saveHubSpotTokens(
      tx,
      sealer,
      accountId,
      { accessToken: `hs-at-${i}`, refreshToken: `hs-rt-${i}`, expiresInSeconds: 6 * 3600 },
      {
        scopes: hubspot.grantedScopes,
        installingUserId: null,
      },
    );
    const key = sealer.encrypt(keys[i]!, sealContext(accountId, 'fathom', 'api_key'));
    await tx.query(`SELECT id FROM save_fathom_connection('api_key', $1, $2, NULL, NULL, NULL, NULL, NULL, NULL)`, [
      key.keyId,
      key.ciphertext,
    ]);
  });
  hubspot.grantToken(`hs-at-${i}`, hubspot.grantedScopes);
  await turnWritebackOn(db, accountId);
}

const workers: WorkerProcess[] = [];
for (let i = 0; i < Number(values.workers); i++) workers.push(await startWorkerProcess(workerEnv(backend, {})));

const fathomBefore = fathom.requests.length;
const started = performance.now();
const queued = await requestSyncOfAllAccounts(backend.jobs.boss, db);
const synced = async () =>
  (
    await withSystem(db, (tx) =>
      tx.query<{ n: number }>(`SELECT count(DISTINCT account_id)::int AS n FROM sync_logs WHERE status = 'succeeded'`),
    )
  ).rows[0]!.n;
let last = 0;
for (;;) {
  const done = await synced();
  if (done >= accounts) break;
  if (performance.now() - started > 20 * 60_000) {
    console.error(`only ${done} of ${accounts} accounts synced after 20 minutes`);
    break;
  }
  if (done !== last) last = done;
  await new Promise((resolve) => setTimeout(resolve, 500));
}
// Then each account's write-back job, queued after its sync, is done (pg-boss keeps completed jobs).
const writebackDone = async () =>
  (
    await db.query<{ n: number }>(
      `SELECT count(DISTINCT data ->> 'accountId')::int AS n FROM pgboss.job
        WHERE name = 'hubspot-writeback' AND state = 'completed' AND output ->> 'outcome' = 'written'`,
    )
  ).rows[0]!.n;
while ((await writebackDone()) < accounts && performance.now() - started < 20 * 60_000)
  await new Promise((resolve) => setTimeout(resolve, 500));
const seconds = (performance.now() - started) / 1000;
const writtenAccounts = await writebackDone();

const perAccount = (
  await withSystem(db, (tx) =>
    tx.query<{ runs: number; failed: number; conversations: number }>(
      `SELECT (SELECT count(*) FROM sync_logs s WHERE s.account_id = a.id)::int AS runs,
            (SELECT count(*) FROM sync_logs s WHERE s.account_id = a.id AND s.status <> 'succeeded')::int AS failed,
            (SELECT count(*) FROM conversations c WHERE c.account_id = a.id)::int AS conversations
       FROM accounts a`,
    ),
  )
).rows;
const requests = fathom.requests.slice(fathomBefore);
const refused = requests.filter((request) => request.status === 429).length;
const heaviest = Math.max(...fathom.callsByApiKey().values());
const hubspotCalls = Object.entries(hubspot.calls)
  .filter(([path]) => path.startsWith('/crm/'))
  .reduce((sum, [, n]) => sum + n, 0);
const writebackCalls = Object.entries(hubspot.calls)
  .filter(([path]) => path.startsWith('/crm/properties/') || path.endsWith('/batch/update'))
  .reduce((sum, [, n]) => sum + n, 0);
// HubSpot's limit per portal (110 requests per 10 s): the most any one token sent in a 10 s window.
const byToken = new Map<string, number[]>();
for (const arrival of hubspot.arrivals.filter((a) => a.path.startsWith('/crm/')))
  byToken.set(arrival.token, [...(byToken.get(arrival.token) ?? []), arrival.at]);
let busiestWindow = 0;
for (const times of byToken.values())
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j]! - times[i]! >= 10_000) i++;
    busiestWindow = Math.max(busiestWindow, j - i + 1);
  }
const onceEach = perAccount.every((row) => row.runs === 1 && row.failed === 0 && row.conversations === meetings);

console.log(
  `bench:tick on PostgreSQL: ${accounts} accounts × ${meetings} meetings, ${workers.length} worker processes, ${queued} syncs queued`,
);
console.table({
  tick: {
    seconds: seconds.toFixed(1),
    'accounts synced': perAccount.filter((row) => row.runs >= 1).length,
    'synced exactly once': onceEach,
    'Fathom calls': requests.length,
    'Fathom 429s': refused,
    'most calls of one key': heaviest,
    'HubSpot calls': hubspotCalls,
    'of them write-back': writebackCalls,
    'accounts written back': writtenAccounts,
    'most HubSpot calls of one portal in 10 s': busiestWindow,
  },
});
console.log(
  `HubSpot calls per meeting with write-back on: ${(hubspotCalls / (accounts * meetings)).toFixed(3)} (${accounts * meetings} meetings)`,
);
console.log(
  `target: every account once and written back, no 429, within the 15-minute schedule (900 s): ${onceEach && refused === 0 && seconds <= 900 && writtenAccounts === accounts ? 'met' : 'NOT met'}`,
);
if (!onceEach || refused > 0 || seconds > 900 || writtenAccounts !== accounts) process.exitCode = 1;

for (const worker of workers) await worker.stop('SIGTERM');
await backend.close();
await Promise.all([fathom.close(), hubspot.close()]);
