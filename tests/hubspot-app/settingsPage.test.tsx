import { describe, expect, test } from '@jest/globals';
import { Alert, Button, Heading, Input, ProgressBar, Select, StatusTag, TableCell, Text } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { createApi } from '@fathom-hubspot/ui-shared';
import { SettingsView } from '../../hubspot-app/app/settings/SettingsView';
import { fakeBackend } from './fakeBackend';

const keyOnly = { available: false, reason: 'Connecting with a Fathom login is not set up on this server, so connect Fathom with an API key.' };
const notConnected = {
  connected: false, authType: null, status: null, webhookRegistered: false, lastSyncedAt: null, lastError: null, backfillSince: null, oauth: keyOnly,
};
const connectUrl = 'https://fathom-hubspot.example.com/oauth/fathom/start?link=k1.sealed';
const withOAuth = { ...notConnected, oauth: { available: true, connectUrl, expiresInSeconds: 600 } };
const connected = { ...notConnected, connected: true, status: 'active', webhookRegistered: true };
const log = (overrides: Record<string, unknown>) => ({
  id: 'l1', kind: 'backfill', status: 'succeeded', startedAt: '2026-11-20T10:00:00.000Z', durationSeconds: 42.5,
  pages: 3, meetingsNew: 70, meetingsUpdated: 2, meetingsUnchanged: 0, errors: 0, errorMessages: [], ...overrides,
});
const people = {
  items: [
    { hubspotUserId: 1, email: 'ada@x.example.com', role: 'admin', managerHubspotUserId: null },
    { hubspotUserId: 3, email: 'rita@x.example.com', role: 'rep', managerHubspotUserId: null },
  ],
};

function renderPage(routes: Parameters<typeof fakeBackend>[0]) {
  const backend = fakeBackend({
    'GET /api/settings/sync-logs': { body: { items: [] } },
    'GET /api/settings/roles': { body: people },
    ...routes,
  });
  const renderer = createRenderer('settings');
  renderer.render(<SettingsView api={createApi(backend.fetcher)} />);
  return { ...renderer, backend };
}
const buttonTexts = (page: ReturnType<typeof renderPage>) => page.findAll(Button).map((b) => b.text);

describe('settings page', () => {
  test('not connected: a masked key field and Connect with key, and why there is no OAuth; Sync now is disabled', async () => {
    const page = renderPage({ 'GET /api/settings/fathom': { body: notConnected } });
    await page.waitFor(() => expect(buttonTexts(page)).toContain('Sync now'));
    expect(page.find(StatusTag).text).toBe('Not connected');
    expect(page.find(Input, { name: 'apiKey' }).props.type).toBe('password');
    expect(buttonTexts(page)).toEqual(['Connect with key', 'Sync now', 'Import users from HubSpot', 'Remove the app and delete our data']);
    expect(page.findAll(Text).map((t) => t.text)).toContain(keyOnly.reason);
    expect(page.findAll(Button).find((b) => b.text === 'Sync now')!.props.disabled).toBe(true);
  });

  test('connected: Replace key and Disconnect; connecting sends the key and the start date', async () => {
    const page = renderPage({
      'GET /api/settings/fathom': { body: connected },
      'PUT /api/settings/fathom': { body: connected },
    });
    await page.waitFor(() => expect(page.find(StatusTag).text).toBe('Connected'));
    expect(buttonTexts(page)).toEqual(expect.arrayContaining(['Replace key', 'Disconnect']));
    page.find(Input, { name: 'apiKey' }).trigger('onChange', 'a-new-fathom-key-123456' as never);
    page.find(Input, { name: 'backfillSince' }).trigger('onChange', '2026-01-01' as never);
    await page.waitFor(() => expect(page.findAll(Button).find((b) => b.text === 'Replace key')!.props.disabled).toBe(false));
    page.findAll(Button).find((b) => b.text === 'Replace key')!.trigger('onClick');
    await page.waitFor(() => expect(page.backend.calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(page.backend.calls.find((c) => c.method === 'PUT')!.body).toEqual({ apiKey: 'a-new-fathom-key-123456', backfillSince: '2026-01-01' });
  });

  test('with Fathom OAuth on the server, "Connect with Fathom" opens the short-lived link in a new tab, and the key stays the fallback', async () => {
    const page = renderPage({ 'GET /api/settings/fathom': { body: withOAuth } });
    await page.waitFor(() => expect(buttonTexts(page)).toContain('Connect with Fathom'));
    expect(page.findAll(Button).find((b) => b.text === 'Connect with Fathom')!.props.href).toEqual({ url: connectUrl, external: true });
    expect(buttonTexts(page)).toEqual(expect.arrayContaining(['Check status', 'Connect with key']));
    const before = page.backend.calls.filter((c) => c.path === '/api/settings/fathom').length;
    page.findAll(Button).find((b) => b.text === 'Check status')!.trigger('onClick');
    await page.waitFor(() => expect(page.backend.calls.filter((c) => c.path === '/api/settings/fathom').length).toBe(before + 1));
  });

  test('an OAuth connection Fathom stopped accepting says it must be reconnected, and offers to', async () => {
    const page = renderPage({
      'GET /api/settings/fathom': { body: { ...withOAuth, authType: 'oauth', status: 'needs_reauth', lastError: 'Fathom refused the refresh token (invalid_grant)' } },
    });
    await page.waitFor(() => expect(page.find(StatusTag).text).toBe('Reconnect needed'));
    expect(page.find(Alert).props.title).toBe('Fathom needs to be reconnected');
    expect(buttonTexts(page)).toContain('Connect with Fathom');
  });

  test('a rejected key shows Fathom’s reason', async () => {
    const page = renderPage({
      'GET /api/settings/fathom': { body: notConnected },
      'PUT /api/settings/fathom': { status: 400, body: { error: 'invalid_input', message: 'Fathom did not accept this API key: Invalid API key' } },
    });
    await page.waitFor(() => expect(page.maybeFind(Input, { name: 'apiKey' })).not.toBeNull());
    page.find(Input, { name: 'apiKey' }).trigger('onChange', 'wrong-key-1234567890' as never);
    const connectWithKey = () => page.findAll(Button).find((b) => b.text === 'Connect with key')!;
    await page.waitFor(() => expect(connectWithKey().props.disabled).toBe(false));
    connectWithKey().trigger('onClick');
    await page.waitFor(() => expect(page.find(Alert).text).toBe('Fathom did not accept this API key: Invalid API key'));
  });

  test('a backfill in progress shows a progress bar with the counts so far, and the page polls until it ends', async () => {
    let polls = 0;
    const page = renderPage({
      'GET /api/settings/fathom': { body: connected },
      'GET /api/settings/sync-logs': () =>
        polls++ === 0
          ? { body: { items: [log({ status: 'running', durationSeconds: null, pages: 4, meetingsNew: 97 })] } }
          : { body: { items: [log({})] } },
    });
    await page.waitFor(() => expect(page.maybeFind(ProgressBar)).not.toBeNull());
    expect(page.find(ProgressBar).props).toMatchObject({ title: 'Importing your Fathom history', valueDescription: '4 pages, 99 calls so far' });
    await page.waitFor(() => expect(page.maybeFind(ProgressBar)).toBeNull(), { timeoutInMs: 8000 });
    expect(polls).toBe(2);
  });

  test('a failed sync shows why in the log, and when the next scheduled sync runs', async () => {
    const page = renderPage({
      'GET /api/settings/fathom': { body: connected },
      'GET /api/settings/sync-logs': {
        body: { items: [log({ status: 'failed', errorMessages: ['Fathom failed to list meetings: HTTP 503'] })], nextScheduledRun: '2026-11-25T05:30:00.000Z' },
      },
    });
    await page.waitFor(() => expect(page.findAll(TableCell).length).toBeGreaterThan(0));
    expect(page.findAll(TableCell).map((c) => c.text)).toEqual(['2026-11-20 10:00', 'failed', '70 new, 2 updated', '42.5 s', 'Fathom failed to list meetings: HTTP 503']);
    expect(page.findAll(Text).map((t) => t.text)).toContain('Next scheduled sync: 2026-11-25 05:30 UTC');
  });

  test('roles: an admin changes a role; the last-admin refusal is shown', async () => {
    const page = renderPage({
      'GET /api/settings/fathom': { body: connected },
      'PUT /api/settings/roles': (body) =>
        (body as { role: string }).role === 'rep'
          ? { status: 409, body: { error: 'conflict', message: 'This is the last admin of the portal: make someone else an admin first.' } }
          : { body: {} },
    });
    await page.waitFor(() => expect(page.findAll(Select).length).toBeGreaterThan(0));
    page.find(Select, { name: 'role-3' }).trigger('onChange', 'manager' as never);
    await page.waitFor(() => expect(page.backend.calls.some((c) => c.method === 'PUT')).toBe(true));
    expect(page.backend.calls.find((c) => c.method === 'PUT')!.body).toEqual({ hubspotUserId: 3, role: 'manager', managerHubspotUserId: null });
    page.find(Select, { name: 'role-1' }).trigger('onChange', 'rep' as never);
    await page.waitFor(() => expect(page.find(Alert).text).toMatch(/last admin/));
  });

  test('importing users from HubSpot says how many were added', async () => {
    const page = renderPage({
      'GET /api/settings/fathom': { body: connected },
      'POST /api/settings/roles/import': { body: { found: 12, added: 9 } },
    });
    await page.waitFor(() => expect(buttonTexts(page)).toContain('Import users from HubSpot'));
    page.findAll(Button).find((b) => b.text === 'Import users from HubSpot')!.trigger('onClick');
    await page.waitFor(() => expect(page.findAll(Text).map((t) => t.text)).toContain('12 HubSpot users found, 9 added as reps.'));
  });

  test('"Remove the app and delete our data" asks first; Cancel sends nothing, confirming calls the removal once', async () => {
    const page = renderPage({
      'GET /api/settings/fathom': { body: connected },
      'DELETE /api/settings/installation': { body: { status: 'removed' } },
    });
    const button = (text: string) => page.findAll(Button).find((b) => b.text === text);
    await page.waitFor(() => expect(button('Remove the app and delete our data')).toBeDefined());
    button('Remove the app and delete our data')!.trigger('onClick');
    await page.waitFor(() => expect(button('Yes, remove the app and delete everything')).toBeDefined());
    expect(page.findAll(Alert).map((a) => a.props.title)).toContain('Remove the app and delete all its data now?');
    button('Cancel')!.trigger('onClick');
    await page.waitFor(() => expect(button('Remove the app and delete our data')).toBeDefined());
    expect(page.backend.calls.filter((c) => c.path === '/api/settings/installation')).toEqual([]);
    button('Remove the app and delete our data')!.trigger('onClick');
    await page.waitFor(() => expect(button('Yes, remove the app and delete everything')).toBeDefined());
    button('Yes, remove the app and delete everything')!.trigger('onClick');
    await page.waitFor(() => expect(page.findAll(Alert).map((a) => a.props.title)).toContain('The app was removed'));
    expect(page.backend.calls.filter((c) => c.path === '/api/settings/installation')).toEqual([
      { method: 'DELETE', path: '/api/settings/installation', body: undefined },
    ]);
  });

  test('a removal HubSpot refused says so, and the data stays', async () => {
    const page = renderPage({
      'GET /api/settings/fathom': { body: connected },
      'DELETE /api/settings/installation': {
        status: 502,
        body: { error: 'upstream_failed', message: 'HubSpot did not uninstall the app (HTTP 503). Nothing was deleted; try again in a minute.' },
      },
    });
    const button = (text: string) => page.findAll(Button).find((b) => b.text === text);
    await page.waitFor(() => expect(button('Remove the app and delete our data')).toBeDefined());
    button('Remove the app and delete our data')!.trigger('onClick');
    await page.waitFor(() => expect(button('Yes, remove the app and delete everything')).toBeDefined());
    button('Yes, remove the app and delete everything')!.trigger('onClick');
    await page.waitFor(() => expect(page.findAll(Alert).map((a) => a.props.title)).toContain('The app was not removed'));
    expect(page.findAll(Alert).find((a) => a.props.title === 'The app was not removed')!.text).toMatch(/Nothing was deleted/);
  });

  test('a non-admin sees a short explanation and no controls', async () => {
    const page = renderPage({ 'GET /api/settings/fathom': { status: 403, body: { error: 'forbidden', message: 'Only admins…' } } });
    await page.waitFor(() => expect(page.find(Heading).text).toBe('Fathom for HubSpot'));
    expect(page.find(Text).text).toMatch(/managed by your portal's admins/);
    expect(page.findAll(Button)).toEqual([]);
    expect(page.findAll(Input)).toEqual([]);
  });
});
