import { ApiError } from './apiError';
import { BACKEND_URL } from './config';
import { gateFetcher, MAX_FETCHES_IN_FLIGHT } from './fetchGate';

/** hubspot.fetch's shape; tests pass their own. */
export type Fetcher = (
  url: string,
  options?: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; body?: Record<string, unknown>; timeout?: number },
) => Promise<Response>;

// hubspot.fetch gives up after 15 s; fail a little earlier with our own message.
const TIMEOUT_MS = 14_000;

export type Api = {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: Record<string, unknown>): Promise<T>;
  put<T>(path: string, body: Record<string, unknown>): Promise<T>;
  delete<T>(path: string, body?: Record<string, unknown>): Promise<T>;
};

/**
 * The one wrapper around hubspot.fetch: base URL, timeout, `ok` check, JSON, typed errors, and
 * at most MAX_FETCHES_IN_FLIGHT calls at once (each card makes one Api: HubSpot allows 20 per portal).
 */
export function createApi(unGated: Fetcher, maxInFlight = MAX_FETCHES_IN_FLIGHT): Api {
  const fetcher = gateFetcher(unGated, maxInFlight);
  async function call<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: Record<string, unknown>,
  ): Promise<T> {
    let response: Response;
    try {
      response = await fetcher(`${BACKEND_URL}${path}`, { method, timeout: TIMEOUT_MS, ...(body ? { body } : {}) });
    } catch {
      throw new ApiError('network', 0, 'The Fathom service could not be reached. Try again in a moment.');
    }
    const payload = (await response.json().catch(() => null)) as { error?: string; message?: string } | null;
    // HubSpot answers 429 itself when a portal has too many requests in flight (20 per portal).
    if (response.status === 429 && !payload?.error) {
      throw new ApiError(
        'rate_limited',
        429,
        'HubSpot is handling many requests for this portal. Wait a few seconds and try again.',
      );
    }
    if (!response.ok) {
      throw new ApiError(
        payload?.error ?? 'http_error',
        response.status,
        payload?.message ?? `The Fathom service answered ${response.status}.`,
      );
    }
    return payload as T;
  }
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    put: (path, body) => call('PUT', path, body),
    delete: (path, body) => call('DELETE', path, body),
  };
}
