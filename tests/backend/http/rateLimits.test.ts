import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { PUBLIC_LIMITS } from '../../../backend/src/http/rateLimits.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { seedTenant } from '../../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

const clientSecret = randomBytes(24).toString('base64url');
let backend: TestBackend;

beforeAll(async () => {
  // Behind one load balancer, as documented: its X-Forwarded-For entry is believed.
  backend = await startTestBackend({
    HUBSPOT_CLIENT_ID: 'limits-test-client',
    HUBSPOT_CLIENT_SECRET: clientSecret,
    TRUST_PROXY_HOPS: '1',
  });
  await seedTenant(backend.testDb.db, 650);
});
afterAll(() => backend.close());

// The test talks to the backend directly; as the load balancer would, it says who the client is.
const from = (address: string) => ({ 'x-forwarded-for': address });

async function inParallel<T>(count: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += 50) {
    results.push(
      ...(await Promise.all(Array.from({ length: Math.min(50, count - start) }, (_, i) => call(start + i)))),
    );
  }
  return results;
}

test('the OAuth pages answer 429 with a clear message and RateLimit headers past 30 requests a minute from one address', async () => {
  const client = from('203.0.113.10');
  const allowed = await inParallel(PUBLIC_LIMITS.oauth.limit, () =>
    fetch(`${backend.url}/oauth/hubspot/install`, { headers: client, redirect: 'manual' }),
  );
  expect(allowed.map((r) => r.status)).toEqual(allowed.map(() => 302));
  expect(allowed[0]!.headers.get('ratelimit-limit')).toBe('30');

  // The callback shares the budget of the /oauth pages.
  const limited = await fetch(`${backend.url}/oauth/hubspot/callback?code=abc&state=def`, { headers: client });
  expect(limited.status).toBe(429);
  expect(await limited.json()).toEqual({
    error: 'rate_limited',
    message: 'Too many requests from this address: at most 30 per 60 seconds. Wait a moment and try again.',
  });
  expect(limited.headers.get('ratelimit-remaining')).toBe('0');
  expect(Number(limited.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

  // Another address is not affected…
  expect(
    (await fetch(`${backend.url}/oauth/hubspot/install`, { headers: from('203.0.113.11'), redirect: 'manual' })).status,
  ).toBe(302);
  // …and a client cannot pose as one by writing its own X-Forwarded-For: only what the load balancer appended counts.
  const forged = await fetch(`${backend.url}/oauth/hubspot/install`, {
    headers: from('198.51.100.7, 203.0.113.10'),
    redirect: 'manual',
  });
  expect(forged.status).toBe(429);
});

test("Fathom's webhook takes bursts of 600 a minute from one address, then answers 429", async () => {
  const sender = from('192.0.2.60');
  const post = () =>
    fetch(`${backend.url}/webhooks/fathom/not-a-connection`, {
      method: 'POST',
      headers: { ...sender, 'content-type': 'application/json' },
      body: '{}',
    });
  const burst = await inParallel(PUBLIC_LIMITS.fathomWebhooks.limit, post);
  // Not limited: each reached the route, which refuses the malformed connection id.
  expect(new Set(burst.map((r) => r.status))).toEqual(new Set([400]));
  const over = await post();
  expect(over.status).toBe(429);
  expect(((await over.json()) as { error: string }).error).toBe('rate_limited');
});

test('signed card requests are not limited, even from an address the public limits refuse', async () => {
  const address = '203.0.113.10'; // refused by the /oauth limit above
  expect(
    (await fetch(`${backend.url}/oauth/hubspot/install`, { headers: from(address), redirect: 'manual' })).status,
  ).toBe(429);
  const responses = await inParallel(100, () =>
    signedFetch(backend.url, '/api/cards/conversations?objectType=contacts&objectId=1000', {
      clientSecret,
      identity: { portalId: 650, userId: 6501, userEmail: 'admin@650.example.com' },
      tamper: (request) => Object.assign(request.headers, from(address)),
    }),
  );
  expect(new Set(responses.map((r) => r.status))).toEqual(new Set([200]));
  expect(responses.every((r) => r.headers.get('ratelimit-limit') === null)).toBe(true);
});

test('by default no proxy is trusted: 40 installs with a different X-Forwarded-For each are limited after 30', async () => {
  const direct = await startTestBackend({
    HUBSPOT_CLIENT_ID: 'limits-test-client',
    HUBSPOT_CLIENT_SECRET: clientSecret,
  });
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const response = await fetch(`${direct.url}/oauth/hubspot/install`, {
        headers: from(`198.51.100.${i + 1}`),
        redirect: 'manual',
      });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, PUBLIC_LIMITS.oauth.limit)).toEqual(Array(PUBLIC_LIMITS.oauth.limit).fill(302));
    expect(statuses.slice(PUBLIC_LIMITS.oauth.limit)).toEqual(Array(40 - PUBLIC_LIMITS.oauth.limit).fill(429));
    // And the states of the refused ones were never stored.
    const states = await direct.testDb.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM oauth_states`);
    expect(states.rows[0]!.n).toBe(PUBLIC_LIMITS.oauth.limit);
  } finally {
    await direct.close();
  }
});
