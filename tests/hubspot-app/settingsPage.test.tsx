import { describe, expect, test } from '@jest/globals';
import {
  Alert,
  Button,
  DateInput,
  ErrorState,
  Heading,
  Input,
  Modal,
  Select,
  StatusTag,
  Text,
} from '@hubspot/ui-extensions';
import {
  buttonTexts,
  connectUrl,
  connected,
  keyOnly,
  notConnected,
  renderPage,
  withOAuth,
  HUB_ID,
} from './settingsFixtures';

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
