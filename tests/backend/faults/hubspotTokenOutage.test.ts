import { afterAll, beforeAll, beforeEach, expect, test } from '@jest/globals';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { hubspotEnv, startHubSpotStandIn, type HubSpotStandIn } from '../../support/hubspotStandIn.ts';
import { installThroughStandIn } from '../../support/install.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

const HUB = 6104;
let hubspot: HubSpotStandIn;
let backend: TestBackend;

beforeAll(async () => {
  hubspot = await startHubSpotStandIn({
    hubId: HUB,
    users: [
      { id: 777, email: 'Admin@Customer.example.com' },
      { id: 811, email: 'rita.rep@customer.example.com' },
    ],
  });
  backend = await startTestBackend(hubspotEnv(hubspot));
  await installThroughStandIn(backend.url);
});
afterAll(async () => {
  await backend.close();
  await hubspot.close();
});
beforeEach(() => {
  hubspot.tokenEndpointDown = false;
  hubspot.tokenEndpointDrops = false;
});

// Importing the portal's users is the settings call that needs a HubSpot access token.
const importUsers = () =>
  signedFetch(backend.url, '/api/settings/roles/import', {
    clientSecret: hubspot.clientSecret,
    identity: { portalId: HUB, userId: 777, userEmail: 'admin@customer.example.com' },
    method: 'POST',
  });
const expireAccessToken = () =>
  withSystem(backend.testDb.db, (tx) =>
    tx.query(`UPDATE api_connections SET expires_at = now() - interval '1 minute' WHERE provider = 'hubspot'`),
  );
const connectionStatus = async () =>
  (
    await withSystem(backend.testDb.db, (tx) =>
      tx.query<{ status: string }>(`SELECT status FROM api_connections WHERE provider = 'hubspot'`),
    )
  ).rows[0]!.status;
const answer = async (response: Response) => ({
  status: response.status,
  body: (await response.json()) as Record<string, unknown>,
});

test('with HubSpot’s token endpoint answering 503 during a refresh, the call answers a 502 that says to try again, and the connection stays active', async () => {
  await expireAccessToken();
  hubspot.tokenEndpointDown = true;
  expect(await answer(await importUsers())).toEqual({
    status: 502,
    body: {
      error: 'upstream_failed',
      message: 'HubSpot refused to refresh the access token (HTTP 503). Try again in a minute.',
    },
  });
  expect(await connectionStatus()).toBe('active');

  hubspot.tokenEndpointDown = false;
  expect(await answer(await importUsers())).toEqual({ status: 200, body: { found: 2, added: 1 } });
});

test('with HubSpot’s token endpoint dropping the connection during a refresh, the call answers a 502 that says to try again', async () => {
  await expireAccessToken();
  hubspot.tokenEndpointDrops = true;
  const before = hubspot.calls['/oauth/2026-03/token'] ?? 0;
  expect(await answer(await importUsers())).toEqual({
    status: 502,
    body: {
      error: 'upstream_failed',
      message: 'HubSpot could not be reached to refresh the access token. Try again in a minute.',
    },
  });
  expect(hubspot.calls['/oauth/2026-03/token']).toBeGreaterThan(before);
  expect(await connectionStatus()).toBe('active');
  expect(backend.log.lines().filter((line) => line.msg === 'unhandled error')).toEqual([]);
});

test('a refresh HubSpot answers with invalid_grant gives the reconnect state (409 needs_reauth), and later calls get it without asking HubSpot', async () => {
  await expireAccessToken();
  hubspot.revokeAll();
  const revoked = await answer(await importUsers());
  expect(revoked).toEqual({
    status: 409,
    body: { error: 'needs_reauth', message: expect.stringMatching(/reinstall the app/) },
  });
  expect(await connectionStatus()).toBe('needs_reauth');

  const calls = hubspot.calls['/oauth/2026-03/token'];
  expect(await answer(await importUsers())).toEqual(revoked);
  expect(hubspot.calls['/oauth/2026-03/token']).toBe(calls);
  // The cards read only our own database: they keep working for the reps meanwhile.
  const cards = await signedFetch(backend.url, '/api/cards/conversations?objectType=contacts&objectId=1', {
    clientSecret: hubspot.clientSecret,
    identity: { portalId: HUB, userId: 777, userEmail: 'admin@customer.example.com' },
  });
  expect(await answer(cards)).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
});
