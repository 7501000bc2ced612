import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { signWebhook } from '../../support/fathomStandIn.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { seedTenant, sealWebhookSecret, type TenantFixture } from '../../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

const clientSecret = randomBytes(24).toString('base64url');
let backend: TestBackend;
let tenant: TenantFixture;
let connectionId: string;

beforeAll(async () => {
  backend = await startTestBackend({ HUBSPOT_CLIENT_ID: 'log-test-client', HUBSPOT_CLIENT_SECRET: clientSecret });
  tenant = await seedTenant(backend.testDb.db, 640);
  connectionId = await sealWebhookSecret(
    backend.testDb.db,
    backend.services.sealer,
    tenant.accountId,
    `whsec_${randomBytes(24).toString('base64')}`,
  );
});
afterAll(() => backend.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const requestLines = (requestId: string) =>
  backend.log.lines().filter((line) => line.requestId === requestId && line.msg === 'request');
const asAdmin = (path: string) =>
  signedFetch(backend.url, path, {
    clientSecret,
    identity: { portalId: 640, userId: 6401, userEmail: 'admin@640.example.com' },
  });

test('a sane X-Request-Id from the load balancer is kept and echoed; anything else gets a fresh id', async () => {
  const kept = await fetch(`${backend.url}/healthz`, { headers: { 'x-request-id': 'lb-7f3a.19:2' } });
  expect(kept.headers.get('x-request-id')).toBe('lb-7f3a.19:2');

  for (const bad of ['has spaces in it', 'x'.repeat(101), 'new\\nline', '{"level":60}']) {
    const replaced = await fetch(`${backend.url}/healthz`, { headers: { 'x-request-id': bad } });
    expect(replaced.headers.get('x-request-id')).toMatch(UUID);
  }
  const fresh = await fetch(`${backend.url}/no-such-route`);
  expect(fresh.status).toBe(404);
  expect(fresh.headers.get('x-request-id')).toMatch(UUID);
});

test("one log line per request: method, path without the query string, status, duration, request id and the caller's account", async () => {
  const response = await asAdmin('/api/cards/conversations?objectType=contacts&objectId=1000');
  expect(response.status).toBe(200);
  const requestId = response.headers.get('x-request-id')!;
  const lines = requestLines(requestId);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({
    level: 'info',
    method: 'GET',
    path: '/api/cards/conversations',
    status: 200,
    accountId: tenant.accountId,
  });
  expect(typeof lines[0]!.durationMs).toBe('number');
  // The caller's identity from the query string (portal, user, email) stays out of the line.
  expect(JSON.stringify(lines[0])).not.toMatch(/userEmail|admin@640|objectId/);

  const unsigned = await fetch(`${backend.url}/api/cards/conversations?objectType=contacts&objectId=1000`);
  const refused = requestLines(unsigned.headers.get('x-request-id')!);
  expect(refused).toEqual([expect.objectContaining({ status: 401, path: '/api/cards/conversations' })]);
  expect(refused[0]).not.toHaveProperty('accountId');
  // The signature check's own warning carries the id too, though nothing handed it over.
  expect(backend.log.lines().filter((line) => line.requestId === unsigned.headers.get('x-request-id'))).toEqual([
    expect.objectContaining({ level: 'warn', msg: 'refused an unsigned or badly signed request' }),
    expect.objectContaining({ msg: 'request', status: 401 }),
  ]);
});

test("the OAuth callback's code and state, and webhook signatures, never reach the logs", async () => {
  const code = `code-${randomBytes(12).toString('hex')}`;
  const state = `state-${randomBytes(12).toString('hex')}`;
  const callback = await fetch(`${backend.url}/oauth/hubspot/callback?code=${code}&state=${state}`);
  expect(callback.status).toBe(400);
  expect(requestLines(callback.headers.get('x-request-id')!)).toEqual([
    expect.objectContaining({ method: 'GET', path: '/oauth/hubspot/callback', status: 400 }),
  ]);

  // Signed with another secret: a fresh, well-formed signature that reaches the check and fails it.
  const headers = signWebhook(
    `whsec_${randomBytes(24).toString('base64')}`,
    'msg_1',
    Math.floor(Date.now() / 1000),
    '{}',
  );
  const signature = headers['webhook-signature']!;
  const webhook = await fetch(`${backend.url}/webhooks/fathom/${connectionId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: '{}',
  });
  expect(webhook.status).toBe(401);
  expect(await webhook.json()).toEqual({
    error: 'invalid_signature',
    message: 'The webhook signature does not match.',
  });
  expect(requestLines(webhook.headers.get('x-request-id')!)).toEqual([
    expect.objectContaining({
      method: 'POST',
      path: `/webhooks/fathom/${connectionId}`,
      status: 401,
      accountId: tenant.accountId,
    }),
  ]);

  const everything = backend.log.text();
  expect(everything).not.toContain(code);
  expect(everything).not.toContain(state);
  expect(everything).not.toContain(signature.slice(3));
});

test('an unexpected error is logged with the id of the request that caused it, and answers an opaque 500', async () => {
  // A fault inside our own process: the table the card reads is gone for a moment.
  await backend.testDb.db.exec('ALTER TABLE conversation_crm_links RENAME TO conversation_crm_links_away');
  let response: Response;
  try {
    response = await asAdmin('/api/cards/conversations?objectType=contacts&objectId=1000');
  } finally {
    await backend.testDb.db.exec('ALTER TABLE conversation_crm_links_away RENAME TO conversation_crm_links');
  }
  expect(response.status).toBe(500);
  const body = await response.text();
  expect(body).not.toMatch(/conversation_crm_links|stack/);
  const requestId = response.headers.get('x-request-id')!;
  const errors = backend.log.lines().filter((line) => line.requestId === requestId && line.level === 'error');
  expect(errors.map((line) => line.msg).sort()).toEqual(['request', 'unhandled error']);
  expect(errors.find((line) => line.msg === 'request')).toMatchObject({ status: 500, accountId: tenant.accountId });
});
