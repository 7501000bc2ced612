import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { loadConfig } from '../../../backend/src/config.ts';
import { connectFathomApiKey } from '../../../backend/src/fathom/connection/apiKeyConnect.ts';
import type { Database } from '../../../backend/src/db/database.ts';
import { migrate } from '../../../backend/src/db/migrate.ts';
import { openDatabase } from '../../../backend/src/db/open.ts';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { createServices } from '../../../backend/src/services.ts';
import { createEmptyDatabase, engine, seededDataDir, type TestDatabase } from '../../support/database.ts';
import { startFathomStandIn, type FathomStandIn } from '../../support/fathomStandIn.ts';
import { memoryLogger } from '../../support/logger.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HUB = 6060;
let fathom: FathomStandIn;
let server: TestDatabase | undefined;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  fathom = await startFathomStandIn({ count: 45, pageSize: 10, newest: new Date('2026-11-20T12:00:00Z') });
  if (engine === 'postgres') server = await createEmptyDatabase();
  env = {
    ...process.env,
    DATABASE_URL: server?.url ?? '',
    DATA_DIR: await seededDataDir('fathom-cli-'),
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    FATHOM_API_BASE: fathom.baseUrl,
  };
  const config = loadConfig(env);
  const db: Database = server?.db ?? (await openDatabase(config));
  await migrate(db);
  const accountId = await withSystem(db, async (tx) => {
    const id = (await tx.query<{ id: string }>('INSERT INTO accounts (hub_id) VALUES ($1) RETURNING id', [HUB]))
      .rows[0]!.id;
    const user = (
      await tx.query<{ id: string }>(
        `INSERT INTO users (account_id, email, hubspot_user_id) VALUES ($1, 'a@x.example.com', 1) RETURNING id`,
        [id],
      )
    ).rows[0]!.id;
    await tx.query(`INSERT INTO user_roles (account_id, user_id, role) VALUES ($1, $2, 'admin')`, [id, user]);
    return { id, user };
  });
  const services = createServices(config, db, memoryLogger().logger);
  await connectFathomApiKey(
    services.fathom,
    {
      accountId: accountId.id,
      hubId: HUB,
      userId: accountId.user,
      hubspotUserId: 1,
      email: 'a@x.example.com',
      role: 'admin',
    },
    { apiKey: fathom.apiKey },
  );
  if (!server) await db.close();
});
afterAll(async () => {
  await fathom.close();
  await server?.drop();
});

const run = (args: string[]) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['backend/src/cli/sync.ts', ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });

test('npm run sync backfills a portal in the foreground, with progress and a summary', async () => {
  const result = await run(['--portal', String(HUB), '--since', '2026-10-01']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const lines = result.stdout.trim().split('\n');
  expect(lines).toHaveLength(6);
  expect(lines[0]).toMatch(/^\[#*\.*\] \d+% 1 pages · 10 meetings \(10 new, 0 updated, 0 unchanged\)/);
  expect(lines[5]).toMatch(
    /^Done: backfill of portal 6060 in [\d.]+ s — 5 pages, 45 new, 0 updated, 0 unchanged, 0 retried calls\.$/,
  );
});

test('bad arguments print the usage; an unknown portal says so', async () => {
  expect(await run(['--portal', 'abc'])).toMatchObject({
    code: 2,
    stderr: expect.stringMatching(/^Usage: npm run sync -- --portal/),
  });
  expect(await run(['--portal', '1'])).toMatchObject({
    code: 1,
    stderr: expect.stringMatching(/^No installed portal 1\./),
  });
});
