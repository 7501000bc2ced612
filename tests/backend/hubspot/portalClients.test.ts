import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  HUBSPOT_PORTAL_LIMIT,
  hubspotPortalClients,
  portalLimiter,
} from '../../../backend/src/hubspot/portalClients.ts';
import { createMetrics } from '../../../backend/src/metrics.ts';
import { startHubSpotStandIn, type HubSpotStandIn } from '../../support/hubspotStandIn.ts';
import { memoryLogger } from '../../support/logger.ts';

let hubspot: HubSpotStandIn;
beforeAll(async () => {
  hubspot = await startHubSpotStandIn();
});
afterAll(() => hubspot.close());

const clientsFor = (options: { max?: number; limit?: typeof HUBSPOT_PORTAL_LIMIT } = {}) =>
  hubspotPortalClients({ basePath: hubspot.url, logger: memoryLogger().logger, metrics: createMetrics(), ...options });

/** The most requests of `token` that arrived at the stand-in within any `perMs` window. */
function busiestWindow(token: string, perMs: number): number {
  const times = hubspot.arrivals.filter((arrival) => arrival.token === token).map((arrival) => arrival.at);
  let most = 0;
  for (let first = 0, last = 0; last < times.length; last += 1) {
    while (times[last]! - times[first]! >= perMs) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

const read = (client: ReturnType<ReturnType<typeof clientsFor>['clientFor']>, n: number) =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      client.apiRequest({ method: 'GET', path: `/crm/objects/2026-03/contacts/${i + 1}` }),
    ),
  );

describe('HubSpot clients per portal', () => {
  test("the limit is HubSpot's for marketplace apps: 110 requests per 10 s, one every 92 ms", () => {
    expect(HUBSPOT_PORTAL_LIMIT).toEqual({ requests: 110, perMs: 10_000 });
    // 111 starts 92 ms apart span 10.12 s: no 10 s window holds more than 110.
    expect(110 * Math.ceil(HUBSPOT_PORTAL_LIMIT.perMs / (HUBSPOT_PORTAL_LIMIT.requests - 1))).toBeGreaterThan(10_000);
    expect(portalLimiter()).toBeDefined();
  });

  test('one portal cannot exceed its limit, and a second portal does not share it', async () => {
    // HubSpot's limit scaled down (4 per 1.2 s: one start every 400 ms) so the test takes seconds,
    // the same rule applied. The stand-in counts arrivals, as HubSpot does: the spacing's margin
    // (400 ms) has to absorb the delay of a loaded 2-core machine between a start and its arrival.
    const limit = { requests: 4, perMs: 1_200 };
    const clients = clientsFor({ limit });
    const started = Date.now();
    const busy = read(clients.clientFor('account-a', 'token-a'), 8).then(() => Date.now() - started);
    const other = read(clients.clientFor('account-b', 'token-b'), 8).then(() => Date.now() - started);
    const [busyMs, otherMs] = await Promise.all([busy, other]);

    expect(busiestWindow('token-a', limit.perMs)).toBeLessThanOrEqual(limit.requests);
    expect(busiestWindow('token-b', limit.perMs)).toBeLessThanOrEqual(limit.requests);
    // 8 requests at 400 ms take 2.8 s per portal; had the portals shared one limiter, 16 would take 6 s.
    expect(Math.max(busyMs, otherMs)).toBeLessThan(4_500);
    // Both portals were served side by side: the second did not wait for the first to finish.
    const firstOf = (token: string) => hubspot.arrivals.find((arrival) => arrival.token === token)!.at;
    expect(Math.abs(firstOf('token-a') - firstOf('token-b'))).toBeLessThan(400);
  });

  test('a new token for a known portal keeps its client and its limiter', () => {
    const clients = clientsFor();
    const first = clients.clientFor('account-c', 'token-1');
    expect(clients.clientFor('account-c', 'token-2')).toBe(first);
    expect(first.config.accessToken).toBe('token-2');
  });

  test('the cache stays bounded: past its size the least recently used portal is forgotten', () => {
    const clients = clientsFor({ max: 3 });
    const kept = clients.clientFor('portal-0', 't');
    for (let i = 1; i <= 50; i += 1) {
      clients.clientFor(`portal-${i}`, 't');
      clients.clientFor('portal-0', 't'); // used again each time: never the least recent
    }
    expect(clients.size).toBe(3);
    expect(clients.clientFor('portal-0', 't')).toBe(kept);
    expect(clients.clientFor('portal-1', 't')).not.toBe(undefined);
  });
});
