import type { Database } from '../../backend/src/db/database.ts';
import { withSystem } from '../../backend/src/db/tenancy.ts';
import { createFathomClient } from '../../backend/src/fathom/client.ts';
import { FathomRateLimiter } from '../../backend/src/fathom/rateLimiter.ts';
import type { RetryEvent } from '../../backend/src/fathom/request.ts';
import { fathomMeetingSource } from '../../backend/src/sync/fathomSource.ts';
import type { MeetingSource, SyncIncident } from '../../backend/src/sync/ports.ts';

/**
 * The production Fathom client and meeting source pointed at a stand-in, with fast retries
 * (a few ms instead of seconds) so fault tests take no time; `incidents` receives every retry.
 */
export function standInSource(options: {
  baseUrl: string;
  apiKey: string;
  hubId: number;
  incidents?: SyncIncident[];
  authType?: 'api_key' | 'oauth';
  rateLimiter?: FathomRateLimiter;
}): MeetingSource {
  const client = createFathomClient({
    baseUrl: options.baseUrl,
    credentials: () => ({ kind: 'apiKey', apiKey: options.apiKey }),
    rateLimiter: options.rateLimiter ?? new FathomRateLimiter({ limit: 100_000, heavyLimit: 100_000 }),
    retry: { maxAttempts: 8, baseDelayMs: 2, maxDelayMs: 20, maxRetryAfterMs: 5_000 },
    timeoutMs: 2_000,
    onRetry: (event: RetryEvent) => options.incidents?.push({ message: `retried ${event.operation}: ${event.cause}` }),
  });
  return fathomMeetingSource(client, { hubId: options.hubId, authType: options.authType ?? 'api_key' });
}

/** An account with an active Fathom connection (credentials are the stand-in's, passed directly). */
export async function connectedAccount(db: Database, hubId: number): Promise<string> {
  return withSystem(db, async (tx) => {
    const account = (await tx.query<{ id: string }>('INSERT INTO accounts (hub_id) VALUES ($1) RETURNING id', [hubId]))
      .rows[0]!.id;
    await tx.query(`INSERT INTO api_connections (account_id, provider, auth_type) VALUES ($1, 'fathom', 'api_key')`, [
      account,
    ]);
    return account;
  });
}
