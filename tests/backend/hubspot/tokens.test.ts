import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { hubspotTokens } from '../../../backend/src/hubspot/tokens.ts';
import { NeedsReauth } from '../../../backend/src/errors.ts';
import { hubspotEnv, startHubSpotStandIn, type HubSpotStandIn } from '../../support/hubspotStandIn.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

let hubspot: HubSpotStandIn;
let backend: TestBackend;
let accountId: string;

/** Installs through the real flow, so the stored tokens are the stand-in's. */
async function install() {
  const start = await fetch(`${backend.url}/oauth/hubspot/install`, { redirect: 'manual' });
  const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0]!;
  const page = await (await fetch(start.headers.get('location')!)).text();
  const link = /id="allow" href="([^"]+)"/.exec(page)![1]!.replace(/&amp;/g, '&');
  expect((await fetch(link, { headers: { cookie } })).status).toBe(200);
}

const expireAccessToken = () =>
  withSystem(backend.testDb.db, (tx) =>
    tx.query(`UPDATE api_connections SET expires_at = now() - interval '1 minute' WHERE provider = 'hubspot'`),
  );

beforeAll(async () => {
  hubspot = await startHubSpotStandIn({ hubId: 5150 });
  backend = await startTestBackend(hubspotEnv(hubspot));
  await install();
  accountId = (await withSystem(backend.testDb.db, (tx) => tx.query<{ id: string }>('SELECT id FROM accounts')))
    .rows[0]!.id;
});
afterAll(async () => {
  await backend.close();
  await hubspot.close();
});

test('a fresh token is used as stored, without calling HubSpot', async () => {
  const before = hubspot.calls['/oauth/2026-03/token'] ?? 0;
  expect(await backend.services.tokens!.accessToken(accountId)).toBe(hubspot.accessTokens.at(-1));
  expect(hubspot.calls['/oauth/2026-03/token'] ?? 0).toBe(before);
});

test('an expired token and 50 concurrent callers cause exactly one refresh', async () => {
  await expireAccessToken();
  const before = hubspot.calls['/oauth/2026-03/token'] ?? 0;
  const tokens = await Promise.all(Array.from({ length: 50 }, () => backend.services.tokens!.accessToken(accountId)));
  expect(hubspot.calls['/oauth/2026-03/token']! - before).toBe(1);
  expect(new Set(tokens)).toEqual(new Set([hubspot.accessTokens.at(-1)]));
});

test('two processes refreshing at once still make one refresh: the row lock serialises them', async () => {
  await expireAccessToken();
  const before = hubspot.calls['/oauth/2026-03/token'] ?? 0;
  // Two independent token stores, as two worker processes would have: no shared in-memory state.
  const other = hubspotTokens({
    db: backend.testDb.db,
    sealer: backend.services.sealer,
    oauth: backend.services.oauth!,
  });
  const tokens = await Promise.all(
    Array.from({ length: 50 }, (_, i) => (i % 2 ? other : backend.services.tokens!).accessToken(accountId)),
  );
  expect(hubspot.calls['/oauth/2026-03/token']! - before).toBe(1);
  expect(new Set(tokens).size).toBe(1);
});

test('HubSpot down during a refresh fails the call without marking the connection', async () => {
  await expireAccessToken();
  hubspot.tokenEndpointDown = true;
  try {
    await expect(backend.services.tokens!.accessToken(accountId)).rejects.toThrow(
      /HubSpot refused to refresh the access token \(HTTP 503/,
    );
  } finally {
    hubspot.tokenEndpointDown = false;
  }
  const { rows } = await withSystem(backend.testDb.db, (tx) =>
    tx.query(`SELECT status FROM api_connections WHERE provider = 'hubspot'`),
  );
  expect(rows).toEqual([{ status: 'active' }]);
});

test('a revoked refresh token marks the connection needs_reauth, and later callers are told to reconnect', async () => {
  await expireAccessToken();
  // HubSpot refuses every refresh token it issued (the app was uninstalled or access withdrawn).
  hubspot.revokeAll();
  await expect(backend.services.tokens!.accessToken(accountId)).rejects.toBeInstanceOf(NeedsReauth);
  const { rows } = await withSystem(backend.testDb.db, (tx) =>
    tx.query(`SELECT status FROM api_connections WHERE provider = 'hubspot'`),
  );
  expect(rows).toEqual([{ status: 'needs_reauth' }]);
  await expect(backend.services.tokens!.accessToken(accountId)).rejects.toBeInstanceOf(NeedsReauth);
});
