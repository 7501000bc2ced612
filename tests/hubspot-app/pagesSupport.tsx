import { createRenderer } from '@hubspot/ui-extensions/testing';
import { createApi, type RepOverview } from '@fathom-hubspot/ui-shared';
import { AppPages } from '../../hubspot-app/app/pages/AppPages';
import { fakeBackend } from './fakeBackend';

export const rep = (id: string, name: string, extra: Partial<RepOverview> = {}): RepOverview => ({
  id,
  hubspotUserId: Number(id.replace(/\D/g, '')),
  email: `${id}@x.example.com`,
  name,
  calls: 4,
  averageScore: 70,
  previousAverageScore: 64,
  coaching: { sent: 2, acknowledged: 1, applied: 1 },
  uncoachedCalls: 2,
  ...extra,
});
export const call = (id: string, title: string) => ({
  id,
  title,
  startedAt: '2026-11-20T15:00:00.000Z',
  durationSeconds: 1500,
  score: 61,
  rep: { id: 'rep1', hubspotUserId: 1, email: 'rep1@x.example.com', name: 'Rita Rep' },
});
export const teamOf = (role: 'admin' | 'manager' | 'rep', items: RepOverview[], nextCursor: string | null = null) => ({
  body: { items, nextCursor, period: { from: '', to: '' }, viewer: { role, userId: 'me' } },
});

/** The app pages at `path` (as HubSpot's router sees the address), as `role`, over a fake backend. */
export function renderPages(
  path: string,
  role: 'admin' | 'manager' | 'rep',
  routes: Parameters<typeof fakeBackend>[0],
  params: Record<string, string> = {},
) {
  const backend = fakeBackend({
    'GET /api/home/team': teamOf(role, [
      rep('rep1', 'Rita Rep'),
      rep('rep2', 'Sam Seller', { averageScore: null, previousAverageScore: null }),
    ]),
    'GET /api/home/queue': {
      body: { items: [call('c1', 'Acme discovery'), call('c2', 'Globex demo')], nextCursor: null },
    },
    'GET /api/home/coaching': { body: { items: [], nextCursor: null } },
    ...routes,
  });
  const renderer = createRenderer('pages');
  renderer.mocks.setPageLocation({ path, params });
  const alerts: Array<{ type?: string; message: string }> = [];
  renderer.render(
    <AppPages
      env={{
        api: createApi(backend.fetcher),
        locale: { locale: 'en-US', timeZone: 'UTC' },
        addAlert: (alert) => alerts.push(alert),
      }}
    />,
  );
  return { ...renderer, backend, alerts };
}
export type Pages = ReturnType<typeof renderPages>;
export const paths = (r: Pages) => r.backend.calls.map((c) => `${c.method} ${c.path.split('?')[0]}`);
export const queryOf = (path: string) => new URL(`https://x${path}`).searchParams;
export const lastCall = (r: Pages, prefix: string) => r.backend.calls.filter((c) => c.path.startsWith(prefix)).at(-1);
