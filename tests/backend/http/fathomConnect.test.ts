import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { startFathomStandIn, type FathomStandIn } from '../../support/fathomStandIn.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { seedTenant, type TenantFixture } from '../../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';
import { waitFor } from '../../support/waitFor.ts';

const clientSecret = randomBytes(24).toString('base64url');
const HUB = 7070;
let fathom: FathomStandIn;
let backend: TestBackend;
let tenant: TenantFixture;

beforeAll(async () => {
  fathom = await startFathomStandIn({ count: 30, pageSize: 10, newest: new Date(Date.now() - 60_000) });
  backend = await startTestBackend(
    { HUBSPOT_CLIENT_ID: 'fathom-test', HUBSPOT_CLIENT_SECRET: clientSecret, FATHOM_API_BASE: fathom.baseUrl },
    { workers: true },
  );
  tenant = await seedTenant(backend.testDb.db, HUB);
  // Start this tenant without Fathom: the fixture's connection is removed.
  await withSystem(backend.testDb.db, (tx) =>
    tx.query(`DELETE FROM api_connections WHERE account_id = $1 AND provider = 'fathom'`, [tenant.accountId]),
  );
});
afterAll(async () => {
  await backend.close();
  await fathom.close();
});

const asAdmin = (path: string, init: { method?: string; body?: unknown } = {}) =>
  signedFetch(backend.url, path, {
    clientSecret,
    identity: { portalId: HUB, userId: HUB * 10 + 1, userEmail: `admin@${HUB}.example.com` },
    ...init,
  });

const conversationsCount = async () =>
  (
    await withSystem(backend.testDb.db, (tx) =>
      tx.query<{ n: number }>('SELECT count(*)::int AS n FROM conversations WHERE account_id = $1', [tenant.accountId]),
    )
  ).rows[0]!.n;

let connectionId: string;
let webhookSecret: string;

describe('connecting Fathom', () => {
  test('a wrong key is a 400 with Fathom’s reason, and nothing is stored', async () => {
    const response = await asAdmin('/api/settings/fathom', {
      method: 'PUT',
      body: { apiKey: 'wrong-key-0123456789abcdef' },
    });
    const body = (await response.json()) as { error: string; message: string };
    expect(response.status).toBe(400);
    expect(body.message).toMatch(/^Fathom did not accept this API key/);
    expect(body.message).not.toContain('wrong-key-0123456789abcdef');
    expect(fathom.webhooks.size).toBe(0);
  });

  test('a valid key is checked, stored sealed, gets a webhook for this connection, and the backfill runs', async () => {
    const response = await asAdmin('/api/settings/fathom', { method: 'PUT', body: { apiKey: fathom.apiKey } });
    const status = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(200);
    expect(status).toMatchObject({
      connected: true,
      authType: 'api_key',
      webhookRegistered: true,
      syncJobId: expect.any(String),
    });
    connectionId = status.connectionId as string;
    const [hook] = [...fathom.webhooks.values()];
    expect(hook!.url).toBe(`${backend.url}/webhooks/fathom/${connectionId}`);
    webhookSecret = hook!.secret;
    const row = (
      await withSystem(backend.testDb.db, (tx) =>
        tx.query('SELECT * FROM api_connections WHERE id = $1', [connectionId]),
      )
    ).rows[0]!;
    const dump = JSON.stringify(row, (_k, v) =>
      v && v.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v,
    );
    expect(dump).not.toContain(fathom.apiKey);
    expect(dump).not.toContain(webhookSecret.slice(6));
    // The fixture's own two calls plus Fathom's 30.
    await waitFor(async () => (await conversationsCount()) === 32, 'the backfill');
    const logs = (await (await asAdmin('/api/settings/sync-logs')).json()) as { items: Array<Record<string, unknown>> };
    expect(logs.items[0]).toMatchObject({ kind: 'backfill', status: 'succeeded', meetingsNew: 30 });
    expect(JSON.stringify(await (await asAdmin('/api/settings/fathom')).json())).not.toContain(fathom.apiKey);
  });
});

describe("Fathom's webhook", () => {
  test('a valid delivery makes the meeting appear; a replay stores it once', async () => {
    const meeting = {
      ...fathom.meetings[0]!,
      recording_id: 987_654,
      title: 'Pushed by webhook',
      created_at: new Date().toISOString(),
    };
    const id = `msg_${randomUUID()}`;
    const first = await fathom.deliverWebhook({
      url: `${backend.url}/webhooks/fathom/${connectionId}`,
      secret: webhookSecret,
      body: meeting,
      id,
    });
    expect(first).toEqual({ status: 200, body: JSON.stringify({ status: 'accepted' }) });
    const replay = await fathom.deliverWebhook({
      url: `${backend.url}/webhooks/fathom/${connectionId}`,
      secret: webhookSecret,
      body: meeting,
      id,
    });
    expect(replay).toEqual({ status: 200, body: JSON.stringify({ status: 'duplicate' }) });
    const titles = async () =>
      (
        await withSystem(backend.testDb.db, (tx) =>
          tx.query<{ title: string }>(`SELECT title FROM conversations WHERE external_id = '987654'`),
        )
      ).rows;
    await waitFor(async () => (await titles()).length > 0, 'the webhook meeting');
    expect(await titles()).toEqual([{ title: 'Pushed by webhook' }]);
  });

  test('a bad signature or a stale timestamp is 401 and stores nothing', async () => {
    const before = (await withSystem(backend.testDb.db, (tx) => tx.query('SELECT 1 FROM webhook_events'))).rowCount;
    const forged = await fathom.deliverWebhook({
      url: `${backend.url}/webhooks/fathom/${connectionId}`,
      secret: `whsec_${randomBytes(24).toString('base64')}`,
      body: fathom.meetings[1],
    });
    expect(forged.status).toBe(401);
    const stale = await fathom.deliverWebhook({
      url: `${backend.url}/webhooks/fathom/${connectionId}`,
      secret: webhookSecret,
      body: fathom.meetings[1],
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    expect(stale.status).toBe(401);
    expect((await withSystem(backend.testDb.db, (tx) => tx.query('SELECT 1 FROM webhook_events'))).rowCount).toBe(
      before,
    );
  });
});

describe('disconnecting Fathom', () => {
  test('deletes the webhook at Fathom and destroys the key; a sync request then says to connect first', async () => {
    const status = (await (await asAdmin('/api/settings/fathom', { method: 'DELETE' })).json()) as Record<
      string,
      unknown
    >;
    expect(status).toMatchObject({ connected: false, status: 'revoked', webhookRegistered: false });
    expect(fathom.webhooks.size).toBe(0);
    const row = (
      await withSystem(backend.testDb.db, (tx) =>
        tx.query('SELECT api_key_enc, webhook_secret_enc FROM api_connections WHERE id = $1', [connectionId]),
      )
    ).rows[0];
    expect(row).toEqual({ api_key_enc: null, webhook_secret_enc: null });
    const sync = await asAdmin('/api/settings/sync', { method: 'POST' });
    expect(sync.status).toBe(409);
    // Reconnecting works again and keeps the same connection.
    const again = (await (
      await asAdmin('/api/settings/fathom', { method: 'PUT', body: { apiKey: fathom.apiKey } })
    ).json()) as Record<string, unknown>;
    expect(again).toMatchObject({ connected: true, connectionId });
    const [hook] = [...fathom.webhooks.values()];
    webhookSecret = hook!.secret;
  });
});

describe('uninstall', () => {
  test('an unsigned HubSpot event is 401', async () => {
    const answer = await signedFetch(backend.url, '/webhooks/hubspot', {
      clientSecret: 'not-the-secret',
      method: 'POST',
      body: [{ portalId: HUB, subscriptionType: 'contact.privacyDeletion', objectId: 1000 }],
    });
    expect(answer.status).toBe(401);
  });

  test('an uninstall deletes the Fathom webhook with the connection’s own key, destroys every credential, the cards stop answering, and the data is purged after the grace period', async () => {
    expect(fathom.webhooks.size).toBe(1);
    // The path HubSpot's journal and the admin's "remove" take, with the hook services wire in.
    const { uninstallPortal, purgeUninstalledAccounts } = await import('../../../backend/src/hubspot/lifecycle.ts');
    expect(
      await uninstallPortal(backend.testDb.db, HUB, { graceMs: 0, beforeDestroy: backend.services.beforeUninstall }),
    ).toBe(true);
    // Fathom no longer posts calls for a portal that is gone.
    expect(fathom.webhooks.size).toBe(0);
    const connections = (
      await withSystem(backend.testDb.db, (tx) =>
        tx.query(
          `SELECT status, api_key_enc, webhook_secret_enc, access_token_enc FROM api_connections WHERE account_id = $1`,
          [tenant.accountId],
        ),
      )
    ).rows;
    expect(
      connections.every(
        (c) =>
          c.status === 'revoked' &&
          c.api_key_enc === null &&
          c.webhook_secret_enc === null &&
          c.access_token_enc === null,
      ),
    ).toBe(true);
    const card = await signedFetch(backend.url, '/api/cards/conversations?objectType=contacts&objectId=1001', {
      clientSecret,
      identity: { portalId: HUB, userId: HUB * 10 + 3, userEmail: `rep1@${HUB}.example.com` },
    });
    expect(card.status).toBe(404);
    expect(await purgeUninstalledAccounts(backend.testDb.db)).toEqual([HUB]);
    expect(await conversationsCount()).toBe(0);
  });
});
