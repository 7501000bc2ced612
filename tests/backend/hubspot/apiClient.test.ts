import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import { createHubSpotClient } from '../../../backend/src/hubspot/apiClient.ts';
import { createMetrics } from '../../../backend/src/metrics.ts';
import { listen, type Listening } from '../../support/http.ts';
import { memoryLogger } from '../../support/logger.ts';

// A HubSpot that fails the first read of a contact with a 502, then answers it. Shapes from
// HubSpot's docs: errors "{ "status": "error", "message": "This will be a human readable message
// with details about the error.", …, "category": …, "correlationId": … }" (API error responses:
// "the fields … should all be treated as optional"); a contact read
// (GET /crm/v3/objects/contacts/{contactId}) answers a SimplePublicObject: id, properties,
// createdAt, updatedAt, archived.
let hubspot: Listening;
let failuresLeft = 1;
const seen: string[] = [];

beforeAll(async () => {
  hubspot = await listen((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json');
    if (failuresLeft-- > 0) {
      res.writeHead(502).end(
        JSON.stringify({
          status: 'error',
          message: 'The gateway timed out.',
          category: 'INTERNAL_ERROR',
          correlationId: '3c8e8b6e-5f0a-4a3b-9a5e-0d6c2b1f7e41',
        }),
      );
      return;
    }
    res.writeHead(200).end(
      JSON.stringify({
        id: '501',
        properties: { email: 'jane.buyer@customer.example', hs_object_id: '501' },
        createdAt: '2026-01-05T10:00:00.000Z',
        updatedAt: '2026-02-05T10:00:00.000Z',
        archived: false,
      }),
    );
  });
});
afterAll(() => hubspot.close());

test("the client's retry notice goes to the logger, not console.error, and every attempt is counted and timed", async () => {
  const consoleError = jest.spyOn(console, 'error').mockImplementation(() => {});
  try {
    const log = memoryLogger();
    const metrics = createMetrics({ processMetrics: false });
    const client = createHubSpotClient({ basePath: hubspot.url, logger: log.logger, metrics });
    client.setAccessToken('at-test');

    const contact = await client.crm.contacts.basicApi.getById('501', ['email']);
    expect(contact.properties.email).toBe('jane.buyer@customer.example');
    expect(seen).toHaveLength(2);

    expect(consoleError).not.toHaveBeenCalled();
    expect(log.lines()).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'HubSpot call failed: retrying',
        provider: 'hubspot',
        status: 502,
        retry: 1,
      }),
    ]);
    const calls = await metrics.apiCalls.get();
    expect(calls.values.map((v) => [v.labels.status_class, v.value]).sort()).toEqual([
      ['2xx', 1],
      ['5xx', 1],
    ]);
    const durations = await metrics.apiCallDuration.get();
    const counts = durations.values.filter((v) => v.metricName === 'fathom_hubspot_api_call_duration_seconds_count');
    expect(counts.map((v) => [v.labels.provider, v.labels.status_class, v.value]).sort()).toEqual([
      ['hubspot', '2xx', 1],
      ['hubspot', '5xx', 1],
    ]);
  } finally {
    consoleError.mockRestore();
  }
});
