import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { pollJournal, type JournalDeps } from '../../../backend/src/hubspot/journal.ts';
import { JOURNAL_FILE_MAX_BYTES } from '../../../backend/src/hubspot/journalFile.ts';
import {
  hubspotEnv,
  journalLifecycleEvent,
  startHubSpotStandIn,
  type HubSpotStandIn,
} from '../../support/hubspotStandIn.ts';
import { installThroughStandIn } from '../../support/install.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

// What the journal poller does with files it cannot use, events that are not its own, HubSpot's
// 404s, and its token; journal.test.ts follows an uninstall and a reinstall end to end.
const HUB = 7373;
const HOUR = 3_600_000;
let hubspot: HubSpotStandIn;
let backend: TestBackend;
let journal: JournalDeps;

beforeAll(async () => {
  hubspot = await startHubSpotStandIn({ hubId: HUB });
  backend = await startTestBackend({ ...hubspotEnv(hubspot), UNINSTALL_GRACE_HOURS: '720' });
  journal = backend.services.hubspotJobs.journal!;
  await installThroughStandIn(backend.url);
});
afterAll(async () => {
  await backend.close();
  await hubspot.close();
});

const state = async () =>
  (
    await withSystem(backend.testDb.db, (tx) =>
      tx.query<{ journal_offset: string | null; failing_offset: string | null }>(
        `SELECT journal_offset, failing_offset FROM hubspot_journal_state`,
      ),
    )
  ).rows[0]!;
const status = async () =>
  (
    await withSystem(backend.testDb.db, (tx) =>
      tx.query<{ status: string }>(`SELECT status FROM accounts WHERE hub_id = $1`, [HUB]),
    )
  ).rows[0]!.status;
const metric = async (name: string) => {
  const text = await backend.services.metrics.registry.metrics();
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
};
/** Reads the journal to its end, so each test starts after everything earlier tests wrote. */
const drain = async () => {
  while ((await pollJournal(journal)).refused) await pollJournal({ ...journal, now: () => Date.now() + 2 * HOUR });
};
beforeEach(drain);

describe('a journal file the poller does not understand', () => {
  test.each([
    [
      'an object that is not the envelope',
      { raw: JSON.stringify({ events: [] }) },
      /neither a journal envelope nor an array/,
    ],
    ['text that is not JSON', { raw: '<html>Access Denied</html>' }, /not JSON/],
    [
      'a lifecycle event of an unknown shape',
      {
        raw: JSON.stringify({
          journalEvents: [{ type: 'app_lifecycle_event', action: 'APP_UNINSTALL', portalId: 'x' }],
        }),
      },
      /unknown shape/,
    ],
    ['a file larger than 5 MB', { raw: Buffer.alloc(JOURNAL_FILE_MAX_BYTES + 1, 0x20) }, /larger than/],
    ['a file URL that redirects', { redirectTo: 'https://elsewhere.example.com/file.json' }, /redirects/],
    ['a file URL that is not https', { url: 'http://files.example.com/journal.json' }, /not https/],
  ])(
    '%s leaves the offset where it was, logs and counts it, and is tried again next poll',
    async (_what, file, reason) => {
      const before = (await state()).journal_offset;
      const refusedBefore = await metric('fathom_hubspot_journal_files_refused_total');
      // The bad file comes first: the uninstall after it must wait.
      hubspot.journal.push({ offset: randomUUID(), events: [], ...file });
      hubspot.journalLifecycle('APP_UNINSTALL', HUB);

      const run = await pollJournal(journal);
      expect(run).toMatchObject({ entries: 0, uninstalled: [], refused: expect.stringMatching(reason) });
      expect((await state()).journal_offset).toBe(before);
      expect(await status()).toBe('active');
      expect(await metric('fathom_hubspot_journal_files_refused_total')).toBe(refusedBefore + 1);
      expect(backend.log.text()).toMatch(/HubSpot journal file refused/);
      // Still refused a minute later; the offset still does not move.
      expect((await pollJournal(journal)).refused).toMatch(reason);
      expect((await state()).journal_offset).toBe(before);
      // Clean up: HubSpot "fixes" the file; the poller reads it and the uninstall after it.
      const bad = hubspot.journal.at(-2)!;
      Object.assign(bad, { raw: undefined, redirectTo: undefined, url: undefined });
      expect(await pollJournal(journal)).toMatchObject({ entries: 2, uninstalled: [HUB] });
      expect((await state()).failing_offset).toBeNull();
      hubspot.journalLifecycle('APP_INSTALL', HUB);
      await pollJournal(journal);
      await installThroughStandIn(backend.url);
    },
  );

  test('after an hour of refusals the entry is set aside (dead letter, metric) and later uninstalls go through', async () => {
    const bad = { offset: randomUUID(), events: [], raw: 'not json' };
    hubspot.journal.push(bad);
    hubspot.journalLifecycle('APP_UNINSTALL', HUB);
    expect((await pollJournal(journal)).refused).toMatch(/not JSON/);
    expect((await pollJournal({ ...journal, now: () => Date.now() + 59 * 60_000 })).refused).toMatch(/not JSON/);
    expect(await status()).toBe('active');

    const run = await pollJournal({ ...journal, now: () => Date.now() + HOUR + 1000 });
    expect(run).toMatchObject({ entries: 1, deadLettered: [bad.offset], uninstalled: [HUB] });
    expect(await status()).toBe('uninstalled');
    expect(await metric('fathom_hubspot_journal_dead_letters_total')).toBe(1);
    const letters = await withSystem(backend.testDb.db, (tx) =>
      tx.query(`SELECT entry_offset, reason FROM hubspot_journal_dead_letters`),
    );
    expect(letters.rows).toEqual([{ entry_offset: bad.offset, reason: 'the file is not JSON' }]);
    expect(backend.log.text()).toMatch(/set aside after an hour of failures/);
    hubspot.journalLifecycle('APP_INSTALL', HUB);
    await pollJournal(journal);
    await installThroughStandIn(backend.url);
    expect(await status()).toBe('active');
  });
});

describe('events', () => {
  test('an uninstall of another app, or naming no app, is passed over; a bare array of events is still read', async () => {
    for (const appId of ['999', null])
      hubspot.journal.push({ offset: randomUUID(), events: [journalLifecycleEvent('APP_UNINSTALL', HUB, { appId })] });
    expect(await pollJournal(journal)).toMatchObject({ entries: 2, uninstalled: [] });
    expect(await status()).toBe('active');

    const ours = journalLifecycleEvent('APP_UNINSTALL', HUB, { appId: String(hubspot.appId) });
    hubspot.journal.push({ offset: randomUUID(), events: [], raw: JSON.stringify([ours]) });
    expect(await pollJournal(journal)).toMatchObject({ entries: 1, uninstalled: [HUB] });
    hubspot.journalLifecycle('APP_INSTALL', HUB);
    await pollJournal(journal);
    await installThroughStandIn(backend.url);
  });
});

describe("HubSpot's answers", () => {
  test('a 404 for an offset younger than three days is an error to retry: the offset stays and the journal is not read from its start', async () => {
    hubspot.journalLifecycle('APP_INSTALL', HUB);
    await pollJournal(journal);
    const offset = (await state()).journal_offset;
    hubspot.journalForgetUntil(hubspot.journal.length);
    const earliestBefore = hubspot.calls['/webhooks-journal/journal/2026-03/earliest'] ?? 0;
    await expect(pollJournal(journal)).rejects.toThrow(/404 for an offset younger than three days/);
    expect((await state()).journal_offset).toBe(offset);
    expect(hubspot.calls['/webhooks-journal/journal/2026-03/earliest'] ?? 0).toBe(earliestBefore);
    // Three days later the same 404 means expired: the journal is read again from its earliest entry.
    const later = await pollJournal({ ...journal, now: () => Date.now() + 3 * 24 * HOUR + 1000 });
    expect(later.restartedFromEarliest).toBe(true);
  });

  test('the client-credentials token is asked for once and reused while it is valid', async () => {
    const issued = hubspot.clientCredentialsIssued;
    await pollJournal(journal);
    await pollJournal(journal);
    await pollJournal(journal);
    expect(hubspot.clientCredentialsIssued).toBe(issued);
    expect(issued).toBe(1);
  });

  test('the lifecycle subscriptions are checked again a day after the last check, and one deleted in HubSpot comes back', async () => {
    expect(hubspot.journalSubscriptions).toHaveLength(2);
    hubspot.journalSubscriptions.pop();
    await pollJournal(journal);
    expect(hubspot.journalSubscriptions).toHaveLength(1);
    await pollJournal({ ...journal, now: () => Date.now() + 24 * HOUR + 1000 });
    expect(hubspot.journalSubscriptions.map((s) => s.actions)).toEqual([['APP_INSTALL'], ['APP_UNINSTALL']]);
  });
});
