import type { Client } from '@hubspot/api-client';
import Bottleneck from 'bottleneck';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { createHubSpotClient } from './apiClient.ts';

/** HubSpot's limit for a marketplace app, per installed portal: 110 requests per 10 s. */
export const HUBSPOT_PORTAL_LIMIT = { requests: 110, perMs: 10_000 };

/**
 * Starts spaced so that `requests` + 1 starts span more than `perMs` (110 per 10 s: one every
 * 92 ms), so no window of that length holds more than `requests`, with room for the network's
 * jitter (HubSpot counts arrivals). At most four at a time.
 */
export function portalLimiter(limit = HUBSPOT_PORTAL_LIMIT): Bottleneck {
  return new Bottleneck({ maxConcurrent: 4, minTime: Math.ceil(limit.perMs / (limit.requests - 1)) });
}

/**
 * The @hubspot/api-client of each portal (by account id), each with its own limiter, so one busy
 * portal neither spends another's budget nor exceeds its own. The least recently used are
 * forgotten past `max`: a process serving many portals keeps a bounded number of clients.
 */
export function hubspotPortalClients(options: {
  basePath: string;
  logger: Logger;
  metrics: Metrics;
  max?: number;
  limit?: typeof HUBSPOT_PORTAL_LIMIT;
}) {
  const clients = new LRUCache<string, Client>({ max: options.max ?? 1000 });
  return {
    /** The account's client, carrying `accessToken`. */
    clientFor(accountId: string, accessToken: string): Client {
      let client = clients.get(accountId);
      if (!client) {
        const { basePath, logger, metrics } = options;
        client = createHubSpotClient({ basePath, logger, metrics, limiter: portalLimiter(options.limit) });
        clients.set(accountId, client);
      }
      client.setAccessToken(accessToken);
      return client;
    },
    get size() {
      return clients.size;
    },
  };
}
