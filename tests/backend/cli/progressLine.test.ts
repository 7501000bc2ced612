import { expect, test } from '@jest/globals';
import { progressLine } from '../../../backend/src/cli/progressLine.ts';
import type { SyncProgress } from '../../../backend/src/sync/runSync.ts';

const progress = (overrides: Partial<SyncProgress>): SyncProgress => ({
  logId: 'l',
  kind: 'backfill',
  pages: 4,
  meetingsNew: 90,
  meetingsUpdated: 6,
  meetingsUnchanged: 4,
  errors: 0,
  oldestStartedAt: null,
  since: null,
  ...overrides,
});

test('with a start date, the time span covered gives the share done and the ETA', () => {
  const now = new Date('2026-11-25T00:00:00Z');
  // Since 100 days ago, reached 25 days back: 25% done after 20 s, so 60 s to go.
  const line = progressLine(
    progress({ since: '2026-08-17T00:00:00.000Z', oldestStartedAt: '2026-10-31T00:00:00.000Z' }),
    20_000,
    now,
  );
  expect(line).toBe(
    '[######..................] 25% 4 pages · 100 meetings (90 new, 6 updated, 4 unchanged) · 5.0/s · 20s · ETA 1m00s',
  );
});

test('without a start date there is no bar, only counts and the rate', () => {
  expect(progressLine(progress({ errors: 3 }), 50_000, new Date())).toBe(
    '4 pages · 100 meetings (90 new, 6 updated, 4 unchanged) · 2.0/s · 50s · 3 retried',
  );
});
