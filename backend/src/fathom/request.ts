/**
 * One call to Fathom, made resilient: authenticated, paced by the rate limiter, bounded by a
 * timeout, retried by the retry policy, and turned into a typed error when it finally fails.
 * The operations in client.ts only say what to ask and how to read the answer.
 */
import { systemClock, type Clock } from './clock.ts';
import {
  FathomAuthRejected,
  FathomRateLimited,
  FathomRequestRejected,
  FathomUpstreamFailed,
  readReason,
} from './errors.ts';
import { FathomRateLimiter, type RequestWeight } from './rateLimiter.ts';
import { backoffDelay, DEFAULT_RETRY_POLICY, waitFromHeaders, windowSpent, type RetryPolicy } from './retryPolicy.ts';
import { parseFathomJson } from './json.ts';

/** An API key (`X-Api-Key`) or an OAuth access token (`Authorization: Bearer`). */
export type FathomCredentials = { kind: 'apiKey'; apiKey: string } | { kind: 'bearer'; accessToken: string };

/**
 * Called before every attempt. `rejected` is true once Fathom refused the previous bearer
 * token with a 401: an OAuth caller refreshes it then, and the call is tried once more.
 */
export type CredentialsProvider = (context: { rejected: boolean }) => FathomCredentials | Promise<FathomCredentials>;

/** Told about every retry (for the sync log's incident count); carries no secret. */
export type RetryEvent = { operation: string; attempt: number; delayMs: number; cause: string };

export type FathomTransportOptions = {
  /** `FATHOM_API_BASE`, e.g. https://api.fathom.ai/external/v1 */
  baseUrl: string;
  credentials: CredentialsProvider;
  /** Share one per Fathom connection; a fresh one by default. */
  rateLimiter?: FathomRateLimiter;
  retry?: Partial<RetryPolicy>;
  /** Per attempt, including reading the body. */
  timeoutMs?: number;
  clock?: Clock;
  /** In [0, 1); the backoff's jitter. */
  random?: () => number;
  fetch?: typeof fetch;
  onRetry?: (event: RetryEvent) => void;
};

export type FathomRequest = {
  /** Words for messages: "list meetings". */
  operation: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** Under the base URL: "/meetings". */
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  weight: RequestWeight;
};

export type FathomTransport = (request: FathomRequest) => Promise<unknown>;

export const DEFAULT_TIMEOUT_MS = 30_000;

type Outcome =
  { kind: 'answer'; status: number; headers: Headers; text: string } | { kind: 'no-answer'; cause: string };

export function createFathomTransport(options: FathomTransportOptions): FathomTransport {
  const clock = options.clock ?? systemClock;
  const limiter = options.rateLimiter ?? new FathomRateLimiter({ clock });
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const random = options.random ?? Math.random;
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, '');

  async function attempt(request: FathomRequest, credentials: FathomCredentials): Promise<Outcome> {
    const url = new URL(base + request.path);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (credentials.kind === 'apiKey') headers['x-api-key'] = credentials.apiKey;
    else headers.authorization = `Bearer ${credentials.accessToken}`;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await doFetch(url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        // fetch drops Authorization on a cross-origin redirect but keeps X-Api-Key: never follow one.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      // The timeout signal also covers the body, so a response that stalls mid-way is a timeout too.
      const text = await response.text();
      return { kind: 'answer', status: response.status, headers: response.headers, text };
    } catch (error) {
      return { kind: 'no-answer', cause: describeNetworkError(error, timeoutMs) };
    }
  }

  return async function send(request: FathomRequest): Promise<unknown> {
    // Creating a webhook twice would leave one orphaned, so a POST is retried only when Fathom
    // said it did nothing (429); a dropped POST is reported and the caller decides.
    const idempotent = request.method !== 'POST';
    let rejected = false;
    for (let attemptNo = 1; ; attemptNo++) {
      await limiter.acquire(request.weight);
      const credentials = await options.credentials({ rejected });
      const secret = credentials.kind === 'apiKey' ? credentials.apiKey : credentials.accessToken;
      const outcome = await attempt(request, credentials);
      const lastAttempt = attemptNo >= policy.maxAttempts;

      const retryAfter = async (delayMs: number, cause: string) => {
        options.onRetry?.({ operation: request.operation, attempt: attemptNo, delayMs, cause });
        await clock.sleep(delayMs);
      };

      if (outcome.kind === 'no-answer') {
        if (!idempotent || lastAttempt) {
          throw new FathomUpstreamFailed(
            request.operation,
            `${outcome.cause} (after ${attemptNo} attempt${attemptNo === 1 ? '' : 's'})`,
            null,
          );
        }
        await retryAfter(backoffDelay(policy, attemptNo, random), outcome.cause);
        continue;
      }

      const { status, headers, text } = outcome;
      const asked = waitFromHeaders(headers, clock.now());
      if (windowSpent(headers) && asked !== null) limiter.pauseUntil(clock.now() + asked);

      if (status >= 200 && status < 300) return parseJson(request.operation, text, status);

      if (status === 401 || status === 403) {
        if (status === 401 && credentials.kind === 'bearer' && !rejected) {
          rejected = true; // once: the provider refreshes the token, then we try again
          attemptNo--;
          continue;
        }
        throw new FathomAuthRejected(status, readReason(text, [secret]));
      }

      if (status === 429) {
        if (lastAttempt || (asked !== null && asked > policy.maxRetryAfterMs)) {
          throw new FathomRateLimited(request.operation, asked);
        }
        const delayMs = asked ?? backoffDelay(policy, attemptNo, random);
        // Every other call on this connection waits too: the budget is Fathom's, not this call's.
        limiter.pauseUntil(clock.now() + delayMs);
        await retryAfter(delayMs, 'HTTP 429');
        continue;
      }

      if (status >= 500) {
        if (!idempotent || lastAttempt) {
          throw new FathomUpstreamFailed(
            request.operation,
            `HTTP ${status} (after ${attemptNo} attempt${attemptNo === 1 ? '' : 's'})`,
            status,
          );
        }
        const backoff = backoffDelay(policy, attemptNo, random);
        const delayMs = asked !== null && asked <= policy.maxRetryAfterMs ? Math.max(asked, backoff) : backoff;
        await retryAfter(delayMs, `HTTP ${status}`);
        continue;
      }

      if (status >= 400) throw new FathomRequestRejected(request.operation, status, readReason(text, [secret]));
      throw new FathomUpstreamFailed(request.operation, `unexpected HTTP ${status}`, status);
    }
  };
}

function parseJson(operation: string, text: string, status: number): unknown {
  if (text.trim() === '') return null;
  try {
    return parseFathomJson(text);
  } catch {
    throw new FathomUpstreamFailed(operation, 'the answer was not JSON', status);
  }
}

/** A short, secret-free cause: "timed out after 30000 ms", "connection ECONNRESET". */
function describeNetworkError(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: unknown })?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  let cause: unknown = error;
  for (let depth = 0; depth < 4 && cause; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') return `connection failed (${code})`;
    cause = (cause as { cause?: unknown }).cause;
  }
  return 'connection failed';
}
