import { describe, expect, test } from '@jest/globals';
import {
  Alert,
  Button,
  DateInput,
  ErrorState,
  Heading,
  Input,
  Modal,
  ProgressBar,
  Select,
  StatusTag,
  Table,
  TableCell,
  Text,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import {
  createApi,
  type AddAlert,
  type FathomStatus,
  type People,
  type Person,
  type SyncLog,
} from '@fathom-hubspot/ui-shared';
import { SettingsView } from '../../hubspot-app/app/settings/SettingsView';
import { fakeBackend, type Routes } from './fakeBackend';

const keyOnly = {
  available: false,
  reason: 'Connecting with a Fathom login is not set up on this server, so connect Fathom with an API key.',
} as const;
const notConnected: FathomStatus = {
  connected: false,
  connectionId: null,
  authType: null,
  status: null,
  webhookRegistered: false,
  lastSyncedAt: null,
  lastError: null,
  backfillSince: null,
  backfillCompletedAt: null,
  oauth: keyOnly,
};
const connectUrl = 'https://fathom-hubspot.example.com/oauth/fathom/start?link=k1.sealed';
const withOAuth: FathomStatus = { ...notConnected, oauth: { available: true, connectUrl, expiresInSeconds: 600 } };
const connected: FathomStatus = {
  ...notConnected,
  connected: true,
  connectionId: 'fc1',
  authType: 'api_key',
  status: 'active',
  webhookRegistered: true,
};
const log = (overrides: Partial<SyncLog>): SyncLog => ({
  id: 'l1',
  kind: 'backfill',
  status: 'succeeded',
  startedAt: '2026-11-20T10:00:00.000Z',
  finishedAt: '2026-11-20T10:00:42.500Z',
  durationSeconds: 42.5,
  pages: 3,
  meetingsNew: 70,
  meetingsUpdated: 2,
  meetingsUnchanged: 0,
  errors: 0,
  errorMessages: [],
  since: null,
  reachedAt: null,
  ...overrides,
});
const logs = (items: SyncLog[], nextScheduledRun: string | null = null) => ({
  items,
  nextCursor: null,
  nextScheduledRun,
});
const person = (hubspotUserId: number, email: string, role: Person['role']): Person => ({
  id: `u${hubspotUserId}`,
  hubspotUserId,
  email,
  displayName: null,
  role,
  managerHubspotUserId: null,
});
const people: People = {
  items: [person(1, 'ada@x.example.com', 'admin'), person(3, 'rita@x.example.com', 'rep')],
  nextCursor: null,
};

const HUB_ID = 4242;
function renderPage(routes: Routes) {
  const backend = fakeBackend({
    'GET /api/settings/sync-logs': { body: logs([]) },
    'GET /api/settings/roles': { body: people },
    'GET /api/settings/data': { body: { uninstallGraceHours: 720 } },
    ...routes,
  });
  const alerts: Array<Parameters<AddAlert>[0]> = [];
  const renderer = createRenderer('settings');
  renderer.render(
    <SettingsView
      api={createApi(backend.fetcher)}
      hubId={HUB_ID}
      // The portal's time zone, not the browser's (the test machine's).
      locale={{ locale: 'en-US', timeZone: 'America/New_York' }}
      addAlert={(alert) => alerts.push(alert)}
    />,
  );
  return { ...renderer, backend, alerts };
}
const DAY = 86_400_000;
const buttonTexts = (page: ReturnType<typeof renderPage>) => page.findAll(Button).map((b) => b.text);

describe('settings page', () => {
  test('not connected: a masked key field and Connect with key, and why there is no OAuth; Sync now is disabled', async () => {
    const page = renderPage({ 'GET /api/settings/fathom': { body: notConnected } });
    await page.waitFor(() => expect(buttonTexts(page)).toContain('Sync now'));
    expect(page.find(StatusTag).text).toBe('Not connected');
    expect(page.find(Input, { name: 'apiKey' }).props.type).toBe('password');
    // The last two sit in the removal's confirmation modal, which HubSpot shows only when it is opened.
    expect(buttonTexts(page)).toEqual([
      'Connect with key',
      'Sync now',
      'Import users from HubSpot',
      'Remove the app and delete our data',
      'Yes, remove the app and delete everything',
      'Cancel',
    ]);
    expect(page.findAll(Text).map((t) => t.text)).toContain(keyOnly.reason);
    expect(page.findAll(Button).find((b) => b.text === 'Sync now')!.props.disabled).toBe(true);
  });

  test('connected: Replace key and Disconnect; connecting sends the key and the start date', async () => {
    const page = renderPage({
      'GET /api/settings/fathom': { body: connected },
      'PUT /api/settings/fathom': { body: { ...connected, syncJobId: 'job-1' } },
    });
    await page.waitFor(() => expect(page.find(StatusTag).text).toBe('Connected'));
    expect(buttonTexts(page)).toEqual(expect.arrayContaining(['Replace key', 'Disconnect']));
    page.find(Input, { name: 'apiKey' }).trigger('onChange', 'a-new-fathom-key-123456' as never);
    page
      .find(DateInput, { name: 'backfillSince' })
      .trigger('onChange', { year: 2026, month: 0, date: 1, formattedDate: '01/01/2026' } as never);
    await page.waitFor(() =>
      expect(page.findAll(Button).find((b) => b.text === 'Replace key')!.props.disabled).toBe(false),
    );
    page
      .findAll(Button)
      .find((b) => b.text === 'Replace key')!
      .trigger('onClick');
    await page.waitFor(() => expect(page.backend.calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(page.backend.calls.find((c) => c.method === 'PUT')!.body).toEqual({
      apiKey: 'a-new-fathom-key-123456',
      backfillSince: '2026-01-01',
    });
  });

  test('with Fathom OAuth on the server, "Connect with Fathom" opens the short-lived link in a new tab, and the key stays the fallback', async () => {
    const page = renderPage({ 'GET /api/settings/fathom': { body: withOAuth } });
    await page.waitFor(() => expect(buttonTexts(page)).toContain('Connect with Fathom'));
    expect(page.findAll(Button).find((b) => b.text === 'Connect with Fathom')!.props.href).toEqual({
      url: connectUrl,
      external: true,
    });
    expect(buttonTexts(page)).toEqual(expect.arrayContaining(['Check status', 'Connect with key']));
    const before = page.backend.calls.filter((c) => c.path === '/api/settings/fathom').length;
    page
      .findAll(Button)
      .find((b) => b.text === 'Check status')!
      .trigger('onClick');
    await page.waitFor(() =>
      expect(page.backend.calls.filter((c) => c.path === '/api/settings/fathom').length).toBe(before + 1),
    );
    // The link works once, so opening it fetches a fresh one for the next click.
    page
      .findAll(Button)
      .find((b) => b.text === 'Connect with Fathom')!
      .trigger('onClick');
    await page.waitFor(() =>
      expect(page.backend.calls.filter((c) => c.path === '/api/settings/fathom').length).toBe(before + 2),
    );
  });

  test('"Import calls since" goes with "Connect with Fathom" too: the link is asked for again with the date', async () => {
    const datedUrl = `${connectUrl}.since-2026-01-01`;
    const page = renderPage({
      'GET /api/settings/fathom': { body: withOAuth },
      'GET /api/settings/fathom?backfillSince=2026-01-01': {
        body: { ...withOAuth, oauth: { available: true, connectUrl: datedUrl, expiresInSeconds: 600 } },
      },
    });
    const connect = () => page.findAll(Button).find((b) => b.text === 'Connect with Fathom')!;
    await page.waitFor(() => expect(connect().props.href).toEqual({ url: connectUrl, external: true }));
    page
      .find(DateInput, { name: 'backfillSince' })
      .trigger('onChange', { year: 2026, month: 0, date: 1, formattedDate: '01/01/2026' } as never);
    await page.waitFor(() => expect(connect().props.href).toEqual({ url: datedUrl, external: true }));
    expect(connect().props.disabled).toBe(false);
  });

  test('an OAuth connection Fathom stopped accepting says it must be reconnected, and offers to', async () => {
    const page = renderPage({
      'GET /api/settings/fathom': {
        body: {
          ...withOAuth,
          authType: 'oauth',
          status: 'needs_reauth',
          lastError: 'Fathom refused the refresh token (invalid_grant)',
        },
      },
    });
    await page.waitFor(() => expect(page.find(StatusTag).text).toBe('Reconnect needed'));
    expect(page.find(Alert).props.title).toBe('Fathom needs to be reconnected');
    expect(buttonTexts(page)).toContain('Connect with Fathom');
  });

  test('a rejected key shows Fathom’s reason', async () => {
    const page = renderPage({
      'GET /api/settings/fathom': { body: notConnected },
      'PUT /api/settings/fathom': {
        status: 400,
        body: { error: 'invalid_input', message: 'Fathom did not accept this API key: Invalid API key' },
      },
    });
    await page.waitFor(() => expect(page.maybeFind(Input, { name: 'apiKey' })).not.toBeNull());
    page.find(Input, { name: 'apiKey' }).trigger('onChange', 'wrong-key-1234567890' as never);
    const connectWithKey = () => page.findAll(Button).find((b) => b.text === 'Connect with key')!;
    await page.waitFor(() => expect(connectWithKey().props.disabled).toBe(false));
    connectWithKey().trigger('onClick');
    await page.waitFor(() => expect(page.find(Alert).text).toBe('Fathom did not accept this API key: Invalid API key'));
  });

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

  test('Disconnect asks in a modal first, and only confirming disconnects', async () => {
    const page = renderPage({
      'GET /api/settings/fathom': { body: connected },
      'DELETE /api/settings/fathom': { body: notConnected },
    });
    const disconnect = () => page.findAll(Button).find((b) => b.text === 'Disconnect');
    await page.waitFor(() => expect(disconnect()).toBeDefined());
    const modal = disconnect()!.props.overlay!.find(Modal);
    expect(modal.props.title).toBe('Disconnect Fathom?');
    expect(modal.find(Text).text).toMatch(/Calls already synced stay/);
    expect(page.backend.calls.filter((c) => c.method === 'DELETE')).toEqual([]);
    modal
      .findAll(Button)
      .find((b) => b.text === 'Yes, disconnect Fathom')!
      .trigger('onClick');
    await page.waitFor(() =>
      expect(page.backend.calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual([
        '/api/settings/fathom',
      ]),
    );
  });

  test('one primary button per section: with Fathom OAuth offered, the key is the secondary way', async () => {
    const page = renderPage({ 'GET /api/settings/fathom': { body: withOAuth } });
    await page.waitFor(() => expect(buttonTexts(page)).toContain('Connect with Fathom'));
    const primary = page
      .findAll(Button)
      .filter((b) => b.props.variant === 'primary')
      .map((b) => b.text);
    expect(primary).toEqual(['Connect with Fathom']);
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

  test('"Remove the app and delete our data" asks in a modal first; only confirming calls the removal, once', async () => {
    const page = renderPage({
      'GET /api/settings/fathom': { body: connected },
      'DELETE /api/settings/installation': { body: { status: 'removed' } },
    });
    const remove = () => page.findAll(Button).find((b) => b.text === 'Remove the app and delete our data');
    await page.waitFor(() => expect(remove()).toBeDefined());
    const modal = remove()!.props.overlay!.find(Modal);
    expect(modal.props.title).toBe('Remove the app and delete all its data now?');
    expect(page.backend.calls.filter((c) => c.path === '/api/settings/installation')).toEqual([]);
    modal
      .findAll(Button)
      .find((b) => b.text === 'Yes, remove the app and delete everything')!
      .trigger('onClick');
    await page.waitFor(() => expect(page.findAll(Alert).map((a) => a.props.title)).toContain('The app was removed'));
    expect(page.backend.calls.filter((c) => c.path === '/api/settings/installation')).toEqual([
      { method: 'DELETE', path: '/api/settings/installation', body: { hubId: HUB_ID } },
    ]);
  });

  test('a removal HubSpot refused says so, and the data stays', async () => {
    const page = renderPage({
      'GET /api/settings/fathom': { body: connected },
      'DELETE /api/settings/installation': {
        status: 502,
        body: {
          error: 'upstream_failed',
          message: 'HubSpot did not uninstall the app (HTTP 503). Nothing was deleted; try again in a minute.',
        },
      },
    });
    const remove = () => page.findAll(Button).find((b) => b.text === 'Remove the app and delete our data');
    await page.waitFor(() => expect(remove()).toBeDefined());
    remove()!
      .props.overlay!.find(Modal)
      .findAll(Button)
      .find((b) => b.text === 'Yes, remove the app and delete everything')!
      .trigger('onClick');
    await page.waitFor(() =>
      expect(page.findAll(Alert).map((a) => a.props.title)).toContain('The app was not removed'),
    );
    expect(page.findAll(Alert).find((a) => a.props.title === 'The app was not removed')!.text).toMatch(
      /Nothing was deleted/,
    );
  });

  test('a non-admin sees a short explanation and no controls', async () => {
    const page = renderPage({
      'GET /api/settings/fathom': { status: 403, body: { error: 'forbidden', message: 'Only admins…' } },
    });
    await page.waitFor(() => expect(page.find(ErrorState).props.title).toBe('Fathom for HubSpot'));
    expect(page.find(ErrorState).props.type).toBe('lock');
    expect(page.find(Text).text).toMatch(/managed by your portal's admins/);
    expect(page.findAll(Button)).toEqual([]);
    expect(page.findAll(Input)).toEqual([]);
  });

  describe('by section', () => {
    test('sync: "Sync now" starts a sync and reloads the log; a second says one is already queued', async () => {
      let posts = 0;
      const page = renderPage({
        'GET /api/settings/fathom': { body: connected },
        'POST /api/settings/sync': () =>
          posts++ === 0
            ? { status: 202, body: { jobId: 'job-1', alreadyQueued: false } }
            : { status: 202, body: { jobId: null, alreadyQueued: true } },
      });
      const syncNow = () => page.findAll(Button).find((b) => b.text === 'Sync now')!;
      await page.waitFor(() => expect(syncNow().props.disabled).toBe(false));
      const logReads = () => page.backend.calls.filter((c) => c.path.startsWith('/api/settings/sync-logs')).length;
      const before = logReads();
      syncNow().trigger('onClick');
      await page.waitFor(() => expect(page.alerts).toEqual([{ type: 'success', message: 'Sync started.' }]));
      await page.waitFor(() => expect(logReads()).toBe(before + 1));
      syncNow().trigger('onClick');
      await page.waitFor(() =>
        expect(page.alerts.at(-1)).toEqual({ type: 'info', message: 'A sync is already queued.' }),
      );
    });

    test('sync: a refused "Sync now" shows the reason in the sync section', async () => {
      const page = renderPage({
        'GET /api/settings/fathom': { body: connected },
        'POST /api/settings/sync': {
          status: 409,
          body: { error: 'conflict', message: 'Fathom is not connected yet: connect it first, then sync.' },
        },
      });
      await page.waitFor(() => expect(buttonTexts(page)).toContain('Sync now'));
      page
        .findAll(Button)
        .find((b) => b.text === 'Sync now')!
        .trigger('onClick');
      await page.waitFor(() => expect(page.find(Alert).props.title).toBe('The sync did not start'));
      expect(page.find(Alert).text).toBe('Fathom is not connected yet: connect it first, then sync.');
    });

    test('people: an import HubSpot refuses shows why, and the list stays', async () => {
      const page = renderPage({
        'GET /api/settings/fathom': { body: connected },
        'POST /api/settings/roles/import': {
          status: 502,
          body: {
            error: 'upstream_failed',
            message:
              "HubSpot did not list the portal's users (HTTP 403). The app needs the optional settings.users.read permission: reinstall it to grant it.",
          },
        },
      });
      await page.waitFor(() => expect(buttonTexts(page)).toContain('Import users from HubSpot'));
      page
        .findAll(Button)
        .find((b) => b.text === 'Import users from HubSpot')!
        .trigger('onClick');
      await page.waitFor(() => expect(page.find(Alert).text).toMatch(/settings\.users\.read/));
      expect(page.findAll(Select).map((select) => select.props.name)).toEqual(['role-1', 'role-3', 'manager-3']);
    });

    test('a section that cannot load says so on its own; the others work', async () => {
      const page = renderPage({
        'GET /api/settings/fathom': { body: connected },
        'GET /api/settings/roles': {
          status: 500,
          body: { error: 'internal', message: 'Something went wrong on our side.' },
        },
      });
      await page.waitFor(() => expect(buttonTexts(page)).toContain('Try again'));
      expect(buttonTexts(page)).toEqual([
        'Replace key',
        'Disconnect',
        'Yes, disconnect Fathom',
        'Cancel',
        'Sync now',
        'Try again',
        'Remove the app and delete our data',
        'Yes, remove the app and delete everything',
        'Cancel',
      ]);
      expect(page.findAll(Heading).map((h) => h.text)).toEqual(['Fathom', 'Sync', 'Data']);
    });

    test('data: says what is stored, and that an uninstall keeps it for the 30-day grace period, not that it deletes it', async () => {
      const page = renderPage({ 'GET /api/settings/fathom': { body: connected } });
      await page.waitFor(() => expect(page.findAll(Heading).map((h) => h.text)).toContain('Data'));
      const text = page
        .findAll(Text)
        .map((t) => t.text)
        .join('\n');
      expect(text).toMatch(/transcripts, summaries, action items/);
      expect(text).toMatch(/the people who use the app and their roles, and the sync log/);
      await page.waitFor(() =>
        expect(page.findAll(Text).map((t) => t.text)).toContainEqual(
          expect.stringMatching(/kept for 30 days in case you reinstall, then deleted for good/),
        ),
      );
      expect(text).not.toMatch(/Uninstalling the app deletes all of it/);
    });

    test.each([
      [48, /kept for 2 days in case you reinstall/],
      [36, /kept for 36 hours in case you reinstall/],
      [0, /coaching and roles are deleted at once\./],
    ])('data: the grace period is the one the backend is set to (%i hours)', async (hours, said) => {
      const page = renderPage({
        'GET /api/settings/fathom': { body: connected },
        'GET /api/settings/data': { body: { uninstallGraceHours: hours } },
      });
      await page.waitFor(() =>
        expect(page.findAll(Text).map((t) => t.text)).toContainEqual(expect.stringMatching(said)),
      );
    });

    test('data: when the grace period cannot be read, the page does not make one up', async () => {
      const page = renderPage({
        'GET /api/settings/fathom': { body: connected },
        'GET /api/settings/data': { status: 502, body: { error: 'upstream_failed', message: 'No.' } },
      });
      await page.waitFor(() =>
        expect(page.findAll(Text).map((t) => t.text)).toContainEqual(
          expect.stringMatching(/kept for a grace period in case you reinstall/),
        ),
      );
      expect(
        page
          .findAll(Text)
          .map((t) => t.text)
          .join('\n'),
      ).not.toMatch(/30 days/);
    });
  });
});
