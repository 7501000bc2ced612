import { Button } from '@hubspot/ui-extensions';
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

/** The settings page's fixtures, shared by its test files: the answers of the settings API. */

export const keyOnly = {
  available: false,
  reason: 'Connecting with a Fathom login is not set up on this server, so connect Fathom with an API key.',
} as const;
export const notConnected: FathomStatus = {
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
export const connectUrl = 'https://fathom-hubspot.example.com/oauth/fathom/start?link=k1.sealed';
export const withOAuth: FathomStatus = {
  ...notConnected,
  oauth: { available: true, connectUrl, expiresInSeconds: 600 },
};
export const connected: FathomStatus = {
  ...notConnected,
  connected: true,
  connectionId: 'fc1',
  authType: 'api_key',
  status: 'active',
  webhookRegistered: true,
};
export const log = (overrides: Partial<SyncLog>): SyncLog => ({
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
export const logs = (items: SyncLog[], nextScheduledRun: string | null = null) => ({
  items,
  nextCursor: null,
  nextScheduledRun,
});
export const person = (hubspotUserId: number, email: string, role: Person['role']): Person => ({
  id: `u${hubspotUserId}`,
  hubspotUserId,
  email,
  displayName: null,
  role,
  managerHubspotUserId: null,
});
export const people: People = {
  items: [person(1, 'ada@x.example.com', 'admin'), person(3, 'rita@x.example.com', 'rep')],
  nextCursor: null,
};

export const HUB_ID = 4242;
export function renderPage(routes: Routes) {
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
export const DAY = 86_400_000;
export const buttonTexts = (page: ReturnType<typeof renderPage>) => page.findAll(Button).map((b) => b.text);
