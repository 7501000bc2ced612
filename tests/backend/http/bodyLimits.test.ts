import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { seedTenant, type TenantFixture } from '../../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

const clientSecret = randomBytes(24).toString('base64url');
let backend: TestBackend;
let tenant: TenantFixture;

beforeAll(async () => {
  backend = await startTestBackend({ HUBSPOT_CLIENT_ID: 'body-test-client', HUBSPOT_CLIENT_SECRET: clientSecret });
  tenant = await seedTenant(backend.testDb.db, 660);
});
afterAll(() => backend.close());

/**
 * Announces `declaredBytes` of body, sends only the first KB, and waits for the answer: it can
 * only come if the server refused without waiting for the rest.
 */
function announceAndStall(path: string, declaredBytes: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, backend.url);
    const request = http.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(declaredBytes) },
    });
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error('no answer while the body was incomplete: the server waited for it'));
    }, 5_000);
    request.on('response', (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => {
        clearTimeout(timer);
        request.destroy();
        resolve({ status: response.statusCode!, body });
      });
    });
    // The server may close the connection on us while we still "send": that is the point.
    request.on('error', () => {});
    request.write('{"padding":"' + 'x'.repeat(1024 - 12));
  });
}

const webhookEvents = async () =>
  (
    await withSystem(backend.testDb.db, (tx) =>
      tx.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_events'),
    )
  ).rows[0]!.n;

test('a card or settings body announced over 256 KB is refused with 413 at once, before the signature check or any handler', async () => {
  for (const path of ['/api/cards/coaching', '/api/settings/fathom', '/webhooks/hubspot']) {
    const answer = await announceAndStall(path, 256 * 1024 + 1);
    // 413, not 401: the request never got as far as the signature check.
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ error: 'payload_too_large', message: 'The request body is too large.' });
  }
});

test('a Fathom webhook announced over 5 MB is refused with 413 at once, and nothing is stored', async () => {
  const before = await webhookEvents();
  // An unknown connection would be a 404 from the handler: 413 shows it was never reached.
  const answer = await announceAndStall(`/webhooks/fathom/${randomUUID()}`, 5 * 1024 * 1024 + 1);
  expect(answer.status).toBe(413);
  expect(JSON.parse(answer.body)).toMatchObject({ error: 'payload_too_large' });
  expect(await webhookEvents()).toBe(before);
});

test('a body sent in chunks without a length is cut off at the same limit by the parser', async () => {
  const answer = await new Promise<number>((resolve, reject) => {
    const request = http.request(new URL('/api/cards/coaching', backend.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    });
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode!);
    });
    request.on('error', reject);
    for (let i = 0; i < 300; i++) request.write('x'.repeat(1024));
    request.end();
  });
  expect(answer).toBe(413);
});

test('a body under the limit is read and reaches the route, which judges it', async () => {
  const response = await signedFetch(backend.url, '/api/cards/coaching', {
    clientSecret,
    identity: { portalId: 660, userId: 6601, userEmail: 'admin@660.example.com' },
    method: 'POST',
    body: { conversationId: tenant.conversationIds[0], category: 'discovery', body: 'x'.repeat(200 * 1024) },
  });
  // Parsed, signed, and refused by the route's own validation (a message is at most 5,000 characters).
  expect(response.status).toBe(400);
  expect(((await response.json()) as { error: string }).error).toBe('invalid_input');
});
