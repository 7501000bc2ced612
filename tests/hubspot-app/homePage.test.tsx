import { describe, expect, test } from '@jest/globals';
import {
  Alert,
  Button,
  EmptyState,
  ErrorState,
  Heading,
  LineChart,
  Panel,
  Select,
  StatusTag,
  TableCell,
  TableRow,
  Text,
  TextArea,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { createApi, type RepOverview, type TeamOverview } from '@fathom-hubspot/ui-shared';
import { HomeView } from '../../hubspot-app/app/pages/HomeView';
import { fakeBackend } from './fakeBackend';

const rep = (id: string, name: string, extra: Partial<RepOverview> = {}): RepOverview => ({
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
const call = (id: string, title: string) => ({
  id,
  title,
  startedAt: '2026-11-20T15:00:00.000Z',
  durationSeconds: 1500,
  score: 61,
  rep: { id: 'rep1', hubspotUserId: 1, email: 'rep1@x.example.com', name: 'Rita Rep' },
});

function renderHome(role: 'admin' | 'manager' | 'rep', routes: Parameters<typeof fakeBackend>[0]) {
  const backend = fakeBackend({
    'GET /api/home/team': {
      body: {
        items: [rep('rep1', 'Rita Rep'), rep('rep2', 'Sam Seller', { averageScore: null, previousAverageScore: null })],
        nextCursor: null,
        period: { from: '', to: '' },
        viewer: { role, userId: 'me' },
      },
    },
    'GET /api/home/queue': {
      body: { items: [call('c1', 'Acme discovery'), call('c2', 'Globex demo')], nextCursor: null },
    },
    ...routes,
  });
  const renderer = createRenderer('home');
  renderer.render(<HomeView api={createApi(backend.fetcher)} locale={{ locale: 'en-US', timeZone: 'UTC' }} />);
  return { ...renderer, backend };
}
const paths = (r: ReturnType<typeof renderHome>) => r.backend.calls.map((c) => `${c.method} ${c.path.split('?')[0]}`);

describe('home page', () => {
  test("a manager sees his team's numbers for the period and the calls waiting for coaching", async () => {
    const home = renderHome('manager', {});
    await home.waitFor(() => expect(home.findAll(TableRow)).toHaveLength(3));
    const rows = home
      .findAll(TableRow)
      .slice(1)
      .map((row) => row.findAll(TableCell).map((cell) => cell.text));
    expect(rows).toEqual([
      ['Rita Rep', '4', '70 (+6)', '2 / 1 / 1', '2'],
      ['Sam Seller', '4', '—', '2 / 1 / 1', '2'],
    ]);
    await home.waitFor(() =>
      expect(home.findAll(Button).map((b) => b.text)).toEqual(['Coach Acme discovery', 'Coach Globex demo']),
    );
    expect(home.findAll(Text).map((t) => t.text)).toContain('Rita Rep · Nov 20, 2026 · 25 min');
    const teamCall = home.backend.calls.find((c) => c.path.startsWith('/api/home/team'))!;
    const query = new URL(`https://x${teamCall.path}`).searchParams;
    expect(Date.parse(query.get('to')!) - Date.parse(query.get('from')!)).toBe(30 * 86_400_000);
  });

  test('the period and rep filters ask the backend again', async () => {
    const home = renderHome('admin', {});
    await home.waitFor(() => expect(home.findAll(TableRow)).toHaveLength(3));
    home
      .findAll(Select)
      .find((s) => s.props.label === 'Period')!
      .trigger('onChange', 7 as never);
    await home.waitFor(() =>
      expect(home.backend.calls.filter((c) => c.path.startsWith('/api/home/team'))).toHaveLength(2),
    );
    const last = home.backend.calls.filter((c) => c.path.startsWith('/api/home/team')).at(-1)!;
    const query = new URL(`https://x${last.path}`).searchParams;
    expect(Date.parse(query.get('to')!) - Date.parse(query.get('from')!)).toBe(7 * 86_400_000);
    await home.waitFor(() => expect(home.findAll(TableRow)).toHaveLength(3));
    home
      .findAll(Select)
      .find((s) => s.props.label === 'Rep')!
      .trigger('onChange', 'rep2' as never);
    await home.waitFor(() => expect(home.findAll(TableRow)).toHaveLength(2));
    await home.waitFor(() =>
      expect(home.backend.calls.map((c) => c.path).filter((p) => p.includes('repHubspotUserId=2'))).toHaveLength(1),
    );
    // The queue holds the calls of the period picked, for the rep picked.
    const queued = new URL(
      `https://x${home.backend.calls.filter((c) => c.path.startsWith('/api/home/queue')).at(-1)!.path}`,
    ).searchParams;
    expect(Date.parse(queued.get('to')!) - Date.parse(queued.get('from')!)).toBe(7 * 86_400_000);
    expect(queued.get('repHubspotUserId')).toBe('2');
  });

  test('a long team comes in pages: "Show more reps" adds the next one; a failed page says so and keeps the reps shown', async () => {
    let failNext = true;
    const page = (items: RepOverview[], nextCursor: string | null): { body: TeamOverview } => ({
      body: { items, nextCursor, period: { from: '', to: '' }, viewer: { role: 'admin' as const, userId: 'me' } },
    });
    const home = renderHome('admin', {
      'GET /api/home/team': (_body, path) => {
        if (!path.includes('cursor=after-rita')) return page([rep('rep1', 'Rita Rep')], 'after-rita');
        if (failNext) return { status: 502, body: { error: 'upstream_failed', message: 'HubSpot did not answer.' } };
        return page([rep('rep2', 'Sam Seller')], null);
      },
    });
    const more = () => home.findAll(Button).find((b) => /more reps/.test(b.text ?? ''));
    await home.waitFor(() => expect(home.findAll(TableRow)).toHaveLength(2));
    expect(more()!.text).toBe('Show more reps');
    more()!.trigger('onClick');
    await home.waitFor(() => expect(home.maybeFind(Alert)?.props.title).toBe('Could not load more reps'));
    expect(home.findAll(TableRow)).toHaveLength(2);
    expect(more()!.text).toBe('Try loading more reps again');
    failNext = false;
    more()!.trigger('onClick');
    await home.waitFor(() => expect(home.findAll(TableRow)).toHaveLength(3));
    expect(home.maybeFind(Alert)).toBeNull();
    expect(more()).toBeUndefined();
    expect(home.findAll(Select).find((s) => s.props.label === 'Rep')!.props.options).toHaveLength(3);
    // The next page is asked for the same period, after the cursor the backend gave.
    const paged = home.backend.calls.filter((c) => c.path.includes('cursor=after-rita'));
    expect(paged).toHaveLength(2);
    expect(paged[0]!.path.startsWith(home.backend.calls[0]!.path)).toBe(true);
  });

  test('open a queued call, write the coaching, and the queue moves on', async () => {
    let coached = false;
    const home = renderHome('manager', {
      'GET /api/home/queue': () => ({
        body: {
          items: coached ? [call('c2', 'Globex demo')] : [call('c1', 'Acme discovery'), call('c2', 'Globex demo')],
          nextCursor: null,
        },
      }),
      'GET /api/cards/conversations/c1': {
        body: {
          id: 'c1',
          title: 'Acme discovery',
          startedAt: '2026-11-20T15:00:00.000Z',
          url: null,
          summaryMarkdown: 'Short call.',
          actionItems: [],
          analysis: null,
          transcriptExcerpt: [],
        },
      },
      'GET /api/cards/conversations/c1/suggestions': { body: { items: [], nextCursor: null } },
      'POST /api/cards/coaching': () => {
        coached = true;
        return { status: 201, body: { id: 'm1', status: 'draft' } };
      },
      'POST /api/cards/coaching/m1/send': { body: { id: 'm1', status: 'sent' } },
    });
    await home.waitFor(() => expect(home.findAll(Button).map((b) => b.text)).toContain('Coach Acme discovery'));
    const panel = () => home.findAll(Button).find((b) => b.text === 'Coach Acme discovery')!.props.overlay!;
    panel().find(Panel).trigger('onOpen');
    await home.waitFor(() =>
      expect(
        panel()
          .findAll(Text)
          .map((t) => t.text),
      ).toContain('Short call.'),
    );
    await home.waitFor(() => expect(panel().maybeFind(TextArea)).not.toBeNull());
    panel()
      .find(TextArea)
      .trigger('onChange', 'Ask what happens if they do nothing.' as never);
    await home.waitFor(() =>
      expect(
        panel()
          .findAll(Button)
          .find((b) => b.text === 'Save and send')!.props.disabled,
      ).toBe(false),
    );
    panel()
      .findAll(Button)
      .find((b) => b.text === 'Save and send')!
      .trigger('onClick');
    await home.waitFor(() => expect(home.findAll(Button).map((b) => b.text)).toEqual(['Coach Globex demo']));
    expect(paths(home)).toEqual(
      expect.arrayContaining(['POST /api/cards/coaching', 'POST /api/cards/coaching/m1/send']),
    );
  });

  test('a rep sees his own numbers, his score trend and the coaching he received, and no queue', async () => {
    const home = renderHome('rep', {
      'GET /api/home/team': {
        body: {
          items: [rep('me1', 'Me')],
          nextCursor: null,
          period: { from: '', to: '' },
          viewer: { role: 'rep', userId: 'me' },
        },
      },
      'GET /api/cards/coaching/trend': {
        body: {
          points: [
            { startedAt: '2026-11-01T10:00:00Z', score: 55, repTalkRatio: null },
            { startedAt: '2026-11-08T10:00:00Z', score: 68, repTalkRatio: null },
          ],
        },
      },
      'GET /api/home/coaching': {
        body: {
          items: [
            {
              id: 'm1',
              status: 'acknowledged',
              category: 'next_steps',
              body: 'Close with a date.',
              conversationTitle: 'Acme demo',
            },
          ],
          nextCursor: null,
        },
      },
    });
    await home.waitFor(() => expect(home.maybeFind(LineChart)).not.toBeNull());
    expect(home.find(LineChart).props.data).toEqual([
      { date: 'Nov 1, 2026', score: 55 },
      { date: 'Nov 8, 2026', score: 68 },
    ]);
    expect(home.findAll(Text).map((t) => t.text)).toContain(
      '4 calls · average score 70 (+6) · coaching received 2, acknowledged 1, applied 1',
    );
    await home.waitFor(() => expect(home.find(StatusTag).text).toBe('acknowledged'));
    expect(home.findAll(Heading).map((h) => h.text)).toEqual([
      'Your call scores',
      'Coaching you received',
      'next steps · Acme demo',
    ]);
    expect(paths(home)).not.toContain('GET /api/home/queue');
    expect(home.backend.calls.map((c) => c.path)).toContain('/api/cards/coaching/trend?repUserId=me');
  });

  test('a manager without reps is told how to get some; an error offers to try again', async () => {
    const empty = renderHome('manager', {
      'GET /api/home/team': {
        body: { items: [], nextCursor: null, period: { from: '', to: '' }, viewer: { role: 'manager', userId: 'me' } },
      },
    });
    await empty.waitFor(() => expect(empty.find(EmptyState).props.title).toBe('No reps yet'));
    expect(empty.find(EmptyState).find(Text).text).toMatch(/An admin assigns reps/);
    const broken = renderHome('admin', {
      'GET /api/home/team': { status: 502, body: { error: 'upstream_failed', message: 'Try again.' } },
    });
    await broken.waitFor(() => expect(broken.find(ErrorState).props.title).toBe('Could not load Fathom data'));
  });
});
