import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { loadConfig } from '../../../../backend/src/config.ts';
import { replaceFathomConnection } from '../../../../backend/src/fathom/connection/connection.ts';
import { sealContext } from '../../../../backend/src/crypto/sealer.ts';
import type { Database } from '../../../../backend/src/db/database.ts';
import { withSystem } from '../../../../backend/src/db/tenancy.ts';
import { NeedsReauth } from '../../../../backend/src/errors.ts';
import { createServices, type Services } from '../../../../backend/src/services.ts';
import { runSync } from '../../../../backend/src/sync/runSync.ts';
import { fakeClock } from '../fakeClock.ts';
import { createMigratedDatabase, type TestDatabase } from '../../../support/database.ts';
import {
  startFathomStandIn,
  type FathomStandIn,
  type StandInOAuth,
  type StandInOptions,
} from '../../../support/fathomStandIn.ts';
import { memoryLogger } from '../../../support/logger.ts';
import { seedTenant, type TenantFixture } from '../../../support/tenantFixture.ts';

const fathomApp: StandInOAuth = {
  clientId: 'fathom-app-id',
  clientSecret: `fathom-secret-${randomBytes(8).toString('hex')}`,
};
const encryptionKey = randomBytes(32).toString('base64');
let testDb: TestDatabase;
let db: Database;
const standIns: FathomStandIn[] = [];
let hubId = 6100;

beforeAll(async () => {
  testDb = await createMigratedDatabase();
  db = testDb.db;
});
afterEach(async () => {
  await Promise.all(standIns.splice(0).map((standIn) => standIn.close()));
});
afterAll(async () => {
  await testDb.drop();
});

/** The backend's services against a stand-in; a second call is a second worker process on the same database. */
function servicesFor(fathom: FathomStandIn, clock?: ReturnType<typeof fakeClock>): Services {
  const config = loadConfig({
    DATA_DIR: '/tmp/unused-fathom-tokens-test',
    TOKEN_ENCRYPTION_KEY: encryptionKey,
    FATHOM_API_BASE: fathom.baseUrl,
    FATHOM_AUTH_BASE: fathom.authBaseUrl,
    FATHOM_CLIENT_ID: fathomApp.clientId,
    FATHOM_CLIENT_SECRET: fathomApp.clientSecret,
  });
  return createServices(config, db, memoryLogger().logger, clock ? { fathomClock: clock } : {});
}

async function standIn(options: StandInOptions): Promise<FathomStandIn> {
  const fathom = await startFathomStandIn({ oauth: fathomApp, ...options });
  standIns.push(fathom);
  return fathom;
}

async function tenantWithoutFathom(): Promise<TenantFixture> {
  const tenant = await seedTenant(db, hubId++);
  await withSystem(db, (tx) =>
    tx.query(`DELETE FROM api_connections WHERE account_id = $1 AND provider = 'fathom'`, [tenant.accountId]),
  );
  return tenant;
}

/** What the callback does after the admin consented: exchange a fresh code, replace the connection. */
async function connectWithOAuth(services: Services, tenant: TenantFixture): Promise<void> {
  const oauth = services.fathom.oauth!;
  const consent = await fetch(oauth.authorizeUrl('state'), { redirect: 'manual' });
  const code = new URL(consent.headers.get('location')!).searchParams.get('code')!;
  await replaceFathomConnection(
    services.fathom,
    { accountId: tenant.accountId, userId: tenant.users.admin },
    { kind: 'oauth', tokens: await oauth.exchangeCode(code) },
  );
}

type Row = { key_id: string; access_token_enc: Buffer; refresh_token_enc: Buffer; status: string; expires_at: Date };
const connectionOf = async (tenant: TenantFixture) =>
  (
    await withSystem(db, (tx) =>
      tx.query<Row>(`SELECT * FROM api_connections WHERE account_id = $1 AND provider = 'fathom'`, [tenant.accountId]),
    )
  ).rows[0]!;
const storedToken = (services: Services, tenant: TenantFixture, row: Row, column: 'access_token' | 'refresh_token') =>
  services.sealer.decrypt(
    row.key_id,
    column === 'access_token' ? row.access_token_enc : row.refresh_token_enc,
    sealContext(tenant.accountId, 'fathom', column),
  );
const setExpiry = (tenant: TenantFixture, interval: string) =>
  withSystem(db, (tx) =>
    tx.query(
      `UPDATE api_connections SET expires_at = now() + $2::interval WHERE account_id = $1 AND provider = 'fathom'`,
      [tenant.accountId, interval],
    ),
  );
const refreshCalls = (fathom: FathomStandIn) =>
  fathom.requests.filter((r) => r.endpoint === 'POST /oauth2/token' && r.form?.get('grant_type') === 'refresh_token');

describe('rotating refresh tokens', () => {
  test('20 concurrent syncs on two workers with an expired token make exactly one refresh, and the newest refresh token is stored', async () => {
    const fathom = await standIn({ count: 1 });
    const workerA = servicesFor(fathom);
    const workerB = servicesFor(fathom);
    const tenant = await tenantWithoutFathom();
    await connectWithOAuth(workerA, tenant);
    fathom.expireAccessTokens();
    await setExpiry(tenant, '-1 minute');

    const pages = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const source = await (i % 2 ? workerB : workerA).sync.sourceFor(tenant.accountId, []);
        return source.listPage({ cursor: null, createdAfter: null });
      }),
    );
    expect(pages.map((page) => page.meetings.length)).toEqual(Array(20).fill(1));
    expect(pages.every((page) => page.meetings[0]!.segments.length > 0)).toBe(true);
    expect(refreshCalls(fathom)).toHaveLength(1);
    const row = await connectionOf(tenant);
    expect(row.status).toBe('active');
    expect(storedToken(workerA, tenant, row, 'refresh_token')).toBe(fathom.oauthState().latestRefreshToken);
    expect(fathom.oauthState().liveAccessTokens).toContain(storedToken(workerA, tenant, row, 'access_token'));
    expect(fathom.requests.filter((r) => r.status === 401)).toHaveLength(0);
  });

  test('a token Fathom stops accepting before its stored expiry is refreshed once, however many calls met the 401', async () => {
    const fathom = await standIn({ count: 1 });
    const services = servicesFor(fathom, fakeClock(Date.now())); // 40 heavy calls: the limiter waits on a fake clock
    const tenant = await tenantWithoutFathom();
    await connectWithOAuth(services, tenant);
    fathom.expireAccessTokens(); // the database still thinks the token is good for an hour

    const pages = await Promise.all(
      Array.from({ length: 20 }, async () =>
        (await services.sync.sourceFor(tenant.accountId, [])).listPage({ cursor: null, createdAfter: null }),
      ),
    );
    expect(pages.every((page) => page.meetings.length === 1)).toBe(true);
    expect(fathom.requests.filter((r) => r.status === 401).length).toBeGreaterThan(0);
    expect(refreshCalls(fathom)).toHaveLength(1);
    expect(storedToken(services, tenant, await connectionOf(tenant), 'refresh_token')).toBe(
      fathom.oauthState().latestRefreshToken,
    );
  });

  test('a refresh lost between Fathom and our commit leaves the stored pair as it was and the current token still in use', async () => {
    const fathom = await standIn({ count: 1 });
    const services = servicesFor(fathom);
    const tenant = await tenantWithoutFathom();
    await connectWithOAuth(services, tenant);
    await setExpiry(tenant, '2 minutes'); // due for refresh, not yet expired
    const before = await connectionOf(tenant);
    // Fathom rotates the refresh token, then the answer never arrives: as if we crashed before committing.
    fathom.failNext(1, { kind: 'lose-answer' }, 'POST /oauth2/token');

    const page = await (
      await services.sync.sourceFor(tenant.accountId, [])
    ).listPage({ cursor: null, createdAfter: null });
    expect(page.meetings).toHaveLength(1);
    expect(refreshCalls(fathom)).toHaveLength(1);
    const after = await connectionOf(tenant);
    expect(after.status).toBe('active');
    expect(storedToken(services, tenant, after, 'access_token')).toBe(
      storedToken(services, tenant, before, 'access_token'),
    );
    expect(storedToken(services, tenant, after, 'refresh_token')).toBe(
      storedToken(services, tenant, before, 'refresh_token'),
    );
    expect(fathom.oauthState().liveAccessTokens).toContain(storedToken(services, tenant, after, 'access_token'));

    // Fathom spent that refresh token; the next refresh is refused, and the admin is asked to reconnect.
    await setExpiry(tenant, '-1 minute');
    fathom.expireAccessTokens();
    await expect(
      (await services.sync.sourceFor(tenant.accountId, [])).listPage({ cursor: null, createdAfter: null }),
    ).rejects.toBeInstanceOf(NeedsReauth);
    expect((await connectionOf(tenant)).status).toBe('needs_reauth');
  });

  test('a refresh Fathom refuses marks the connection needs_reauth and the scheduled fan-out skips it', async () => {
    const fathom = await standIn({ count: 1 });
    const services = servicesFor(fathom);
    const tenant = await tenantWithoutFathom();
    await connectWithOAuth(services, tenant);
    fathom.revokeGrants();
    await setExpiry(tenant, '-1 minute');
    await expect(services.fathom.tokens!.accessToken(tenant.accountId)).rejects.toBeInstanceOf(NeedsReauth);
    await expect(services.fathom.tokens!.accessToken(tenant.accountId)).rejects.toBeInstanceOf(NeedsReauth);
    expect(refreshCalls(fathom)).toHaveLength(1); // once refused, never asked again
    const active = await withSystem(db, (tx) =>
      tx.query(`SELECT 1 FROM api_connections WHERE account_id = $1 AND provider = 'fathom' AND status = 'active'`, [
        tenant.accountId,
      ]),
    );
    expect(active.rows).toHaveLength(0);
  });
});

describe('syncing over OAuth', () => {
  const analyse = (c: { segments: unknown[] }) => ({
    version: 'test',
    score: null,
    metrics: { segments: c.segments.length },
  });

  test('fetches transcripts and summaries per recording within Fathom’s per-minute limits, and both kinds of connection store the same calls', async () => {
    const clock = fakeClock(Date.now());
    const fathom = await standIn({
      count: 40,
      pageSize: 10,
      rateLimit: { limit: 60, heavyLimit: 30, windowMs: 60_000 },
      now: clock.now,
    });
    const services = servicesFor(fathom, clock);
    const byKey = await tenantWithoutFathom();
    const byOAuth = await tenantWithoutFathom();
    await replaceFathomConnection(
      services.fathom,
      { accountId: byKey.accountId, userId: byKey.users.admin },
      { kind: 'api_key', apiKey: fathom.apiKey },
    );
    await connectWithOAuth(services, byOAuth);

    const started = clock.now();
    const oauthResult = await runSync(db, {
      accountId: byOAuth.accountId,
      source: await services.sync.sourceFor(byOAuth.accountId, []),
      analyse,
    });
    expect(oauthResult).toMatchObject({ meetingsNew: 40, errors: 0 });
    const oauthCalls = fathom.requests.filter((r) => r.auth === 'bearer');
    expect(oauthCalls.filter((r) => r.endpoint === 'GET /recordings/:id/transcript')).toHaveLength(40);
    expect(oauthCalls.filter((r) => r.endpoint === 'GET /recordings/:id/summary')).toHaveLength(40);
    expect(fathom.requests.filter((r) => r.status === 429)).toHaveLength(0);
    // 80 heavy calls at 30 a minute cannot take less than two minutes (of the fake clock).
    expect(clock.now() - started).toBeGreaterThanOrEqual(120_000);
    const heavy = oauthCalls.filter((r) => r.endpoint.startsWith('GET /recordings/')).map((r) => r.at);
    const busiestMinute = Math.max(
      ...heavy.map((at) => heavy.filter((other) => other >= at && other < at + 60_000).length),
    );
    expect(busiestMinute).toBeLessThanOrEqual(30);

    const keyResult = await runSync(db, {
      accountId: byKey.accountId,
      source: await services.sync.sourceFor(byKey.accountId, []),
      analyse,
    });
    expect(keyResult).toMatchObject({ meetingsNew: 40, errors: 0 });
    expect(
      fathom.requests.filter((r) => r.auth === 'apiKey' && r.endpoint.startsWith('GET /recordings/')),
    ).toHaveLength(0);
    expect(fathom.requests.filter((r) => r.status === 429)).toHaveLength(0);

    const snapshot = async (tenant: TenantFixture) =>
      (
        await withSystem(db, (tx) =>
          tx.query(
            `SELECT c.external_id, c.title, c.meeting_title, c.url, c.share_url, c.started_at, c.ended_at, c.duration_seconds,
                  c.recorded_by_email, c.summary_markdown, c.language, c.action_items, c.content_hash,
                  (SELECT json_agg(json_build_array(s.position, s.speaker_name, s.speaker_email, s.is_external, s.text, s.start_seconds) ORDER BY s.position)
                     FROM transcript_segments s WHERE s.conversation_id = c.id) AS segments,
                  (SELECT json_agg(json_build_array(p.participant_key, p.name, p.email, p.is_external) ORDER BY p.participant_key)
                     FROM conversation_participants p WHERE p.conversation_id = c.id) AS participants,
                  (SELECT a.metrics FROM conversation_analyses a WHERE a.conversation_id = c.id) AS analysis
             FROM conversations c
            WHERE c.account_id = $1 AND c.external_id NOT LIKE 'rec-%'
            ORDER BY c.external_id`,
            [tenant.accountId],
          ),
        )
      ).rows;
    const [oauthRows, keyRows] = [await snapshot(byOAuth), await snapshot(byKey)];
    expect(oauthRows).toHaveLength(40);
    expect(oauthRows.every((row) => Array.isArray(row.segments) && row.summary_markdown)).toBe(true);
    expect(oauthRows).toEqual(keyRows);
  });
});
