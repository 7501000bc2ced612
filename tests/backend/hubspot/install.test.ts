import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { hubspotEnv, startHubSpotStandIn, type HubSpotStandIn } from '../../support/hubspotStandIn.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

let hubspot: HubSpotStandIn;
let backend: TestBackend;

beforeAll(async () => {
  hubspot = await startHubSpotStandIn({
    hubId: 4242,
    users: [
      { id: 777, email: 'Admin@Customer.example.com' },
      { id: 801, email: 'mia.manager@customer.example.com' },
      { id: 802, email: 'rita.rep@customer.example.com' },
    ],
  });
  backend = await startTestBackend(hubspotEnv(hubspot));
});
afterAll(async () => {
  await backend.close();
  await hubspot.close();
});
beforeEach(() => {
  hubspot.grantedScopes = ['oauth', 'crm.objects.contacts.read', 'crm.objects.deals.read'];
});

/** Follows the install as a browser would: our redirect, HubSpot's page, the chosen link, our callback. */
async function install(
  choice: 'allow' | 'deny' = 'allow',
  tamper?: (callback: URL, cookie: string) => { url: URL; cookie: string },
) {
  const start = await fetch(`${backend.url}/oauth/hubspot/install`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0]!;
  const authorize = new URL(start.headers.get('location')!);
  const page = await (await fetch(authorize)).text();
  const link = new RegExp(`id="${choice}" href="([^"]+)"`).exec(page)![1]!.replace(/&amp;/g, '&');
  let callback = new URL(link);
  let sentCookie = cookie;
  if (tamper) ({ url: callback, cookie: sentCookie } = tamper(callback, cookie));
  const response = await fetch(callback, { headers: sentCookie ? { cookie: sentCookie } : {} });
  return { response, html: await response.text(), authorize, callback, cookie };
}

const stored = () =>
  withSystem(backend.testDb.db, async (tx) => ({
    accounts: (await tx.query<{ hub_id: number; status: string }>('SELECT hub_id, status FROM accounts')).rows,
    connections: (await tx.query<{ provider: string; status: string }>('SELECT provider, status FROM api_connections'))
      .rows,
    admins: (
      await tx.query<{ email: string }>(
        `SELECT u.email FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = 'admin'`,
      )
    ).rows,
  }));

describe('the install flow', () => {
  test('the install link goes to HubSpot with the client, redirect, scopes and a state, and sets a short-lived HttpOnly cookie', async () => {
    const start = await fetch(`${backend.url}/oauth/hubspot/install`, { redirect: 'manual' });
    const location = new URL(start.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(`${hubspot.url}/oauth/authorize`);
    expect(location.searchParams.get('client_id')).toBe(hubspot.clientId);
    expect(location.searchParams.get('redirect_uri')).toBe(`${backend.url}/oauth/hubspot/callback`);
    expect(location.searchParams.get('scope')).toBe('oauth crm.objects.contacts.read crm.objects.deals.read');
    expect(location.searchParams.get('optional_scope')).toBe(
      'crm.objects.companies.read settings.users.read crm.objects.contacts.write crm.objects.deals.write ' +
        'crm.objects.companies.write crm.schemas.contacts.write crm.schemas.deals.write crm.schemas.companies.write',
    );
    expect(location.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(start.headers.get('set-cookie')).toMatch(
      /^fathom_hs_install=[^;]+; Max-Age=600; Path=\/oauth\/hubspot; HttpOnly; SameSite=Lax$/,
    );
  });

  test('every failure shows a clear 4xx page and stores nothing', async () => {
    const cases: Array<[string, Awaited<ReturnType<typeof install>>, RegExp]> = [
      ['denied in HubSpot', await install('deny'), /cancelled in HubSpot/],
      [
        'missing state',
        await install('allow', (url, cookie) => (url.searchParams.delete('state'), { url, cookie })),
        /no state parameter/,
      ],
      [
        'unknown state',
        await install('allow', (url, cookie) => (url.searchParams.set('state', 'forged'), { url, cookie })),
        /not issued by this app/,
      ],
      ['another browser', await install('allow', (url) => ({ url, cookie: '' })), /another browser/],
      [
        'a bad code',
        await install('allow', (url, cookie) => (url.searchParams.set('code', 'nope'), { url, cookie })),
        /did not accept the authorization code/,
      ],
    ];
    for (const [what, result, message] of cases) {
      expect({ what, status: result.response.status }).toEqual({ what, status: 400 });
      expect(result.html).toMatch(message);
      expect(result.html).toContain('Nothing was saved');
    }
    hubspot.grantedScopes = ['oauth', 'crm.objects.contacts.read'];
    const missingScope = await install();
    expect(missingScope.response.status).toBe(400);
    expect(missingScope.html).toMatch(/not granted: crm\.objects\.deals\.read/);
    expect(await stored()).toEqual({ accounts: [], connections: [], admins: [] });
  });

  test('its pages are never cached nor framed, send no Referer elsewhere, and say nothing of an unknown error', async () => {
    // `toString` names no HubSpot error, however a lookup in a plain object sees it.
    const odd = await install('allow', (url, cookie) => (url.searchParams.set('error', 'toString'), { url, cookie }));
    expect(odd.response.status).toBe(400);
    expect(odd.html).toMatch(/HubSpot ended the install with an error\./);
    expect(odd.html).not.toMatch(/function|native code/);
    const headers = ['cache-control', 'x-frame-options', 'content-security-policy', 'referrer-policy'];
    expect(headers.map((name) => odd.response.headers.get(name))).toEqual([
      'no-store',
      'DENY',
      "frame-ancestors 'none'",
      'same-origin',
    ]);
  });

  test('a state works once: replaying the callback is refused', async () => {
    const first = await install('allow', (url, cookie) => (url.searchParams.set('code', 'spoiled'), { url, cookie }));
    expect(first.response.status).toBe(400);
    const replay = await fetch(first.callback, { headers: { cookie: first.cookie } });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toMatch(/already used/);
  });

  test('a successful install creates the account, makes the installer an admin, stores tokens sealed, and says what to do next', async () => {
    const result = await install();
    expect(result.response.status).toBe(200);
    expect(result.html).toMatch(/is installed/);
    expect(result.html).toMatch(/Connect Fathom/);
    expect(result.html).toMatch(/Add the cards to your record layouts/);
    expect(await stored()).toEqual({
      accounts: [{ hub_id: 4242, status: 'active' }],
      connections: [{ provider: 'hubspot', status: 'active' }],
      admins: [{ email: 'admin@customer.example.com' }],
    });
    // No token appears in plaintext anywhere in the row.
    const raw = await withSystem(
      backend.testDb.db,
      async (tx) => (await tx.query('SELECT * FROM api_connections')).rows,
    );
    const dump = JSON.stringify(raw, (_k, v) =>
      v && v.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v,
    );
    for (const token of hubspot.accessTokens) expect(dump).not.toContain(token);
    expect(dump).not.toMatch(/rt-[0-9a-f]{24}/);
    expect(backend.log.text()).not.toMatch(/at-[0-9a-f]{24}|rt-[0-9a-f]{24}|code-[0-9a-f]{16}/);
  });

  test("after install, an admin imports the portal's HubSpot users as reps, once", async () => {
    const asAdmin = () =>
      signedFetch(backend.url, '/api/settings/roles/import', {
        clientSecret: hubspot.clientSecret,
        method: 'POST',
        identity: { portalId: 4242, userId: 777, userEmail: 'admin@customer.example.com' },
      });
    const first = await asAdmin();
    expect(await first.json()).toEqual({ found: 3, added: 2 });
    expect(await (await asAdmin()).json()).toEqual({ found: 3, added: 0 });
    const roles = await withSystem(
      backend.testDb.db,
      async (tx) =>
        (
          await tx.query<{ email: string; role: string }>(
            'SELECT u.email, r.role FROM users u JOIN user_roles r ON r.user_id = u.id ORDER BY u.email',
          )
        ).rows,
    );
    expect(roles).toEqual([
      { email: 'admin@customer.example.com', role: 'admin' },
      { email: 'mia.manager@customer.example.com', role: 'rep' },
      { email: 'rita.rep@customer.example.com', role: 'rep' },
    ]);
  });

  test('a re-install of the same portal updates, never duplicates', async () => {
    const again = await install();
    expect(again.response.status).toBe(200);
    expect(again.html).toMatch(/is reconnected/);
    const after = await stored();
    expect(after.accounts).toHaveLength(1);
    expect(after.connections).toHaveLength(1);
  });

  test('installing again gives no role: a rep who may install apps in HubSpot stays a rep, and the page says so', async () => {
    const roleOf = async (hubspotUserId: number) =>
      withSystem(backend.testDb.db, async (tx) =>
        (
          await tx.query<{ role: string }>(
            'SELECT r.role FROM users u JOIN user_roles r ON r.user_id = u.id WHERE u.hubspot_user_id = $1',
            [hubspotUserId],
          )
        ).rows.map((row) => row.role),
      );
    try {
      // Rita (802) was imported as a rep; HubSpot lets her install apps.
      hubspot.installingUser = { id: 802, email: 'rita.rep@customer.example.com' };
      const again = await install();
      expect(again.response.status).toBe(200);
      expect(again.html).toMatch(/is reconnected/);
      expect(again.html).not.toMatch(/you are its admin/);
      expect(again.html).toMatch(/Your role in the app stays <strong>rep<\/strong>/);
      expect(await roleOf(802)).toEqual(['rep']);
      expect((await stored()).admins).toEqual([{ email: 'admin@customer.example.com' }]);

      // A HubSpot user the app has never seen becomes a rep, like on his first card.
      hubspot.installingUser = { id: 803, email: 'new.installer@customer.example.com' };
      expect((await install()).response.status).toBe(200);
      expect(await roleOf(803)).toEqual(['rep']);

      // With no admin left (the last one removed by hand), installing again makes the installer one.
      await withSystem(backend.testDb.db, (tx) => tx.query(`UPDATE user_roles SET role = 'rep' WHERE role = 'admin'`));
      hubspot.installingUser = { id: 802, email: 'rita.rep@customer.example.com' };
      const rescue = await install();
      expect(rescue.html).toMatch(/you are its admin/);
      expect(await roleOf(802)).toEqual(['admin']);
    } finally {
      await withSystem(backend.testDb.db, (tx) =>
        tx.query(
          `UPDATE user_roles r SET role = CASE WHEN u.hubspot_user_id = 777 THEN 'admin' ELSE 'rep' END
             FROM users u WHERE u.id = r.user_id`,
        ),
      );
      hubspot.installingUser = { id: 777, email: 'Admin@Customer.example.com' };
    }
  });

  test('an installer whose email the app knows for another HubSpot user gets a 409 page saying what to do, and nothing changes', async () => {
    const users = () =>
      withSystem(
        backend.testDb.db,
        async (tx) =>
          (
            await tx.query(
              'SELECT u.hubspot_user_id, u.email, r.role FROM users u JOIN user_roles r ON r.user_id = u.id ORDER BY u.email',
            )
          ).rows,
      );
    const before = await users();
    // Mia (801, imported above) keeps her email in this app; HubSpot user 990 installs with it.
    hubspot.installingUser = { id: 990, email: 'mia.manager@customer.example.com' };
    try {
      const taken = await install();
      expect(taken.response.status).toBe(409);
      expect(taken.html).toMatch(/knows that email as another HubSpot user/);
      // The other user's HubSpot id is for the log, not for the page.
      expect(taken.html).not.toContain('801');
      expect(backend.log.text()).toMatch(/"otherHubspotUserId":801/);
      expect(await users()).toEqual(before);
    } finally {
      hubspot.installingUser = { id: 777, email: 'Admin@Customer.example.com' };
    }
  });
});
