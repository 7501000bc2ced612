// Runs one Fathom sync in its own process, printing progress as JSON lines, so a test can
// kill it with SIGKILL mid-backfill. Run by tests/backend/sync/crashResume.test.ts.
import { openDatabase } from '../../backend/src/db/open.ts';
import { runSync } from '../../backend/src/sync/runSync.ts';
import { standInSource } from './fathomSync.ts';

const env = process.env;
const db = await openDatabase({ databaseUrl: env.DATABASE_URL || undefined, dataDir: env.DATA_DIR! });
await runSync(db, {
  accountId: env.ACCOUNT_ID!,
  source: standInSource({ baseUrl: env.FATHOM_API_BASE!, apiKey: env.FATHOM_KEY!, hubId: Number(env.HUB_ID) }),
  analyse: (c) => ({ version: 'test', score: null, metrics: { segments: c.segments.length } }),
  onProgress: (progress) => process.stdout.write(`${JSON.stringify(progress)}\n`),
});
process.stdout.write('{"done":true}\n');
await db.close();
