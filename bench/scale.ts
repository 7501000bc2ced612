// npm run bench:scale [-- --sizes 10000,100000,1000000 --runs 300 --portals 100]
// The card list's query (listConversationsForRecord, as the card route runs it: inside a tenant
// transaction, under row level security) timed at growing table sizes: the calls table grows
// from one size to the next, and at each size the query runs for random contacts (20 calls
// each) and for each portal's busiest contact (1 in 10 of its calls, so it grows with the table).
// It must stay flat: EXPLAIN (ANALYZE, BUFFERS) shows the index range scan, and the script fails
// (exit code 1) if the plan reads any table of the query with a sequential scan.
// Search across calls (GET /api/search, searchCalls) is timed at each size too, as a portal's admin
// (every call of the portal in scope), for a common word (every 2nd call) and a rare one (1 call in
// 5,000), with the plan checked the same way (no sequential scan of conversations).
// Uses DATABASE_URL (a database of its own, dropped after) or an in-memory PGlite.
import { parseArgs } from 'node:util';
import { LIST_FOR_RECORD_SQL, listConversationsForRecord } from '../backend/src/conversations/listForRecord.ts';
import type { Database } from '../backend/src/db/database.ts';
import { withSystem, withTenant } from '../backend/src/db/tenancy.ts';
import { searchCalls } from '../backend/src/search/searchCalls.ts';
import { createMigratedDatabase, engine } from '../tests/support/database.ts';
import { addCalls, addPortals, BUSIEST_CONTACT, CALLS_PER_CONTACT, randomCardRequest } from './support/cardData.ts';
import { ADD_TRANSCRIPTS, COMMON_WORD, RARE_WORD } from './support/searchData.ts';

// PGlite keeps the whole database in the WebAssembly heap of this process: 1M calls with their
// participants, links and analyses do not fit comfortably there (see the README), so its default stops at 100k.
const DEFAULT_SIZES = engine === 'postgres' ? '10000,100000,1000000' : '10000,100000';
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: DEFAULT_SIZES },
    runs: { type: 'string', default: '300' },
    portals: { type: 'string', default: '100' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const runs = Number(values.runs);
const portals = Number(values.portals);
if (sizes.some((size, i) => !Number.isInteger(size) || size < portals || size <= (sizes[i - 1] ?? 0)) || !(runs > 0)) {
  console.error('--sizes must be growing whole numbers of calls (at least one per portal), --runs a positive number');
  process.exit(2);
}

// The tables the card query reads: none of them may be read by a sequential scan.
const CARD_TABLES = ['conversation_crm_links', 'conversations', 'conversation_participants', 'conversation_analyses'];
const SEQ_SCAN = new RegExp(`Seq Scan on (${CARD_TABLES.join('|')})\\b`);
const LIMIT = 10;

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

const testDb = await createMigratedDatabase();
const db = testDb.db;
await addPortals(db, portals);
const accountOf = new Map(
  (await withSystem(db, (tx) => tx.query<{ id: string; hub_id: number }>('SELECT id, hub_id FROM accounts'))).rows.map(
    (r) => [r.hub_id, r.id],
  ),
);

// Each portal's admin (its user 1): search as him covers every call of the portal.
const adminOf = new Map(
  (
    await withSystem(db, (tx) =>
      tx.query<{ account_id: string; id: string }>(
        `SELECT r.account_id, r.user_id AS id FROM user_roles r WHERE r.role = 'admin'`,
      ),
    )
  ).rows.map((r) => [r.account_id, r.id]),
);
const SEARCH_LIMIT = 20;
const asAdmin = (portalId: number) => {
  const accountId = accountOf.get(portalId)!;
  return { accountId, userId: adminOf.get(accountId)! };
};

/** Milliseconds of one search (the calls and their moments), as a random portal's admin. */
async function timeSearches(q: string): Promise<{ median: number; p95: number; found: number }> {
  const times: number[] = [];
  let found = 0;
  for (let i = -20; i < runs; i++) {
    const ms = await withTenant(db, asAdmin(1 + Math.floor(Math.random() * portals)), async (tx) => {
      const start = performance.now();
      found += (await searchCalls(tx, { q, limit: SEARCH_LIMIT })).items.length;
      return performance.now() - start;
    });
    if (i >= 0) times.push(ms);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  return { median: at(0.5), p95: at(0.95), found: found / (runs + 20) };
}

// The statement app_search_call_ids runs (db/functions), taken from the function itself, planned as
// it runs there: as the system role, for one tenant and its admin.
async function searchPlanOf(q: string): Promise<string[]> {
  return withTenant(db, asAdmin(1), async (tx) => {
    const { rows: source } = await tx.query<{ src: string }>(
      `SELECT prosrc AS src FROM pg_proc WHERE proname = 'app_search_call_ids'`,
    );
    const statement = source[0]!.src.split('$sql$')[1]!;
    await tx.query('SET LOCAL ROLE fathom_app_system');
    const { rows } = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${statement}`, [
      q,
      null,
      null,
      SEARCH_LIMIT + 1,
      null,
      null,
    ]);
    return rows.map((row) => row['QUERY PLAN']);
  });
}

/** Milliseconds of the card query alone, inside the tenant transaction the route opens. */
function timeCardQuery(database: Database, portalId: number, objectId: number): Promise<number> {
  return withTenant(database, { accountId: accountOf.get(portalId)! }, async (tx) => {
    const start = performance.now();
    await listConversationsForRecord(tx, { objectType: 'contacts', objectId, limit: LIMIT });
    return performance.now() - start;
  });
}

async function timeMany(pick: () => { portalId: number; contactId: number }): Promise<{ median: number; p95: number }> {
  const times: number[] = [];
  for (let i = -20; i < runs; i++) {
    const { portalId, contactId } = pick();
    const ms = await timeCardQuery(db, portalId, contactId);
    if (i >= 0) times.push(ms); // the first 20 warm up
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { median: at(0.5), p95: at(0.95) };
}

/** The plan of the card query for one record, as the tenant runs it (the policies add their filters). */
async function planOf(portalId: number, objectId: number): Promise<string[]> {
  return withTenant(db, { accountId: accountOf.get(portalId)! }, async (tx) => {
    // The parameters listConversationsForRecord passes for a first page: no cursor, one row more than the page.
    const { rows } = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${LIST_FOR_RECORD_SQL}`, [
      'contacts',
      objectId,
      null,
      null,
      LIMIT + 1,
    ]);
    return rows.map((row) => row['QUERY PLAN']);
  });
}

/** The scan lines of the card tables and the execution time, without the planner's cost estimates. */
const keyLines = (plan: string[]) =>
  plan
    .filter((line) => /Scan.* on (conversation\w*)/.test(line) || line.startsWith('Execution Time'))
    .map((line) =>
      line
        .replace(/\s*\(cost=[^)]*\)/, '')
        .replace(/^\s*->\s*/, '')
        .trim(),
    );

console.log(
  `bench:scale on ${engine}: the card query (first page of ${LIMIT}), ${portals} portals, ${runs} timed runs per size for random contacts (${CALLS_PER_CONTACT} calls each) and for the busiest contacts`,
);
const rows: Record<string, Record<string, number>> = {};
const failures: string[] = [];
let loaded = 0;
for (const size of sizes) {
  const loadStart = performance.now();
  await addCalls(db, { portals, from: loaded, to: size, also: ADD_TRANSCRIPTS });
  const loadSeconds = (performance.now() - loadStart) / 1000;
  loaded = size;

  const random = await timeMany(() => randomCardRequest({ portals, calls: size }));
  const busiest = await timeMany(() => ({
    portalId: 1 + Math.floor(Math.random() * portals),
    contactId: BUSIEST_CONTACT,
  }));
  const sample = randomCardRequest({ portals, calls: size });
  const plans = {
    random: await planOf(sample.portalId, sample.contactId),
    busiest: await planOf(sample.portalId, BUSIEST_CONTACT),
  };

  const common = await timeSearches(COMMON_WORD);
  const rare = await timeSearches(RARE_WORD);
  const searchPlans = { common: await searchPlanOf(COMMON_WORD), rare: await searchPlanOf(RARE_WORD) };

  const calls = size.toLocaleString('en');
  const ms = (value: number) => Number(value.toFixed(2));
  rows[calls] = {
    'load s (calls added)': Number(loadSeconds.toFixed(1)),
    'random contact: median ms': ms(random.median),
    'p95 ms': ms(random.p95),
    'busiest contact: calls': Math.ceil(size / portals / 10),
    'median ms': ms(busiest.median),
    'p95 ms (busiest)': ms(busiest.p95),
    [`search "${COMMON_WORD}": median ms`]: ms(common.median),
    'p95 ms (common)': ms(common.p95),
    [`search "${RARE_WORD}": median ms`]: ms(rare.median),
    'p95 ms (rare)': ms(rare.p95),
    'rare: calls found': Number(rare.found.toFixed(1)),
  };
  console.log(`\n${calls} calls, plan of the card query (EXPLAIN ANALYZE, BUFFERS), random contact:`);
  for (const line of keyLines(plans.random)) console.log(`  ${line}`);
  console.log(`busiest contact:`);
  for (const line of keyLines(plans.busiest)) console.log(`  ${line}`);
  for (const [word, plan] of Object.entries(searchPlans)) {
    console.log(`search, ${word} word, as an admin:`);
    for (const line of keyLines(plan)) console.log(`  ${line}`);
    const seq = plan.find((line) => /Seq Scan on conversations\b/.test(line));
    if (seq) failures.push(`${calls} calls, search for a ${word} word: ${seq.trim()}`);
  }
  for (const [kind, plan] of Object.entries(plans)) {
    const seq = plan.find((line) => SEQ_SCAN.test(line));
    if (seq) failures.push(`${calls} calls, ${kind} contact: ${seq.trim()}`);
    if (!plan.some((line) => line.includes('conversation_crm_links_card_idx')))
      failures.push(`${calls} calls, ${kind} contact: conversation_crm_links_card_idx not used`);
  }
}
clearInterval(sampler);

console.log('');
console.table(rows);
console.log(`peak RSS: ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);
if (failures.length) {
  console.error(`the card query or the search does not use its indexes:\n  ${failures.join('\n  ')}`);
  process.exitCode = 1;
} else {
  console.log(
    `plans: conversation_crm_links_card_idx range scan at every size, no sequential scan of ${CARD_TABLES.join(', ')}`,
  );
}
await testDb.drop();
