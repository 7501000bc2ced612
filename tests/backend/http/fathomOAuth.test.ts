import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { connectLink } from '../../../backend/src/fathom/connection/oauthConnect.ts';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { startFathomStandIn, type FathomStandIn, type StandInOAuth } from '../../support/fathomStandIn.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { seedTenant, type TenantFixture } from '../../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';
import { waitFor } from '../../support/waitFor.ts';

const clientSecret = randomBytes(24).toString('base64url');
const fathomApp: StandInOAuth = {
  clientId: 'fathom-app-id',
  clientSecret: `fathom-secret-${randomBytes(12).toString('hex')}`,
};
const HUB = 8181;
let fathom: FathomStandIn;
let backend: TestBackend;
let tenant: TenantFixture;

beforeAll(async () => {
  fathom = await startFathomStandIn({
    count: 12,
    pageSize: 5,
    newest: new Date(Date.now() - 60_000),
    oauth: fathomApp,
  });
  backend = await startTestBackend(
    {
      HUBSPOT_CLIENT_ID: 'hubspot-app',
      HUBSPOT_CLIENT_SECRET: clientSecret,
      FATHOM_API_BASE: fathom.baseUrl,
      FATHOM_AUTH_BASE: fathom.authBaseUrl,
      FATHOM_CLIENT_ID: fathomApp.clientId,
      FATHOM_CLIENT_SECRET: fathomApp.clientSecret,
    },
    { workers: true },
  );
  tenant = await seedTenant(backend.testDb.db, HUB);
  await withSystem(backend.testDb.db, (tx) =>
    tx.query(`DELETE FROM api_connections WHERE account_id = $1 AND provider = 'fathom'`, [tenant.accountId]),
  );
});
afterAll(async () => {
  await backend?.close();
  await fathom?.close();
});

const as = (who: 'admin' | 'rep1', path: string, init: { method?: string; body?: unknown } = {}) =>
  signedFetch(backend.url, path, {
    clientSecret,
    identity: { portalId: HUB, userId: HUB * 10 + (who === 'admin' ? 1 : 3), userEmail: `${who}@${HUB}.example.com` },
    ...init,
  });

type Status = {
  connected: boolean;
  authType: string | null;
  status: string | null;
  webhookRegistered: boolean;
  backfillSince?: string | null;
  oauth: { available: boolean; connectUrl?: string; reason?: string };
};
const settings = async () => (await (await as('admin', '/api/settings/fathom')).json()) as Status;

/** The confirmation page's form: where it posts and the token it carries. */
function confirmationForm(html: string): { action: string; confirmation: string } {
  const action = /<form method="post" action="([^"]+)">/.exec(html)?.[1];
  const confirmation = /name="confirmation" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !confirmation) throw new Error(`no confirmation form in: ${html.slice(0, 500)}`);
  return { action, confirmation };
}

const confirm = (form: { action: string; confirmation: string }, headers: Record<string, string> = {}) =>
  fetch(form.action, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ confirmation: form.confirmation }).toString(),
  });

/** What the admin's browser does: open the link, confirm, consent at Fathom, come back to the callback. */
async function browse(startUrl: string, options: { keepCookie?: boolean } = {}) {
  const start = await fetch(startUrl, { redirect: 'manual' });
  if (start.status !== 200) return { start, callbackUrl: null, final: start };
  const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
  const confirmed = await confirm(confirmationForm(await start.text()), { cookie });
  if (confirmed.status !== 303) return { start, callbackUrl: null, final: confirmed };
  const authorize = new URL(confirmed.headers.get('location')!);
  const consent = await fetch(authorize, { redirect: 'manual' });
  const callbackUrl = consent.headers.get('location')!;
  const final = await fetch(callbackUrl, {
    redirect: 'manual',
    headers: options.keepCookie === false ? {} : { cookie },
  });
  return { start, authorize, callbackUrl, cookie, final };
}

const connection = async () =>
  (
    await withSystem(backend.testDb.db, (tx) =>
      tx.query('SELECT * FROM api_connections WHERE account_id = $1 AND provider = $2', [tenant.accountId, 'fathom']),
    )
  ).rows[0] as Record<string, unknown> | undefined;

describe('the "Connect Fathom" link', () => {
  test('admins get a short-lived start link with their settings; reps get no settings at all', async () => {
    const status = await settings();
    expect(status.oauth.available).toBe(true);
    expect(status.oauth.connectUrl).toMatch(new RegExp(`^${backend.url}/oauth/fathom/start\\?link=[^&]+$`));
    expect((await as('rep1', '/api/settings/fathom')).status).toBe(403);
  });

  test('a forged, tampered or expired link, or one made for a rep, starts nothing', async () => {
    const url = new URL((await settings()).oauth.connectUrl!);
    const link = url.searchParams.get('link')!;
    const tampered = `${link.slice(0, -4)}${link.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    const expired = connectLink(
      backend.services.sealer,
      backend.url,
      { accountId: tenant.accountId, userId: tenant.users.admin },
      Date.now() - 11 * 60_000,
    );
    const forRep = connectLink(backend.services.sealer, backend.url, {
      accountId: tenant.accountId,
      userId: tenant.users.rep1,
    });
    const cases: Array<[string, number, RegExp]> = [
      [`${backend.url}/oauth/fathom/start`, 400, /Link not valid/],
      [`${backend.url}/oauth/fathom/start?link=${encodeURIComponent(tampered)}`, 400, /Link not valid/],
      [`${backend.url}/oauth/fathom/start?link=not.a.link`, 400, /Link not valid/],
      [expired, 400, /Link expired/],
      [forRep, 403, /Only admins/],
    ];
    const states = async () =>
      (
        await withSystem(backend.testDb.db, (tx) =>
          tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM oauth_states WHERE provider = 'fathom'`),
        )
      ).rows[0]!.n;
    const statesBefore = await states();
    for (const [target, status, text] of cases) {
      const response = await fetch(target, { redirect: 'manual' });
      expect([target, response.status]).toEqual([target, status]);
      expect(await response.text()).toMatch(text);
    }
    expect(fathom.callCount('GET /oauth2/authorize')).toBe(0);
    expect(await states()).toBe(statesBefore);
  });

  // (These tests keep within the /oauth pages' limit of 30 requests a minute from one address.)
  test('opening the link shows which portal and admin Fathom is being connected to; a second opening, in any browser, answers a 4xx page and never leads to Fathom', async () => {
    const link = (await settings()).oauth.connectUrl!;
    const first = await fetch(link, { redirect: 'manual' });
    expect(first.status).toBe(200);
    expect(first.headers.get('location')).toBeNull();
    expect(first.headers.get('x-frame-options')).toBe('DENY');
    expect(first.headers.get('referrer-policy')).toBe('same-origin');
    const html = await first.text();
    expect(html).toMatch(/Connect Fathom to HubSpot <strong>Portal 8181<\/strong> \(portal 8181\)\?/);
    expect(html).toMatch(/You are connecting as <strong>admin@8181\.example\.com<\/strong>/);
    expect(confirmationForm(html).action).toBe(`${backend.url}/oauth/fathom/start`);

    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    for (const headers of [{}, { cookie }]) {
      const again = await fetch(link, { redirect: 'manual', headers });
      expect(again.status).toBe(400);
      expect(again.headers.get('location')).toBeNull();
      expect(again.headers.get('set-cookie')).toBeNull();
      const page = await again.text();
      expect(page).toMatch(/Link already used/);
      expect(page).not.toMatch(/name="confirmation"/);
    }
    expect(fathom.callCount('GET /oauth2/authorize')).toBe(0);
  });

  test('the confirmation works once, in the browser that opened the link, from our own page only', async () => {
    const start = await fetch((await settings()).oauth.connectUrl!, { redirect: 'manual' });
    const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
    const form = confirmationForm(await start.text());
    // Another site's form (its Origin), or a browser without the cookie: refused.
    const crossSite = await confirm(form, { cookie, origin: 'https://attacker.example' });
    expect([crossSite.status, crossSite.headers.get('location')]).toEqual([403, null]);
    const withoutCookie = await confirm(form);
    expect([withoutCookie.status, withoutCookie.headers.get('location')]).toEqual([400, null]);
    expect(await withoutCookie.text()).toMatch(/another browser/);
    // That attempt spent it: even the right browser cannot use it now.
    const replay = await confirm(form, { cookie });
    expect([replay.status, replay.headers.get('location')]).toEqual([400, null]);
    expect(await replay.text()).toMatch(/already used/);
    // A confirmation token is not a state: the callback does not know it.
    const asState = await fetch(`${backend.url}/oauth/fathom/callback?code=x&state=${form.confirmation}`, {
      redirect: 'manual',
      headers: { cookie },
    });
    expect(asState.status).toBe(400);
    expect(await asState.text()).toMatch(/not issued by this app/);
    expect(fathom.callCount('GET /oauth2/authorize')).toBe(0);
    expect(fathom.callCount('POST /oauth2/token')).toBe(0);
  });

  test('denied consent at Fathom stores nothing and says so', async () => {
    fathomApp.consent = 'deny';
    try {
      const { final } = await browse((await settings()).oauth.connectUrl!);
      expect(final.status).toBe(400);
      expect(await final.text()).toMatch(/Access was not granted in Fathom/);
    } finally {
      delete fathomApp.consent;
    }
    expect(await connection()).toBeUndefined();
    expect(fathom.callCount('POST /oauth2/token')).toBe(0);
  });
});

describe('connecting with OAuth', () => {
  let callbackUrl: string;
  let cookie: string;

  test('one click: Fathom’s authorize page with a single-use state, the code exchanged, tokens sealed, a webhook registered, the history synced', async () => {
    const flow = await browse((await settings()).oauth.connectUrl!);
    expect(flow.start.status).toBe(200);
    const authorize = flow.authorize!;
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${fathom.authBaseUrl}/oauth2/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toEqual({
      client_id: fathomApp.clientId,
      redirect_uri: `${backend.url}/oauth/fathom/callback`,
      response_type: 'code',
      scope: 'public_api',
      state: expect.stringMatching(/^[\w-]{43}$/),
    });
    expect(flow.cookie).toMatch(/^fathom_fa_connect=/);
    expect(flow.final.status).toBe(200);
    expect(await flow.final.text()).toMatch(/Fathom is connected/);
    callbackUrl = flow.callbackUrl!;
    cookie = flow.cookie!;

    const token = fathom.requests.find((r) => r.endpoint === 'POST /oauth2/token')!;
    expect(token.form!.get('grant_type')).toBe('authorization_code');
    expect(token.form!.get('redirect_uri')).toBe(`${backend.url}/oauth/fathom/callback`);

    const status = await settings();
    expect(status).toMatchObject({ connected: true, authType: 'oauth', status: 'active', webhookRegistered: true });
    const [hook] = [...fathom.webhooks.values()];
    expect(hook).toMatchObject({ include_transcript: false, include_summary: false, include_action_items: true });
    const row = (await connection())!;
    const dump = JSON.stringify(row, (_k, v) =>
      v && v.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v,
    );
    const issued = fathom.oauthState();
    expect(issued.latestRefreshToken).not.toBeNull();
    for (const secret of [
      issued.latestRefreshToken!,
      ...issued.liveAccessTokens,
      hook!.secret.slice(6),
      fathomApp.clientSecret,
    ]) {
      expect(dump).not.toContain(secret);
    }
    expect(row.api_key_enc).toBeNull();

    // The backfill, over OAuth: transcripts and summaries per recording, never in /meetings.
    const stored = async () =>
      (
        await withSystem(backend.testDb.db, (tx) =>
          tx.query<{ n: number; with_segments: number }>(
            `SELECT count(*)::int AS n, count(*) FILTER (WHERE EXISTS (SELECT 1 FROM transcript_segments s WHERE s.conversation_id = c.id))::int AS with_segments
             FROM conversations c WHERE account_id = $1`,
            [tenant.accountId],
          ),
        )
      ).rows[0]!;
    await waitFor(async () => (await stored()).n === 14, 'the OAuth backfill'); // the fixture's 2 calls + Fathom's 12
    expect((await stored()).with_segments).toBeGreaterThanOrEqual(12);
    expect(fathom.callCount('GET /recordings/:id/transcript')).toBe(12);
    expect(fathom.callCount('GET /recordings/:id/summary')).toBe(12);
    const meetingsCalls = fathom.requests.filter((r) => r.endpoint === 'GET /meetings');
    expect(
      meetingsCalls.every(
        (r) => r.auth === 'bearer' && r.query.get('include_transcript') !== 'true' && r.status === 200,
      ),
    ).toBe(true);
  });

  test('a webhook for an OAuth connection (registered without transcripts) gets its transcript and summary fetched per recording', async () => {
    const [hook] = [...fathom.webhooks.values()];
    const meeting = {
      ...fathom.meetings[0]!,
      recording_id: 424_242,
      title: 'Pushed over OAuth',
      created_at: new Date().toISOString(),
    };
    fathom.addMeeting(meeting);
    const delivered = await fathom.deliverWebhook({
      url: hook!.url,
      secret: hook!.secret,
      body: { ...meeting, transcript: null, default_summary: null },
    });
    expect(delivered.status).toBeLessThan(300);
    const stored = async () =>
      (
        await withSystem(backend.testDb.db, (tx) =>
          tx.query<{ summary_markdown: string | null; segments: number }>(
            `SELECT c.summary_markdown, (SELECT count(*)::int FROM transcript_segments s WHERE s.conversation_id = c.id) AS segments
             FROM conversations c WHERE c.account_id = $1 AND c.external_id = '424242'`,
            [tenant.accountId],
          ),
        )
      ).rows[0];
    await waitFor(async () => (await stored()) !== undefined, 'the webhook meeting');
    const row = (await stored())!;
    expect(row.segments).toBe(meeting.transcript.length);
    expect(row.summary_markdown).toBe(meeting.default_summary!.markdown_formatted);
    expect(
      fathom.requests.filter(
        (r) => r.path === '/recordings/424242/transcript' && r.auth === 'bearer' && r.status === 200,
      ),
    ).toHaveLength(1);
  });

  test('the callback works once: a replay, or the same link without the browser’s cookie, is refused and changes nothing', async () => {
    const tokenCalls = fathom.callCount('POST /oauth2/token');
    const replay = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie } });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toMatch(/already used/);
    const otherBrowser = await browse((await settings()).oauth.connectUrl!, { keepCookie: false });
    expect(otherBrowser.final.status).toBe(400);
    expect(await otherBrowser.final.text()).toMatch(/another browser/);
    expect(fathom.callCount('POST /oauth2/token')).toBe(tokenCalls);
    const forged = await fetch(`${backend.url}/oauth/fathom/callback?code=x&state=${'a'.repeat(43)}`, {
      redirect: 'manual',
    });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toMatch(/not issued by this app/);
  });

  test('the cards say when Fathom stops accepting the app, and so does the settings page', async () => {
    const cardPath = `/api/cards/conversations?objectType=contacts&objectId=1`;
    expect(((await (await as('rep1', cardPath)).json()) as { fathom: string }).fathom).toBe('connected');
    fathom.revokeGrants();
    fathom.expireAccessTokens();
    await withSystem(backend.testDb.db, (tx) =>
      tx.query(
        `UPDATE api_connections SET expires_at = now() - interval '1 minute' WHERE account_id = $1 AND provider = 'fathom'`,
        [tenant.accountId],
      ),
    );
    expect((await as('admin', '/api/settings/sync', { method: 'POST' })).status).toBe(202);
    await waitFor(async () => (await settings()).status === 'needs_reauth', 'the connection to be marked needs_reauth');
    const status = await settings();
    expect(status).toMatchObject({ connected: false, authType: 'oauth', status: 'needs_reauth' });
    expect(((await (await as('rep1', cardPath)).json()) as { fathom: string }).fathom).toBe('needs_reauth');
  });

  test('reconnecting replaces the tokens and the webhook; disconnecting deletes the webhook and every token', async () => {
    const before = [...fathom.webhooks.keys()];
    // "Import calls since", chosen before connecting, goes with the link to the new connection.
    const link = (await (await as('admin', '/api/settings/fathom?backfillSince=2026-01-01')).json()) as Status;
    const flow = await browse(link.oauth.connectUrl!);
    expect(flow.final.status).toBe(200);
    expect(await settings()).toMatchObject({
      connected: true,
      status: 'active',
      backfillSince: '2026-01-01T00:00:00.000Z',
    });
    expect(fathom.webhooks.size).toBe(1);
    expect([...fathom.webhooks.keys()]).not.toEqual(before);

    const response = await as('admin', '/api/settings/fathom', { method: 'DELETE' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ connected: false, status: 'revoked', oauth: { available: true } });
    expect(fathom.webhooks.size).toBe(0);
    const row = (await connection())!;
    expect([row.access_token_enc, row.refresh_token_enc, row.webhook_secret_enc, row.key_id, row.expires_at]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
  });
});

describe('without a Fathom OAuth app on the server', () => {
  test('the settings offer the API key only and say why; the start route explains instead of failing', async () => {
    const keyOnly = await startTestBackend({
      HUBSPOT_CLIENT_ID: 'hubspot-app',
      HUBSPOT_CLIENT_SECRET: clientSecret,
      FATHOM_API_BASE: fathom.baseUrl,
    });
    try {
      await seedTenant(keyOnly.testDb.db, HUB);
      const response = await signedFetch(keyOnly.url, '/api/settings/fathom', {
        clientSecret,
        identity: { portalId: HUB, userId: HUB * 10 + 1, userEmail: `admin@${HUB}.example.com` },
      });
      const status = (await response.json()) as Status;
      expect(status.oauth).toEqual({
        available: false,
        reason: expect.stringMatching(/FATHOM_CLIENT_ID and FATHOM_CLIENT_SECRET.*API key/),
      });
      const start = await fetch(`${keyOnly.url}/oauth/fathom/start?link=x.y`, { redirect: 'manual' });
      expect(start.status).toBe(503);
      expect(await start.text()).toMatch(/Connect Fathom with an API key/);
    } finally {
      await keyOnly.close();
    }
  });
});
