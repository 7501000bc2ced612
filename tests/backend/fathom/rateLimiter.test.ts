import { afterEach, describe, expect, test } from '@jest/globals';
import { createFathomClient } from '../../../backend/src/fathom/client.ts';
import { FathomRateLimiter } from '../../../backend/src/fathom/rateLimiter.ts';
import { startFathomStandIn, type FathomStandIn } from '../../support/fathomStandIn.ts';
import { fakeClock } from './fakeClock.ts';

let standIn: FathomStandIn | null = null;

afterEach(async () => {
  await standIn?.close();
  standIn = null;
});

/** The most calls that started within any `windowMs` span. */
function busiestWindow(times: number[], windowMs: number): number {
  let most = 0;
  for (let i = 0; i < times.length; i++) {
    let j = i;
    while (j < times.length && times[j]! - times[i]! < windowMs) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

describe("the client-side limiter keeps to Fathom's budget", () => {
  test('130 calls never put more than 60 in any minute, and Fathom never answers 429', async () => {
    const clock = fakeClock();
    // The stand-in enforces Fathom's 60 per 60 s on the same (fake) clock, so an overrun would show as a 429.
    standIn = await startFathomStandIn({ count: 2, rateLimit: { limit: 60, windowMs: 60_000 }, now: clock.now });
    const fathom = standIn;
    const client = createFathomClient({
      baseUrl: fathom.baseUrl,
      clock,
      credentials: () => ({ kind: 'apiKey', apiKey: fathom.apiKey }),
    });

    for (let i = 0; i < 130; i++) await client.listMeetings();

    const times = fathom.requests.map((request) => request.at);
    expect(fathom.callCount()).toBe(130); // no call was refused and repeated
    expect(busiestWindow(times, 60_000)).toBeLessThanOrEqual(60);
    expect(clock.elapsed()).toBeGreaterThanOrEqual(120_000); // two full windows were waited, on the fake clock
  });

  test('heavy calls (transcripts) keep to 30 per minute', async () => {
    const clock = fakeClock();
    standIn = await startFathomStandIn({ count: 2, now: clock.now });
    const fathom = standIn;
    const client = createFathomClient({
      baseUrl: fathom.baseUrl,
      clock,
      credentials: () => ({ kind: 'apiKey', apiKey: fathom.apiKey }),
    });
    const recordingId = fathom.meetings[0]!.recording_id;

    for (let i = 0; i < 70; i++) await client.getTranscript(recordingId);

    const times = fathom.requests.map((request) => request.at);
    expect(busiestWindow(times, 60_000)).toBeLessThanOrEqual(30);
    expect(busiestWindow(times, 60_000)).toBeGreaterThan(20); // it paces, it does not crawl
  });

  test('the stand-in does answer 429 past 60 calls a minute (so the test above can fail)', async () => {
    const clock = fakeClock();
    standIn = await startFathomStandIn({ count: 2, rateLimit: { limit: 60, windowMs: 60_000 }, now: clock.now });
    const statuses: number[] = [];

    for (let i = 0; i < 61; i++) {
      const response = await fetch(`${standIn.baseUrl}/meetings`, { headers: { 'x-api-key': standIn.apiKey } });
      await response.text();
      statuses.push(response.status);
    }

    expect(statuses.filter((status) => status === 200)).toHaveLength(60);
    expect(statuses[60]).toBe(429);
  });

  test('RateLimit-Remaining: 0 holds the next call until the window resets, instead of meeting a 429', async () => {
    const clock = fakeClock();
    // Fathom's budget is smaller than the limiter thinks (another process shares the key, say).
    standIn = await startFathomStandIn({ count: 2, rateLimit: { limit: 5, windowMs: 60_000 }, now: clock.now });
    const fathom = standIn;
    const client = createFathomClient({
      baseUrl: fathom.baseUrl,
      clock,
      credentials: () => ({ kind: 'apiKey', apiKey: fathom.apiKey }),
    });

    for (let i = 0; i < 12; i++) await client.listMeetings();

    expect(fathom.callCount()).toBe(12);
    expect(
      busiestWindow(
        fathom.requests.map((request) => request.at),
        60_000,
      ),
    ).toBeLessThanOrEqual(5);
  });

  test('concurrent callers share one budget', async () => {
    const clock = fakeClock();
    const limiter = new FathomRateLimiter({ limit: 3, heavyLimit: 2, windowMs: 1000, clock });
    const started: Array<{ at: number; weight: string }> = [];

    await Promise.all(
      Array.from({ length: 9 }, (_, i) => {
        const weight = i % 3 === 0 ? 'heavy' : 'light';
        return limiter.acquire(weight).then(() => started.push({ at: clock.now(), weight }));
      }),
    );

    const times = started.map((entry) => entry.at);
    expect(started).toHaveLength(9);
    expect(busiestWindow(times, 1000)).toBeLessThanOrEqual(3);
    expect(
      busiestWindow(
        started.filter((entry) => entry.weight === 'heavy').map((entry) => entry.at),
        1000,
      ),
    ).toBeLessThanOrEqual(2);
  });
});
