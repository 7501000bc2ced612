import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { signWebhook } from '../../support/fathomStandIn.ts';
import { seedTenant, sealWebhookSecret, type TenantFixture } from '../../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

// POST /webhooks/fathom/:connectionId refuses what it can before it reads (and inflates) a body:
// a malformed or unknown connection, missing or malformed signature headers, a stale timestamp.

const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
let backend: TestBackend;
let tenant: TenantFixture;
let connectionId: string;

beforeAll(async () => {
  backend = await startTestBackend();
  tenant = await seedTenant(backend.testDb.db, 6630);
  connectionId = await sealWebhookSecret(backend.testDb.db, backend.services.sealer, tenant.accountId, webhookSecret);
});
afterAll(() => backend.close());

const now = () => Math.floor(Date.now() / 1000);
const shaped = () =>
  signWebhook(webhookSecret, `msg_${randomBytes(6).toString('hex')}`, now(), 'a body that is never sent');

type Early = { status: number; connection: string | undefined; body: string } | 'no answer';

/**
 * Announces a 4 MB body, sends 1 KB of it and never the rest: a route that reads the body first
 * cannot answer; one that checks first answers at once.
 */
function postWithoutBody(path: string, headers: Record<string, string>, waitMs = 2_000): Promise<Early> {
  const { port } = new URL(backend.url);
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path,
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': String(4 * 1024 * 1024), ...headers },
    });
    const timer = setTimeout(() => {
      request.destroy();
      resolve('no answer');
    }, waitMs);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        request.destroy();
        resolve({
          status: response.statusCode!,
          connection: response.headers.connection,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.write(Buffer.alloc(1024, ' '));
  });
}

test('an unknown or malformed connection, or missing, malformed or stale signature headers, are answered before the body is read', async () => {
  const events = async () =>
    (
      await withSystem(backend.testDb.db, (tx) =>
        tx.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_events'),
      )
    ).rows[0]!.n;
  const before = await events();
  const stale = signWebhook(webhookSecret, 'msg_stale', now() - 3600, '{}');
  const cases: Array<[string, string, Record<string, string>, number, string]> = [
    ['malformed connection id', '/webhooks/fathom/not-a-connection', shaped(), 400, 'invalid_input'],
    ['unknown connection', `/webhooks/fathom/${randomUUID()}`, shaped(), 404, 'not_found'],
    ['no signature headers', `/webhooks/fathom/${connectionId}`, {}, 401, 'invalid_signature'],
    [
      'no webhook-signature',
      `/webhooks/fathom/${connectionId}`,
      { ...shaped(), 'webhook-signature': '' },
      401,
      'invalid_signature',
    ],
    [
      'a signature that is no HMAC',
      `/webhooks/fathom/${connectionId}`,
      { ...shaped(), 'webhook-signature': 'v1,short' },
      401,
      'invalid_signature',
    ],
    ['a stale timestamp', `/webhooks/fathom/${connectionId}`, stale, 401, 'invalid_signature'],
  ];
  for (const [what, path, headers, status, error] of cases) {
    const answer = await postWithoutBody(path, headers);
    expect({ what, answer }).toEqual({
      what,
      answer: { status, connection: 'close', body: expect.stringContaining(`"error":"${error}"`) },
    });
  }
  expect(await events()).toBe(before);
});

test('a delivery that passes those checks waits for its body (the signature covers it)', async () => {
  expect(await postWithoutBody(`/webhooks/fathom/${connectionId}`, shaped(), 1_000)).toBe('no answer');
});

test('a compressed body is inflated no further than the size limit: a small gzip bomb answers 413 at once', async () => {
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
  expect(bomb.length).toBeLessThan(100 * 1024);
  const started = Date.now();
  const response = await fetch(`${backend.url}/webhooks/fathom/${connectionId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', ...shaped() },
    body: bomb,
  });
  expect(response.status).toBe(413);
  expect(((await response.json()) as { error: string }).error).toBe('payload_too_large');
  expect(Date.now() - started).toBeLessThan(5_000);
});
