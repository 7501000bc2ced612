// HubSpot's v3 signature is valid for five minutes, so a signed write captured on the way could be
// sent again within them. Each signed non-GET request is remembered in the database for that
// window and refused (409) the second time, by every backend process on the database.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { hubspotEnv, startHubSpotStandIn, type HubSpotStandIn } from '../../support/hubspotStandIn.ts';
import { installThroughStandIn } from '../../support/install.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

const HUB = 6202;
let hubspot: HubSpotStandIn;
let backend: TestBackend;
let other: TestBackend;

beforeAll(async () => {
  hubspot = await startHubSpotStandIn({ hubId: HUB });
  backend = await startTestBackend(hubspotEnv(hubspot));
  // A second backend process on the same database, behind the same public URL (as behind a load balancer).
  other = await startTestBackend(
    { ...hubspotEnv(hubspot), PUBLIC_BASE_URL: backend.url },
    {
      database: { db: backend.testDb.db, url: backend.testDb.url, drop: async () => {} },
    },
  );
  await installThroughStandIn(backend.url);
  // A rep, created by his first card request.
  await as(REP, '/api/cards/coaching?objectType=contacts&objectId=1');
});
afterAll(async () => {
  await other.close();
  await backend.close();
  await hubspot.close();
});

type Identity = { portalId: number; userId: number; userEmail: string };
const ADMIN: Identity = { portalId: HUB, userId: 777, userEmail: 'admin@customer.example.com' };
const REP: Identity = { portalId: HUB, userId: 7801, userEmail: 'rep@customer.example.com' };
type Sent = { url: string; body: string; headers: Record<string, string>; method: string };

/** A signed request as HubSpot sent it; `sent` keeps its exact bytes for a replay. */
async function as(
  identity: Identity,
  path: string,
  init: { method?: string; body?: unknown; timestamp?: number } = {},
): Promise<{ response: Response; sent: Sent }> {
  let sent!: Sent;
  const response = await signedFetch(backend.url, path, {
    clientSecret: hubspot.clientSecret,
    identity,
    ...init,
    tamper: (request) => {
      sent = { ...request, headers: { ...request.headers }, method: init.method ?? 'GET' };
    },
  });
  return { response, sent };
}

/** The same bytes again, to `baseUrl` (this process or another on the same database). */
const replay = (sent: Sent, baseUrl = backend.url) =>
  fetch(sent.url.replace(backend.url, baseUrl), {
    method: sent.method,
    headers: sent.headers,
    ...(sent.body ? { body: sent.body } : {}),
  });

const roleOf = async (hubspotUserId: number) =>
  withSystem(
    backend.testDb.db,
    async (tx) =>
      (
        await tx.query<{ role: string }>(
          'SELECT r.role FROM users u JOIN user_roles r ON r.user_id = u.id WHERE u.hubspot_user_id = $1',
          [hubspotUserId],
        )
      ).rows[0]?.role,
  );

test('a role change replayed four minutes later, to another process, is refused and changes nothing', async () => {
  const fourMinutesAgo = Date.now() - 4 * 60_000;
  const promote = await as(ADMIN, '/api/settings/roles', {
    method: 'PUT',
    body: { hubspotUserId: REP.userId, role: 'manager' },
    timestamp: fourMinutesAgo,
  });
  expect(promote.response.status).toBe(200);
  const demote = await as(ADMIN, '/api/settings/roles', {
    method: 'PUT',
    body: { hubspotUserId: REP.userId, role: 'rep' },
  });
  expect(demote.response.status).toBe(200);

  for (const url of [other.url, backend.url]) {
    const again = await replay(promote.sent, url);
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: 'conflict', message: expect.stringMatching(/already/) });
  }
  expect(await roleOf(REP.userId)).toBe('rep');
});

test('reads are not remembered: the same signed GET answers twice', async () => {
  const first = await as(ADMIN, '/api/settings/roles');
  expect(first.response.status).toBe(200);
  expect((await replay(first.sent)).status).toBe(200);
});

test('the removal asks for the portal hub id in its body, and a replayed removal is refused', async () => {
  for (const body of [undefined, {}, { hubId: HUB + 1 }, { hubId: String(HUB) }]) {
    const refused = await as(ADMIN, '/api/settings/installation', { method: 'DELETE', body });
    expect({ body, status: refused.response.status }).toEqual({ body, status: 400 });
  }
  expect(hubspot.externalUninstalls).toEqual([]);

  // A removal that failed on our side (HubSpot did not confirm) may be sent again, as HubSpot's
  // own retry of a 5xx would; one that succeeded may not.
  hubspot.uninstallEndpointDown = true;
  const removal = await as(ADMIN, '/api/settings/installation', { method: 'DELETE', body: { hubId: HUB } });
  expect(removal.response.status).toBe(502);
  hubspot.uninstallEndpointDown = false;
  const retried = await replay(removal.sent);
  expect(retried.status).toBe(200);
  expect(hubspot.externalUninstalls).toEqual([HUB]);
  expect((await replay(removal.sent, other.url)).status).toBe(409);
});
