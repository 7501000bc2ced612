import { afterEach, describe, expect, test } from '@jest/globals';
import { createFathomClient, type FathomClientOptions } from '../../../backend/src/fathom/client.ts';
import {
  FathomAuthRejected,
  FathomRateLimited,
  FathomRequestRejected,
  FathomUpstreamFailed,
} from '../../../backend/src/fathom/errors.ts';
import type { RetryEvent } from '../../../backend/src/fathom/request.ts';
import { startFathomStandIn, type FathomStandIn, type StandInOptions } from '../../support/fathomStandIn.ts';
import { fakeClock } from './fakeClock.ts';

let standIn: FathomStandIn | null = null;

afterEach(async () => {
  await standIn?.close();
  standIn = null;
});

async function setUp(standInOptions: StandInOptions = {}, clientOptions: Partial<FathomClientOptions> = {}) {
  standIn = await startFathomStandIn({ count: 3, ...standInOptions });
  const fathom = standIn;
  const clock = fakeClock();
  const retries: RetryEvent[] = [];
  const client = createFathomClient({
    baseUrl: fathom.baseUrl,
    credentials: () => ({ kind: 'apiKey', apiKey: fathom.apiKey }),
    clock,
    random: () => 0.5,
    onRetry: (event) => retries.push(event),
    ...clientOptions,
  });
  return { fathom, client, clock, retries };
}

function everythingSaid(error: unknown): string {
  const fields = error instanceof Error ? { ...error, message: error.message, stack: error.stack } : error;
  return JSON.stringify(fields);
}

describe('the Fathom client under failure', () => {
  test('a 429 is waited out for as long as Retry-After says, then the call succeeds', async () => {
    const { fathom, client, clock } = await setUp();
    fathom.failNext(1, { kind: 'rate-limit', retryAfterSeconds: 7 });

    const page = await client.listMeetings();

    expect(page.items).toHaveLength(3);
    expect(fathom.callCount('GET /meetings')).toBe(2);
    expect(clock.sleeps).toEqual([7000]);
  });

  test('a 429 that keeps coming gives up after the bounded attempts as rate limited', async () => {
    const { fathom, client } = await setUp({}, { retry: { maxAttempts: 3 } });
    fathom.failNext(10, { kind: 'rate-limit', retryAfterSeconds: 2 });

    const error = await client.listMeetings().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(FathomRateLimited);
    expect((error as FathomRateLimited).retryAfterMs).toBe(2000);
    expect(fathom.callCount()).toBe(3);
  });

  test('a 429 asking for a longer wait than we accept is reported at once', async () => {
    const { fathom, client, clock } = await setUp({}, { retry: { maxRetryAfterMs: 60_000 } });
    fathom.failNext(1, { kind: 'rate-limit', retryAfterSeconds: 600 });

    await expect(client.listMeetings()).rejects.toBeInstanceOf(FathomRateLimited);
    expect(fathom.callCount()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  test('500s are retried with growing, jittered backoff, then the call succeeds', async () => {
    const { fathom, client, clock, retries } = await setUp();
    fathom.failNext(3, { kind: 'server-error', status: 500 });

    const page = await client.listMeetings();

    expect(page.items).toHaveLength(3);
    expect(fathom.callCount()).toBe(4);
    expect(clock.sleeps).toHaveLength(3);
    // Equal jitter with random() = 0.5: three quarters of 500, 1000, 2000 ms.
    expect(clock.sleeps).toEqual([375, 750, 1500]);
    expect(retries.map((event) => event.cause)).toEqual(['HTTP 500', 'HTTP 500', 'HTTP 500']);
  });

  test('the jitter spreads the backoff between half and all of each step', async () => {
    const low = await setUp({}, { random: () => 0 });
    low.fathom.failNext(2, { kind: 'server-error', status: 503 });
    await low.client.listMeetings();
    await low.fathom.close();

    const high = await setUp({}, { random: () => 0.999 });
    high.fathom.failNext(2, { kind: 'server-error', status: 503 });
    await high.client.listMeetings();

    expect(low.clock.sleeps).toEqual([250, 500]);
    expect(high.clock.sleeps[0]).toBeGreaterThan(490);
    expect(high.clock.sleeps[0]).toBeLessThanOrEqual(500);
    expect(high.clock.sleeps[1]).toBeGreaterThan(990);
  });

  test('5xx that keeps coming gives up after the bounded attempts with a typed error', async () => {
    const { fathom, client, clock } = await setUp({}, { retry: { maxAttempts: 4 } });
    fathom.failNext(10, { kind: 'server-error', status: 502 });

    const error = await client.listMeetings().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(FathomUpstreamFailed);
    expect((error as FathomUpstreamFailed).upstreamStatus).toBe(502);
    expect((error as FathomUpstreamFailed).message).toContain('after 4 attempts');
    expect(fathom.callCount()).toBe(4);
    expect(clock.sleeps).toHaveLength(3);
  });

  test('a slow answer times out and is retried, then succeeds', async () => {
    const { fathom, client, retries } = await setUp({}, { timeoutMs: 150 });
    fathom.failNext(2, { kind: 'slow', delayMs: 2000 });

    const page = await client.listMeetings();

    expect(page.items).toHaveLength(3);
    expect(fathom.callCount()).toBe(3);
    expect(retries.map((event) => event.cause)).toEqual(['timed out after 150 ms', 'timed out after 150 ms']);
  });

  test('timeouts that keep coming give up as an upstream failure', async () => {
    const { fathom, client } = await setUp({}, { timeoutMs: 100, retry: { maxAttempts: 2 } });
    fathom.failNext(5, { kind: 'slow', delayMs: 2000 });

    const error = await client.listMeetings().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(FathomUpstreamFailed);
    expect((error as FathomUpstreamFailed).upstreamStatus).toBeNull();
    expect((error as Error).message).toContain('timed out');
    expect(fathom.callCount()).toBe(2);
  });

  test('dropped connections are retried, then the call succeeds', async () => {
    const { fathom, client, clock } = await setUp();
    fathom.failNext(2, { kind: 'drop' });

    const page = await client.listMeetings();

    expect(page.items).toHaveLength(3);
    expect(fathom.callCount()).toBe(3);
    expect(clock.sleeps).toHaveLength(2);
  });

  test('dropped connections that keep coming give up after the bounded attempts', async () => {
    const { fathom, client } = await setUp({}, { retry: { maxAttempts: 3 } });
    fathom.failNext(10, { kind: 'drop' });

    const error = await client.getTranscript(fathom.meetings[0]!.recording_id).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(FathomUpstreamFailed);
    expect((error as Error).message).toMatch(/connection failed|socket/i);
    expect(fathom.callCount()).toBe(3);
  });

  test('a sync over random 429s, 500s and drops (seeded) still returns every meeting once', async () => {
    // Eight attempts at a 30% fault rate: a call fails for good once in ~15,000; the seed fixes the run.
    const { fathom, client, retries } = await setUp({ count: 60, pageSize: 5 }, { retry: { maxAttempts: 8 } });
    fathom.failRandomly({
      probability: 0.3,
      seed: 7,
      faults: [{ kind: 'server-error' }, { kind: 'drop' }, { kind: 'rate-limit', retryAfterSeconds: 1 }],
    });

    const ids: number[] = [];
    for await (const meeting of client.meetings()) ids.push(meeting.recording_id);

    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
    expect(retries.length).toBeGreaterThan(0);
    expect(fathom.callCount()).toBe(12 + retries.length);
  });

  test("a 401 is not retried and carries Fathom's reason, never the key", async () => {
    const key = 'sk_live_do_not_leak_9f8e7d6c';
    standIn = await startFathomStandIn({ count: 1, echoKeyInErrors: true });
    const client = createFathomClient({
      baseUrl: standIn.baseUrl,
      clock: fakeClock(),
      credentials: () => ({ kind: 'apiKey', apiKey: key }),
    });

    const error = await client.listMeetings().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(FathomAuthRejected);
    expect((error as FathomAuthRejected).message).toContain('invalid API key');
    expect((error as FathomAuthRejected).message).toContain('[redacted]');
    expect(everythingSaid(error)).not.toContain(key);
    expect(standIn.callCount()).toBe(1);
  });

  test("a 400 is not retried and carries Fathom's reason", async () => {
    const { fathom, client, clock } = await setUp();

    const error = await client
      .createWebhook({ destinationUrl: 'not a url', triggeredFor: ['my_recordings'] })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(FathomRequestRejected);
    expect((error as FathomRequestRejected).upstreamStatus).toBe(400);
    expect((error as Error).message).toContain('destination_url must be a valid URI');
    expect(everythingSaid(error)).not.toContain(fathom.apiKey);
    expect(fathom.callCount()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  test('an unknown recording (404) is not retried', async () => {
    const { fathom, client } = await setUp();

    await expect(client.getSummary(999)).rejects.toBeInstanceOf(FathomRequestRejected);
    expect(fathom.callCount()).toBe(1);
  });

  test('creating a webhook is not repeated after a 500 (it may have been created), but is after a 429', async () => {
    const { fathom, client } = await setUp();
    fathom.failNext(1, { kind: 'server-error' }, 'POST /webhooks');

    await expect(
      client.createWebhook({ destinationUrl: 'https://app.example/hook', triggeredFor: ['my_recordings'] }),
    ).rejects.toBeInstanceOf(FathomUpstreamFailed);
    expect(fathom.callCount('POST /webhooks')).toBe(1);

    fathom.failNext(1, { kind: 'rate-limit', retryAfterSeconds: 1 }, 'POST /webhooks');
    const webhook = await client.createWebhook({
      destinationUrl: 'https://app.example/hook',
      triggeredFor: ['my_recordings'],
    });
    expect(webhook.secret).toMatch(/^whsec_/);
    expect(fathom.callCount('POST /webhooks')).toBe(3);
    expect(fathom.webhooks.size).toBe(1);
  });
});
