import type { Client } from '@hubspot/api-client';
import { parseRetryAfter } from '../retryAfter.ts';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One HubSpot call through the portal's client (`apiRequest`: its limiter per portal, counting and
 * timing), retried on 5xx and 429 as the library's generated APIs are; any other answer returned.
 */
export async function hubspotRequest(
  client: Client,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<Response> {
  // Each attempt is counted and timed by the client itself (hubspot/apiClient.ts). Its own setting
  // (numberOfApiCallRetries) says how many attempts in all, as for its generated APIs.
  const attempts = Math.max(1, client.config.numberOfApiCallRetries ?? 1);
  for (let attempt = 1; ; attempt += 1) {
    const response = await client.apiRequest({ method, path, ...(body === undefined ? {} : { body }) });
    const passing = response.status >= 500 || response.status === 429;
    if (!passing || attempt >= attempts) return response;
    await response.body?.cancel();
    // A 429: wait what Retry-After asks (seconds or an HTTP date), else HubSpot's ten-second
    // window; a server error: a short pause (as the client's own retries do).
    const asked = parseRetryAfter(response.headers.get('retry-after'));
    await wait(response.status === 429 ? (asked ?? 10_000) : 200 * attempt);
  }
}
