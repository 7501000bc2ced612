import { parseArgs } from 'node:util';
import { withSystem } from '../db/tenancy.ts';
import { createLogger } from '../logger.ts';
import { createServices } from '../services.ts';
import type { SyncIncident } from '../sync/ports.ts';
import { runSync } from '../sync/runSync.ts';
import { progressLine } from './progressLine.ts';
import { runWithDatabase } from './withDatabase.ts';

const USAGE = 'Usage: npm run sync -- --portal <HubSpot portal id> [--since YYYY-MM-DD]';
const { values } = parseArgs({ options: { portal: { type: 'string' }, since: { type: 'string' } } });
const hubId = Number(values.portal);
const since = values.since ? new Date(`${values.since}T00:00:00Z`) : undefined;
if (!Number.isInteger(hubId) || hubId <= 0 || (since && Number.isNaN(since.getTime()))) {
  console.error(USAGE);
  process.exit(2);
}

await runWithDatabase(async (db, config) => {
  const services = createServices(config, db, createLogger('error'));
  const account = await withSystem(db, async (tx) => {
    const row = (
      await tx.query<{ id: string }>(`SELECT id FROM accounts WHERE hub_id = $1 AND status = 'active'`, [hubId])
    ).rows[0];
    // A start date means: read the history again from that date.
    if (row && since) {
      await tx.query(
        `UPDATE api_connections SET backfill_since = $2, backfill_completed_at = NULL, sync_cursor = NULL
          WHERE account_id = $1 AND provider = 'fathom'`,
        [row.id, since],
      );
    }
    return row;
  });
  if (!account) {
    console.error(`No installed portal ${hubId}. ${USAGE}`);
    process.exitCode = 1;
    return;
  }
  const incidents: SyncIncident[] = [];
  const started = Date.now();
  const tty = process.stdout.isTTY;
  const result = await runSync(db, {
    accountId: account.id,
    source: await services.sync.sourceFor(account.id, incidents),
    linker: await services.sync.linkerFor(account.id),
    analyse: await services.sync.analyseFor(account.id),
    incidents,
    onProgress: (progress) => {
      const line = progressLine(progress, Date.now() - started, new Date());
      if (tty) process.stdout.write(`\r${line}\x1b[K`);
      else console.log(line);
    },
  });
  if (tty) process.stdout.write('\n');
  console.log(
    `Done: ${result.kind} of portal ${hubId} in ${((Date.now() - started) / 1000).toFixed(1)} s — ${result.pages} pages, ` +
      `${result.meetingsNew} new, ${result.meetingsUpdated} updated, ${result.meetingsUnchanged} unchanged, ${result.errors} retried calls.`,
  );
});
