import { describe, expect, test } from '@jest/globals';
import { Alert, Button, Input, ProgressBar, Select, Table, TableCell, Text } from '@hubspot/ui-extensions';
import { DAY, buttonTexts, connected, log, logs, person, renderPage } from './settingsFixtures';
import type { People } from '@fathom-hubspot/ui-shared';

// The settings page's sync log and people sections (settingsPage.test.tsx has the rest).
describe('settings page: sync and people', () => {
  test('a backfill in progress shows its real progress: calls imported and the date reached between the start date and now; the page polls until it ends', async () => {
    let polls = 0;
    const since = new Date(Date.now() - 100 * DAY).toISOString();
    const reachedAt = new Date(Date.now() - 25 * DAY).toISOString();
    const day = (iso: string) =>
      new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'America/New_York' }).format(new Date(iso));
    const page = renderPage({
      'GET /api/settings/fathom': { body: connected },
      'GET /api/settings/sync-logs': () =>
        polls++ === 0
          ? {
              body: logs([
                log({
                  status: 'running',
                  finishedAt: null,
                  durationSeconds: null,
                  pages: 4,
                  meetingsNew: 97,
                  since,
                  reachedAt,
                }),
              ]),
            }
          : { body: logs([log({})]) },
    });
    await page.waitFor(() => expect(page.maybeFind(ProgressBar)).not.toBeNull());
    expect(page.find(ProgressBar).props).toMatchObject({
      title: 'Importing your Fathom history',
      value: 25,
      showPercentage: true,
      valueDescription: `99 calls imported, back to ${day(reachedAt)} of ${day(since)}`,
    });
    await page.waitFor(() => expect(page.maybeFind(ProgressBar)).toBeNull(), { timeoutInMs: 8000 });
    expect(polls).toBe(2);
  });

  test('a backfill of the whole history says how far back it came (no percentage: nobody knows where it starts)', async () => {
    let polls = 0;
    const page = renderPage({
      'GET /api/settings/fathom': { body: connected },
      // Running, then done: the page stops polling.
      'GET /api/settings/sync-logs': () =>
        polls++ === 0
          ? {
              body: logs([
                log({
                  status: 'running',
                  finishedAt: null,
                  durationSeconds: null,
                  meetingsNew: 1,
                  meetingsUpdated: 0,
                  reachedAt: '2025-03-10T15:00:00.000Z',
                }),
              ]),
            }
          : { body: logs([log({})]) },
    });
    await page.waitFor(() => expect(page.maybeFind(ProgressBar)).not.toBeNull());
    expect(page.find(ProgressBar).props.valueDescription).toBe('1 call imported, back to Mar 10, 2025');
    expect(page.find(ProgressBar).props.value).toBeUndefined();
  });

  test('a failed sync shows why in the log, and when the next scheduled sync runs', async () => {
    const page = renderPage({
      'GET /api/settings/fathom': { body: connected },
      'GET /api/settings/sync-logs': {
        body: logs(
          [
            log({ status: 'failed', errorMessages: ['Fathom failed to list meetings: HTTP 503'] }),
            log({ id: 'l2', startedAt: '2026-07-01T12:00:00.000Z', durationSeconds: 5400 }),
          ],
          '2026-11-25T05:30:00.000Z',
        ),
      },
    });
    await page.waitFor(() => expect(page.findAll(TableCell).length).toBeGreaterThan(0));
    // Times in the portal's time zone, saying which; statuses capitalised; durations as people say them.
    expect(
      page
        .findAll(TableCell)
        .slice(0, 10)
        .map((c) => c.text),
    ).toEqual([
      'Nov 20, 2026, 5:00 AM EST',
      'Failed',
      '70 new, 2 updated',
      '43 s',
      'Fathom failed to list meetings: HTTP 503',
      'Jul 1, 2026, 8:00 AM EDT',
      'Succeeded',
      '70 new, 2 updated',
      '1 h 30 min',
      '—',
    ]);
    expect(page.findAll(Text).map((t) => t.text)).toContain('Next scheduled sync: Nov 25, 2026, 12:30 AM EST');
  });

  test('roles: an admin changes a role; the last-admin refusal is shown', async () => {
    const page = renderPage({
      'GET /api/settings/fathom': { body: connected },
      'PUT /api/settings/roles': (body) =>
        (body as { role: string }).role === 'rep'
          ? {
              status: 409,
              body: {
                error: 'conflict',
                message: 'This is the last admin of the portal: make someone else an admin first.',
              },
            }
          : { body: { ...person(3, 'rita@x.example.com', 'manager') } },
    });
    await page.waitFor(() => expect(page.findAll(Select).length).toBeGreaterThan(0));
    // Each dropdown says whose role it is (a screen reader reads the label).
    expect(page.find(Select, { name: 'role-3' }).props.label).toBe('Role of rita@x.example.com');
    page.find(Select, { name: 'role-3' }).trigger('onChange', 'manager' as never);
    // Asked first: nothing is saved until the admin confirms; Cancel drops it.
    await page.waitFor(() =>
      expect(page.findAll(Text).map((t) => t.text)).toContain('Make rita@x.example.com a manager (now rep)?'),
    );
    expect(page.backend.calls.some((c) => c.method === 'PUT')).toBe(false);
    page
      .findAll(Button)
      .find((b) => b.text === 'Cancel the change')!
      .trigger('onClick');
    await page.waitFor(() => expect(page.findAll(Button).map((b) => b.text)).not.toContain('Yes, change'));
    page.find(Select, { name: 'role-3' }).trigger('onChange', 'manager' as never);
    await page.waitFor(() => expect(page.findAll(Button).map((b) => b.text)).toContain('Yes, change'));
    page
      .findAll(Button)
      .find((b) => b.text === 'Yes, change')!
      .trigger('onClick');
    await page.waitFor(() => expect(page.backend.calls.some((c) => c.method === 'PUT')).toBe(true));
    await page.waitFor(() =>
      expect(page.alerts).toEqual([{ type: 'success', message: 'rita@x.example.com is now manager.' }]),
    );
    expect(page.backend.calls.find((c) => c.method === 'PUT')!.body).toEqual({
      hubspotUserId: 3,
      role: 'manager',
      managerHubspotUserId: null,
    });
    page.find(Select, { name: 'role-1' }).trigger('onChange', 'rep' as never);
    await page.waitFor(() => expect(page.findAll(Button).map((b) => b.text)).toContain('Yes, change'));
    page
      .findAll(Button)
      .find((b) => b.text === 'Yes, change')!
      .trigger('onClick');
    await page.waitFor(() => expect(page.find(Alert, { title: 'Not changed' }).text).toMatch(/last admin/));
  });

  test('people: each person by name with his email, and managers offered by name (email)', async () => {
    const page = renderPage({
      'GET /api/settings/fathom': { body: connected },
      'GET /api/settings/roles': {
        body: {
          items: [
            { ...person(2, 'max@x.example.com', 'manager'), displayName: 'Max Manager' },
            { ...person(3, 'rita@x.example.com', 'rep'), displayName: 'Rita Rep', managerHubspotUserId: 2 },
          ],
          nextCursor: null,
        },
      },
    });
    await page.waitFor(() => expect(page.maybeFind(Select, { name: 'manager-3' })).not.toBeNull());
    expect(page.find(Select, { name: 'role-3' }).props.label).toBe('Role of Rita Rep');
    const manager = page.find(Select, { name: 'manager-3' });
    expect(manager.props.label).toBe('Manager of Rita Rep');
    expect(manager.props.options).toEqual([{ label: 'Max Manager (max@x.example.com)', value: 2 }]);
    expect(page.findAll(Text).map((t) => t.text)).toEqual(expect.arrayContaining(['Rita Rep', 'rita@x.example.com']));
  });

  test('importing users from HubSpot says how many were added', async () => {
    const page = renderPage({
      'GET /api/settings/fathom': { body: connected },
      'POST /api/settings/roles/import': { body: { found: 12, added: 9 } },
    });
    await page.waitFor(() => expect(buttonTexts(page)).toContain('Import users from HubSpot'));
    page
      .findAll(Button)
      .find((b) => b.text === 'Import users from HubSpot')!
      .trigger('onClick');
    await page.waitFor(() =>
      expect(page.alerts).toEqual([{ type: 'success', message: '12 HubSpot users found, 9 added as reps.' }]),
    );
  });

  test('people: a search narrows the list, and long lists come in pages of 20', async () => {
    const many: People = {
      items: Array.from({ length: 45 }, (_, i) =>
        person(100 + i, `rep${String(i).padStart(2, '0')}@x.example.com`, 'rep'),
      ),
      nextCursor: null,
    };
    const page = renderPage({
      'GET /api/settings/fathom': { body: connected },
      'GET /api/settings/roles': { body: many },
    });
    const roles = () => page.findAll(Select).filter((select) => String(select.props.name).startsWith('role-'));
    await page.waitFor(() => expect(roles()).toHaveLength(20));
    // Table's own pagination, no home-made Previous/Next.
    const table = () => page.find(Table).props as unknown as { page: number; pageCount: number };
    expect(table()).toMatchObject({ page: 1, pageCount: 3 });
    expect(page.findAll(Button).map((b) => b.text)).not.toContain('Next');
    page.find(Table).trigger('onPageChange' as never, 3 as never);
    await page.waitFor(() => expect(roles()).toHaveLength(5));
    expect(table().page).toBe(3);
    page.find(Input, { name: 'peopleSearch' }).trigger('onChange', 'rep4' as never);
    await page.waitFor(() =>
      expect(roles().map((select) => select.props.name)).toEqual([
        'role-140',
        'role-141',
        'role-142',
        'role-143',
        'role-144',
      ]),
    );
    page.find(Input, { name: 'peopleSearch' }).trigger('onChange', 'nobody' as never);
    await page.waitFor(() => expect(page.findAll(Text).map((t) => t.text)).toContain('Nobody matches that search.'));
  });
});
