import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { Signature } from '@hubspot/api-client';
import { asHubSpotSigns } from '../../support/signedFetch.ts';
import { seedTenant } from '../../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

// HubSpot signs method + the URL the card called + body + timestamp with the app's client secret,
// the same secret for every backend of the app (production, staging). The backend rebuilds the
// URL from PUBLIC_BASE_URL, never from what the request says about its host.

const clientSecret = randomBytes(24).toString('base64url');
const HUB = 6620;
const PATH = `/api/cards/conversations?objectType=contacts&objectId=1000&portalId=${HUB}&userId=${HUB * 10 + 1}&userEmail=admin%40${HUB}.example.com`;
let backend: TestBackend;

beforeAll(async () => {
  // Behind one load balancer, so X-Forwarded-* would be believed if anything read them.
  backend = await startTestBackend({
    HUBSPOT_CLIENT_ID: 'signed-url-client',
    HUBSPOT_CLIENT_SECRET: clientSecret,
    TRUST_PROXY_HOPS: '1',
  });
  await seedTenant(backend.testDb.db, HUB);
});
afterAll(() => backend.close());

/** A GET signed for `signedOrigin` + PATH, sent to our backend with the given extra headers (Host included). */
function call(signedOrigin: string, headers: Record<string, string> = {}): Promise<number> {
  const timestamp = Date.now();
  const signature = Signature.getSignature('GET', 'v3', {
    signature: '',
    clientSecret,
    requestBody: '',
    url: asHubSpotSigns(`${signedOrigin}${PATH}`),
    timestamp,
  });
  const { port } = new URL(backend.url);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        path: PATH,
        headers: { 'x-hubspot-request-timestamp': String(timestamp), 'x-hubspot-signature-v3': signature, ...headers },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode!));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

test('a request signed for PUBLIC_BASE_URL is accepted, whatever Host or X-Forwarded-* it carries', async () => {
  expect(await call(backend.url)).toBe(200);
  expect(await call(backend.url, { host: 'staging.example.com' })).toBe(200);
  expect(await call(backend.url, { 'x-forwarded-host': 'staging.example.com', 'x-forwarded-proto': 'https' })).toBe(
    200,
  );
});

test('a signature HubSpot made for another host of the app is refused, even when the request names that host', async () => {
  const staging = 'https://staging.example.com';
  expect(await call(staging)).toBe(401);
  expect(await call(staging, { host: 'staging.example.com' })).toBe(401);
  expect(await call(staging, { 'x-forwarded-host': 'staging.example.com', 'x-forwarded-proto': 'https' })).toBe(401);
  const local = `http://localhost:${new URL(backend.url).port}`;
  expect(await call(local, { host: `localhost:${new URL(backend.url).port}` })).toBe(401);
});
