import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { runSync } from '../../../backend/src/sync/runSync.ts';
import type { AnalyseFn } from '../../../backend/src/sync/storeConversation.ts';
import type { SyncIncident } from '../../../backend/src/sync/ports.ts';
import { createMigratedDatabase, type TestDatabase } from '../../support/database.ts';
import { startFathomStandIn, type FathomStandIn } from '../../support/fathomStandIn.ts';
import { connectedAccount, standInSource } from '../../support/fathomSync.ts';

const analyse: AnalyseFn = (c) => ({ version: 'test', score: null, metrics: { segments: c.segments.length } });

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createMigratedDatabase();
});
afterAll(() => testDb.drop());

async function counts(accountId: string) {
  return withSystem(testDb.db, async (tx) => {
    const n = async (table: string) =>
      (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE account_id = $1`, [accountId]))
        .rows[0]!.n;
    return {
      conversations: await n('conversations'),
      participants: await n('conversation_participants'),
      segments: await n('transcript_segments'),
      analyses: await n('conversation_analyses'),
    };
  });
}

async function lastLog(accountId: string) {
  return withSystem(
    testDb.db,
    async (tx) =>
      (
        await tx.query<Record<string, unknown>>(
          `SELECT kind, status, pages, meetings_new, meetings_updated, meetings_unchanged, errors, error_messages,
                since, reached_at
         FROM sync_logs WHERE account_id = $1 ORDER BY started_at DESC LIMIT 1`,
          [accountId],
        )
      ).rows[0]!,
  );
}

describe('Fathom sync', () => {
  let fathom: FathomStandIn;
  let accountId: string;
  const HUB = 3001;

  beforeAll(async () => {
    // 300 meetings, 12 segments each, 2 invitees each (one external), 25 per page.
    fathom = await startFathomStandIn({
      count: 300,
      segmentsPerMeeting: 12,
      pageSize: 25,
      newest: new Date(Date.now() - 60_000),
    });
    accountId = await connectedAccount(testDb.db, HUB);
  });
  afterAll(() => fathom.close());

  const source = (incidents?: SyncIncident[]) =>
    standInSource({ baseUrl: fathom.baseUrl, apiKey: fathom.apiKey, hubId: HUB, ...(incidents ? { incidents } : {}) });

  test('a backfill stores every meeting once, with its participants, transcript and analysis', async () => {
    const progress = await runSync(testDb.db, { accountId, source: source(), analyse });
    expect(progress).toMatchObject({
      kind: 'backfill',
      pages: 12,
      meetingsNew: 300,
      meetingsUpdated: 0,
      meetingsUnchanged: 0,
    });
    const participantsUpstream = fathom.meetings.reduce(
      (sum, m) => sum + new Set(m.calendar_invitees.map((i) => i.email)).size,
      0,
    );
    expect(await counts(accountId)).toEqual({
      conversations: 300,
      participants: participantsUpstream,
      segments: 300 * 12,
      analyses: 300,
    });
    expect(await lastLog(accountId)).toMatchObject({
      kind: 'backfill',
      status: 'succeeded',
      pages: 12,
      meetings_new: 300,
      errors: 0,
    });
  });

  test('the next run is incremental and stores nothing new', async () => {
    const progress = await runSync(testDb.db, { accountId, source: source(), analyse });
    expect(progress.kind).toBe('incremental');
    expect(progress.meetingsNew).toBe(0);
    expect(progress.meetingsUpdated).toBe(0);
    expect(progress.meetingsUnchanged).toBeGreaterThan(0);
    expect((await counts(accountId)).conversations).toBe(300);
  });

  test('an edit upstream is one update in place', async () => {
    const newest = [...fathom.meetings].sort((x, y) => y.created_at.localeCompare(x.created_at))[0]!;
    fathom.updateMeeting(newest.recording_id, { title: 'Renamed in Fathom' });
    const progress = await runSync(testDb.db, { accountId, source: source(), analyse });
    expect(progress.meetingsUpdated).toBe(1);
    expect(progress.meetingsNew).toBe(0);
    const { rows } = await withSystem(testDb.db, (tx) =>
      tx.query('SELECT title FROM conversations WHERE account_id = $1 AND external_id = $2', [
        accountId,
        String(newest.recording_id),
      ]),
    );
    expect(rows).toEqual([{ title: 'Renamed in Fathom' }]);
  });

  test('a full re-read of the history finds every meeting unchanged', async () => {
    await withSystem(testDb.db, (tx) =>
      tx.query(`UPDATE api_connections SET backfill_completed_at = NULL WHERE account_id = $1`, [accountId]),
    );
    const progress = await runSync(testDb.db, { accountId, source: source(), analyse });
    expect(progress).toMatchObject({ kind: 'backfill', meetingsNew: 0, meetingsUpdated: 0, meetingsUnchanged: 300 });
  });

  test('with 30% of Fathom calls failing (429 and 500) the sync completes, and the log counts the retries', async () => {
    const account = await connectedAccount(testDb.db, 3002);
    fathom.failRandomly({
      probability: 0.3,
      seed: 7,
      faults: [
        { kind: 'rate-limit', retryAfterSeconds: 0 },
        { kind: 'server-error', status: 500 },
      ],
    });
    try {
      const incidents: SyncIncident[] = [];
      const progress = await runSync(testDb.db, {
        accountId: account,
        source: standInSource({ baseUrl: fathom.baseUrl, apiKey: fathom.apiKey, hubId: 3002, incidents }),
        analyse,
        incidents,
      });
      expect(progress.meetingsNew).toBe(300);
      expect(progress.errors).toBeGreaterThan(0);
      expect(progress.errors).toBe(incidents.length);
      const log = await lastLog(account);
      expect(log).toMatchObject({ status: 'succeeded', meetings_new: 300, errors: incidents.length });
      expect((log.error_messages as string[])[0]).toMatch(/^retried to list meetings: /);
      expect((await counts(account)).conversations).toBe(300);
    } finally {
      fathom.clearFaults();
    }
  });

  test('a sync that cannot reach Fathom fails, says why in the log, and the next run resumes from its cursor', async () => {
    const account = await connectedAccount(testDb.db, 3003);
    // Two pages go through, then Fathom fails for good: the failure comes mid-backfill.
    let served = 0;
    const flaky = standInSource({ baseUrl: fathom.baseUrl, apiKey: fathom.apiKey, hubId: 3003 });
    const failing = {
      async listPage(options: Parameters<typeof flaky.listPage>[0]) {
        served += 1;
        if (served === 3) fathom.failNext(1000, { kind: 'server-error', status: 503 }, 'GET /meetings');
        return flaky.listPage(options);
      },
    };
    await expect(runSync(testDb.db, { accountId: account, source: failing, analyse })).rejects.toThrow(
      /Fathom failed to list meetings/,
    );
    fathom.clearFaults();
    const failed = await lastLog(account);
    expect(failed).toMatchObject({ status: 'failed', pages: 2, meetings_new: 50 });
    expect((failed.error_messages as string[]).at(-1)).toMatch(/HTTP 503|503/);
    // How far back the backfill came (the settings page's progress): the oldest call it stored.
    const oldest = await withSystem(
      testDb.db,
      async (tx) =>
        (
          await tx.query<{ oldest: Date }>(
            `SELECT min(started_at) AS oldest FROM conversations WHERE account_id = $1`,
            [account],
          )
        ).rows[0]!.oldest,
    );
    expect(failed).toMatchObject({ since: null, reached_at: oldest });
    const since = new Date(Date.now() - 400 * 86_400_000);
    await withSystem(testDb.db, (tx) =>
      tx.query(`UPDATE api_connections SET backfill_since = $2 WHERE account_id = $1`, [account, since]),
    );
    const resumed = await runSync(testDb.db, { accountId: account, source: flaky, analyse });
    expect((await lastLog(account)).since).toEqual(since);
    expect(resumed).toMatchObject({ kind: 'backfill', pages: 10, meetingsNew: 250, meetingsUnchanged: 0 });
    expect((await counts(account)).conversations).toBe(300);
  });
});

test('two accounts syncing at once never see each other’s meetings', async () => {
  const [one, two] = await Promise.all([
    startFathomStandIn({ count: 40, pageSize: 10, firstRecordingId: 10_000, apiKey: 'key-of-portal-one-0000000' }),
    startFathomStandIn({ count: 60, pageSize: 10, firstRecordingId: 20_000, apiKey: 'key-of-portal-two-0000000' }),
  ]);
  try {
    const [a, b] = [await connectedAccount(testDb.db, 4001), await connectedAccount(testDb.db, 4002)];
    await Promise.all([
      runSync(testDb.db, {
        accountId: a,
        source: standInSource({ baseUrl: one.baseUrl, apiKey: one.apiKey, hubId: 4001 }),
        analyse,
      }),
      runSync(testDb.db, {
        accountId: b,
        source: standInSource({ baseUrl: two.baseUrl, apiKey: two.apiKey, hubId: 4002 }),
        analyse,
      }),
    ]);
    const ids = (accountId: string) =>
      withSystem(testDb.db, async (tx) =>
        (
          await tx.query<{ external_id: string }>('SELECT external_id FROM conversations WHERE account_id = $1', [
            accountId,
          ])
        ).rows.map((r) => Number(r.external_id)),
      );
    const [idsA, idsB] = [await ids(a), await ids(b)];
    expect(idsA).toHaveLength(40);
    expect(idsB).toHaveLength(60);
    expect(idsA.every((id) => id >= 10_000 && id < 20_000)).toBe(true);
    expect(idsB.every((id) => id >= 20_000)).toBe(true);
  } finally {
    await Promise.all([one.close(), two.close()]);
  }
});
