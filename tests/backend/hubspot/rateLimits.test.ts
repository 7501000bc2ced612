// The portal's rate limit as HubSpot reports it: a batch update answered 429 is tried again after
// the Retry-After it asked (seconds or an HTTP date), within the client's attempts, and nothing is
// lost; an answer saying the window is spent (X-HubSpot-RateLimit-Remaining: 0) holds the portal's
// next request for the window's interval. Real HTTP to the HubSpot stand-in.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { HubSpotApiError } from '../../../backend/src/hubspot/crmApi.ts';
import { createProperties, createPropertyGroup, updateObjects } from '../../../backend/src/hubspot/crmWrites.ts';
import { hubspotPortalClients } from '../../../backend/src/hubspot/portalClients.ts';
import { createMetrics } from '../../../backend/src/metrics.ts';
import { startHubSpotStandIn, type HubSpotStandIn } from '../../support/hubspotStandIn.ts';
import { memoryLogger } from '../../support/logger.ts';

let hubspot: HubSpotStandIn;
let clients: ReturnType<typeof hubspotPortalClients>;
const UPDATE = '/crm/objects/2026-03/contacts/batch/update';

beforeAll(async () => {
  hubspot = await startHubSpotStandIn();
  clients = hubspotPortalClients({ basePath: hubspot.url, logger: memoryLogger().logger, metrics: createMetrics() });
  const setup = portal('setup');
  await createPropertyGroup(setup, 'contacts', { name: 'fathom_calls', label: 'Fathom calls' });
  await createProperties(setup, 'contacts', 'fathom_calls', [
    { name: 'fathom_call_count', label: 'Calls', description: 'Calls', type: 'number', fieldType: 'number' },
  ]);
});
afterAll(() => hubspot.close());

/** A portal's client, its token granted the write scopes. */
function portal(name: string) {
  hubspot.grantToken(`token-${name}`, ['crm.objects.contacts.write', 'crm.schemas.contacts.write']);
  return clients.clientFor(`account-${name}`, `token-${name}`);
}
const inputs = (from: number, count: number, calls: number) =>
  Array.from({ length: count }, (_, i) => ({
    id: String(from + i),
    properties: { fathom_call_count: String(calls) },
  }));
/** When each request of `token` to `path` arrived, in order. */
const arrivalsOf = (token: string, path = UPDATE) =>
  hubspot.arrivals.filter((a) => a.token === token && a.path === path).map((a) => a.at);
const gaps = (times: number[]) => times.slice(1).map((at, i) => at - times[i]!);

describe("HubSpot's rate limit", () => {
  test('a batch update answered 429 twice is tried again after Retry-After (seconds) each time, and every record is written', async () => {
    hubspot.writes.rateLimitNext(2, '1');
    const result = await updateObjects(portal('seconds'), 'contacts', inputs(1000, 100, 3));
    expect(result).toEqual({ written: inputs(1000, 100, 3).map((input) => input.id), refused: [] });
    for (let id = 1000; id < 1100; id += 1) expect(hubspot.writes.record('contacts', id)?.fathom_call_count).toBe('3');
    const times = arrivalsOf('token-seconds');
    expect(times).toHaveLength(3);
    for (const gap of gaps(times)) expect(gap).toBeGreaterThanOrEqual(990);
  });

  test('a Retry-After given as an HTTP date is waited until that time', async () => {
    // An HTTP date counts whole seconds: two seconds ahead is at least one second's wait.
    hubspot.writes.rateLimitNext(1, new Date(Date.now() + 2_000).toUTCString());
    const result = await updateObjects(portal('date'), 'contacts', inputs(2000, 10, 4));
    expect(result.written).toHaveLength(10);
    expect(hubspot.writes.record('contacts', 2009)?.fathom_call_count).toBe('4');
    const times = arrivalsOf('token-date');
    expect(times).toHaveLength(2);
    expect(gaps(times)[0]).toBeGreaterThanOrEqual(990);
    // …and no longer: not the ten seconds waited when a 429 says nothing usable.
    expect(gaps(times)[0]).toBeLessThan(5_000);
  });

  test('429s past the attempts fail the batch (its job tries again later): nothing is half written', async () => {
    hubspot.writes.rateLimitNext(3, '0');
    const error = await updateObjects(portal('spent'), 'contacts', inputs(3000, 5, 1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubSpotApiError);
    expect((error as HubSpotApiError).code).toBe(429);
    expect(arrivalsOf('token-spent')).toHaveLength(3);
    expect(hubspot.writes.record('contacts', 3000)).toBeUndefined();
    // The job's next run writes them.
    expect((await updateObjects(portal('spent'), 'contacts', inputs(3000, 5, 1))).written).toHaveLength(5);
  });

  test("an answer saying the window is spent holds the portal's next requests for the interval; another portal goes on", async () => {
    hubspot.rateWindow = { max: 2, intervalMs: 1_500 };
    try {
      const held = portal('window');
      const other = portal('other');
      await updateObjects(held, 'contacts', inputs(4000, 1, 1));
      await updateObjects(held, 'contacts', inputs(4000, 1, 2)); // answered Remaining: 0
      const [third, fourth] = [
        updateObjects(held, 'contacts', inputs(4000, 1, 3)),
        updateObjects(held, 'contacts', inputs(4001, 1, 3)),
      ];
      await updateObjects(other, 'contacts', inputs(5000, 1, 1));
      await Promise.all([third, fourth]);
      const times = arrivalsOf('token-window');
      expect(times).toHaveLength(4);
      const [first, second, after] = gaps(times);
      expect(first).toBeLessThan(1_000);
      // Both requests after the spent window waited for its interval.
      expect(second).toBeGreaterThanOrEqual(1_490);
      expect(after).toBeLessThan(1_000);
      // The other portal's request was not held behind it.
      expect(arrivalsOf('token-other')[0]).toBeLessThan(times[2]!);
      expect(hubspot.writes.record('contacts', 4001)?.fathom_call_count).toBe('3');
    } finally {
      hubspot.rateWindow = { max: 110, intervalMs: 10_000 };
    }
  });
});
