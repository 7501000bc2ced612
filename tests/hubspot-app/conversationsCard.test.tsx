import { describe, expect, test } from '@jest/globals';
import {
  Alert,
  Button,
  EmptyState,
  ErrorState,
  Heading,
  Link,
  List,
  LoadingSpinner,
  Panel,
  ScoreCircle,
  StatisticsItem,
  StatisticsTrend,
  Table,
  TableCell,
  TableRow,
  Tag,
  Text,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { createApi } from '@fathom-hubspot/ui-shared';
import { ConversationsView, type ConversationItem } from '../../hubspot-app/app/cards/ConversationsView';
import { fakeBackend } from './fakeBackend';

const LIST = '/api/cards/conversations?objectType=contacts&objectId=101&limit=10';
const item = (n: number): ConversationItem => ({
  id: `c${n}`,
  title: `Acme call ${n}`,
  startedAt: '2026-11-02T15:00:00.000Z',
  durationSeconds: 1800,
  participants: [
    { name: 'Rita Rep', email: 'rita@x.example.com', isExternal: false },
    { name: 'Bob Buyer', email: 'bob@y.example.com', isExternal: true },
  ],
  score: 72,
  openActionItems: 2,
});

const LOCALE = { locale: 'en-US', timeZone: 'America/New_York' };

function renderCard(
  routes: Parameters<typeof fakeBackend>[0],
  objectType: 'contacts' | 'deals' | 'companies' = 'contacts',
) {
  const backend = fakeBackend(routes);
  const renderer = createRenderer('crm.record.tab');
  renderer.render(
    <ConversationsView api={createApi(backend.fetcher)} objectType={objectType} objectId={101} locale={LOCALE} />,
  );
  return { ...renderer, backend };
}

/** The calls' titles: each is the button that opens its panel. */
const titles = (renderer: ReturnType<typeof createRenderer>) =>
  renderer
    .findAll(Button)
    .filter((b) => b.props.variant === 'transparent')
    .map((b) => b.text);

/** The Table's pagination props (its type is a union of the paginated and plain tables). */
const tableProps = (renderer: ReturnType<typeof createRenderer>) =>
  renderer.find(Table).props as unknown as { paginated: boolean; page: number; pageCount: number };
const pageTo = (renderer: ReturnType<typeof createRenderer>, page: number) =>
  renderer.find(Table).trigger('onPageChange' as never, page as never);

/** The side panel a row's button opens, opened as HubSpot does (its onOpen). */
function openPanel(renderer: ReturnType<typeof createRenderer>, buttonText: string) {
  const button = renderer.findAll(Button).find((b) => b.text === buttonText)!;
  button.props.overlay!.find(Panel).trigger('onOpen');
  return () => renderer.findAll(Button).find((b) => b.text === buttonText)!.props.overlay!;
}

describe('conversations card', () => {
  test('shows a spinner, then the calls with date, duration, attendees, score and open action items', async () => {
    const renderer = renderCard({
      [`GET ${LIST}`]: {
        body: { items: [item(1), { ...item(2), openActionItems: 1 }], nextCursor: null, viewer: { role: 'rep' } },
      },
    });
    const { findAll, waitFor, maybeFind } = renderer;
    expect(maybeFind(LoadingSpinner)).not.toBeNull();
    await waitFor(() => expect(titles(renderer)).toEqual(['Acme call 1', 'Acme call 2']));
    const row = findAll(TableRow)[1]!
      .findAll(TableCell)
      .map((cell) => cell.text);
    expect(row.slice(1, 4)).toEqual(['Nov 2, 2026', '30 min', 'Rita Rep, Bob Buyer']);
    expect(findAll(ScoreCircle)[0]!.props.score).toBe(72);
    expect(findAll(Tag).map((t) => t.text)).toEqual(['2 open action items', '1 open action item']);
    expect(tableProps(renderer).pageCount).toBe(1);
    expect(findAll(Button).map((b) => b.text)).not.toContain('Load more');
  });

  test("pages with the Table's own pagination, on with the cursor the backend gave, and back", async () => {
    const renderer = renderCard({
      [`GET ${LIST}`]: { body: { items: [item(1)], nextCursor: 'next/1', viewer: { role: 'rep' } } },
      [`GET ${LIST}&cursor=next%2F1`]: { body: { items: [item(2)], nextCursor: null, viewer: { role: 'rep' } } },
    });
    await renderer.waitFor(() => expect(titles(renderer)).toEqual(['Acme call 1']));
    expect(tableProps(renderer)).toMatchObject({ paginated: true, page: 1, pageCount: 2 });
    pageTo(renderer, 2);
    await renderer.waitFor(() => expect(titles(renderer)).toEqual(['Acme call 2']));
    expect(tableProps(renderer)).toMatchObject({ page: 2, pageCount: 2 });
    pageTo(renderer, 1);
    await renderer.waitFor(() => expect(titles(renderer)).toEqual(['Acme call 1']));
    expect(renderer.backend.calls.map((c) => c.path)).toEqual([LIST, `${LIST}&cursor=next%2F1`]);
  });

  test('a call opens in a side panel: markdown summary, links to each moment, why the score is what it is, local time', async () => {
    const renderer = renderCard({
      [`GET ${LIST}`]: { body: { items: [item(1)], nextCursor: null, viewer: { role: 'rep' } } },
      'GET /api/cards/conversations/c1': {
        body: {
          id: 'c1',
          title: 'Acme call 1',
          startedAt: '2026-11-02T15:00:00.000Z',
          durationSeconds: 1800,
          url: 'https://fathom.video/calls/1',
          summaryMarkdown:
            '## Meeting purpose\nAcme wants **faster** onboarding.\n\n- Pricing [at 5:05](https://fathom.video/calls/1#t=305)\n- Security review',
          actionItems: [
            {
              description: 'Send pricing',
              completed: false,
              timestampSeconds: 90,
              playbackUrl: 'https://fathom.video/calls/1#t=90',
            },
          ],
          keyMoments: [{ seconds: 305, label: 'Pricing', playbackUrl: 'https://fathom.video/calls/1#t=305' }],
          participants: [{ name: 'Rita Rep', email: null, isExternal: false }],
          analysis: {
            score: 72,
            metrics: {
              talkRatio: { rep: 0.46 },
              questions: { total: 9 },
              nextSteps: { agreed: true },
              topics: [
                { name: 'pricing', count: 2 },
                { name: 'decisionMakers', count: 1 },
                { name: 'competitors', count: 0 },
              ],
              scoreBreakdown: [
                {
                  name: 'talkRatio',
                  rule: 'The rep talks 35–55% of the time.',
                  weight: 20,
                  value: 0.46,
                  points: 1,
                  contribution: 25,
                },
                {
                  name: 'nextSteps',
                  rule: 'A next step comes up.',
                  weight: 20,
                  value: true,
                  points: 1,
                  contribution: 25,
                },
                {
                  name: 'fillers',
                  rule: 'At most one filler a minute.',
                  weight: 10,
                  value: null,
                  points: null,
                  contribution: null,
                },
              ],
            },
          },
          transcriptExcerpt: [
            {
              position: 3,
              speaker: 'Bob Buyer',
              text: 'Pricing is the question.',
              startSeconds: 305,
              playbackUrl: 'https://fathom.video/calls/1#t=305',
            },
          ],
        },
      },
    });
    // The title opens the panel: no separate "Open …" button.
    await renderer.waitFor(() => expect(titles(renderer)).toEqual(['Acme call 1']));
    expect(renderer.findAll(Button).map((b) => b.text)).not.toContain('Open Acme call 1');
    expect(renderer.backend.calls.map((c) => c.path)).toEqual([LIST]); // nothing loads before the panel opens
    const panel = openPanel(renderer, 'Acme call 1');
    await renderer.waitFor(() =>
      expect(
        panel()
          .findAll(Heading)
          .map((h) => h.text),
      ).toContain('Meeting purpose'),
    );
    const texts = panel()
      .findAll(Text)
      .map((t) => t.text);
    expect(texts).toContain('Nov 2, 2026, 10:00 AM · 30 min · Rita Rep');
    const listTexts = panel()
      .find(List)
      .findAll(Text)
      .map((t) => t.text)
      .filter(Boolean);
    expect(listTexts).toEqual(['Pricing ', 'Security review']);
    expect(panel().find(List).find(Link).text).toBe('at 5:05');
    expect(texts.join('\n')).not.toMatch(/\*\*|##/);
    const links = Object.fromEntries(
      panel()
        .findAll(Link)
        .map((link) => [link.text, (link.props.href as { url: string }).url]),
    );
    expect(links).toMatchObject({
      'Watch the recording in Fathom': 'https://fathom.video/calls/1',
      'at 1:30': 'https://fathom.video/calls/1#t=90',
      '5:05 Pricing': 'https://fathom.video/calls/1#t=305',
      'at 5:05': 'https://fathom.video/calls/1#t=305',
    });
    expect(
      panel()
        .findAll(Tag)
        .map((t) => t.text),
    ).toEqual(['Pricing ×2', 'Decision makers ×1']);
    const rows = panel()
      .findAll(TableRow)
      .slice(1)
      .map((row) => row.findAll(TableCell).map((cell) => cell.text ?? cell.findAll(Text)[0]!.text));
    expect(rows).toEqual([
      ['Rep talk time', '46%', '25 of 50'],
      ['Next step agreed', 'yes', '25 of 50'],
      ['Filler words', 'not measured', '—'],
    ]);
  });

  test('a failed next page says so and keeps what was loaded; trying again goes on', async () => {
    let fail = true;
    const renderer = renderCard({
      [`GET ${LIST}`]: { body: { items: [item(1)], nextCursor: 'n1', viewer: { role: 'rep' } } },
      [`GET ${LIST}&cursor=n1`]: () =>
        fail
          ? { status: 502, body: { error: 'upstream_failed', message: 'The service hiccuped.' } }
          : { body: { items: [item(2)], nextCursor: null, viewer: { role: 'rep' } } },
    });
    await renderer.waitFor(() => expect(titles(renderer)).toEqual(['Acme call 1']));
    pageTo(renderer, 2);
    await renderer.waitFor(() => expect(renderer.find(Alert).props.title).toBe('Could not load more calls'));
    expect(renderer.find(Alert).text).toMatch(/The service hiccuped/);
    expect(titles(renderer)).toEqual(['Acme call 1']);
    fail = false;
    renderer
      .findAll(Button)
      .find((b) => b.text === 'Try loading more again')!
      .trigger('onClick');
    await renderer.waitFor(() => expect(titles(renderer)).toEqual(['Acme call 2']));
    expect(renderer.maybeFind(Alert)).toBeNull();
  });

  test("a deal starts with its calls' summary: count, last call, average score and its direction, topics", async () => {
    const deal = LIST.replace('contacts', 'deals');
    const renderer = renderCard(
      {
        [`GET ${deal}`]: { body: { items: [item(1)], nextCursor: null, viewer: { role: 'rep' } } },
        'GET /api/cards/summary?objectType=deals&objectId=101': {
          body: {
            calls: 12,
            lastCallAt: '2026-11-02T15:00:00.000Z',
            averageScore: 65,
            scoreDirection: 'up',
            openActionItems: 2,
            topics: [
              { name: 'pricing', calls: 3 },
              { name: 'decisionMakers', calls: 1 },
            ],
          },
        },
      },
      'deals',
    );
    await renderer.waitFor(() => expect(renderer.findAll(StatisticsItem)).toHaveLength(4));
    const stats = Object.fromEntries(renderer.findAll(StatisticsItem).map((s) => [s.props.label, s.props.number]));
    expect(stats).toEqual({ Calls: 12, 'Last call': 'Nov 2, 2026', 'Average score': 65, 'Open action items': 2 });
    expect(renderer.find(StatisticsTrend).props.direction).toBe('increase');
    expect(renderer.findAll(Text).map((t) => t.text)).toContain(
      'Topics raised: Pricing (3 calls), Decision makers (1 call)',
    );
  });

  test('empty: an admin is told to connect Fathom only while it is not connected, with a button to the settings on the portal’s own HubSpot domain', async () => {
    const settingsUrl = 'https://app-eu1.hubspot.com/connected-apps/610/installed';
    const admin = renderCard({
      [`GET ${LIST}`]: {
        body: { items: [], nextCursor: null, viewer: { role: 'admin' }, fathom: 'not_connected', settingsUrl },
      },
    });
    await admin.waitFor(() => expect(admin.find(EmptyState).props.title).toBe('Connect Fathom'));
    expect(admin.find(Button).props.href).toEqual({ url: settingsUrl, external: false });
    const connected = renderCard({
      [`GET ${LIST}`]: { body: { items: [], nextCursor: null, viewer: { role: 'admin' }, fathom: 'connected' } },
    });
    await connected.waitFor(() => expect(connected.find(EmptyState).props.title).toBe('No calls yet'));
    expect(connected.maybeFind(Button)).toBeNull();
    const rep = renderCard({
      [`GET ${LIST}`]: { body: { items: [], nextCursor: null, viewer: { role: 'rep' }, fathom: 'not_connected' } },
    });
    // Not connected is not "no calls": a rep is told so too, and who connects it.
    await rep.waitFor(() => expect(rep.find(EmptyState).props.title).toBe('Fathom is not connected'));
    expect(rep.find(Text).text).toMatch(/once an admin of this portal connects Fathom/);
    expect(rep.maybeFind(Button)).toBeNull();
    // Calls synced before a disconnection stay, with a note that new ones are not arriving.
    const disconnected = renderCard({
      [`GET ${LIST}`]: {
        body: { items: [item(1)], nextCursor: null, viewer: { role: 'rep' }, fathom: 'not_connected' },
      },
    });
    await disconnected.waitFor(() => expect(disconnected.find(Alert).props.title).toBe('Fathom is not connected'));
    expect(titles(disconnected)).toEqual(['Acme call 1']);
  });

  test('a 429 from HubSpot says to wait, and trying again works', async () => {
    let busy = true;
    const renderer = renderCard({
      [`GET ${LIST}`]: () =>
        busy
          ? {
              status: 429 as const,
              body: {
                status: 'error' as const,
                message: 'You have reached your secondly limit.',
                category: 'RATE_LIMITS' as const,
              },
            }
          : { body: { items: [item(1)], nextCursor: null, viewer: { role: 'rep' } } },
    });
    await renderer.waitFor(() => expect(renderer.find(ErrorState).props.title).toBe('Too many requests right now'));
    expect(renderer.find(ErrorState).find(Text).text).toMatch(/Wait a few seconds/);
    busy = false;
    renderer.find(Button).trigger('onClick');
    await renderer.waitFor(() => expect(titles(renderer)).toEqual(['Acme call 1']));
  });

  test('when Fathom needs reconnecting, the calls stay and a warning says new ones are not arriving, and who can fix it', async () => {
    const rep = renderCard({
      [`GET ${LIST}`]: {
        body: { items: [item(1)], nextCursor: null, viewer: { role: 'rep' }, fathom: 'needs_reauth' },
      },
    });
    await rep.waitFor(() => expect(rep.find(Alert).props.title).toBe('New calls are not syncing'));
    expect(rep.find(Alert).text).toMatch(/reconnected by an admin/);
    expect(titles(rep)).toEqual(['Acme call 1']);
    const admin = renderCard({
      [`GET ${LIST}`]: { body: { items: [], nextCursor: null, viewer: { role: 'admin' }, fathom: 'needs_reauth' } },
    });
    await admin.waitFor(() => expect(admin.find(Alert).text).toMatch(/Reconnect Fathom in the app settings/));
    const fine = renderCard({
      [`GET ${LIST}`]: { body: { items: [item(1)], nextCursor: null, viewer: { role: 'rep' }, fathom: 'connected' } },
    });
    await fine.waitFor(() => expect(titles(fine)).toHaveLength(1));
    expect(fine.maybeFind(Alert)).toBeNull();
  });

  test.each([
    ['not installed', 404, 'not_installed', 'Fathom for HubSpot is not set up in this portal'],
    ['needs reauth', 409, 'needs_reauth', 'The connection needs to be renewed'],
    ['a server error', 502, 'upstream_failed', 'Could not load Fathom data'],
  ])('%s shows an error state with the next step', async (_what, status, error, title) => {
    const { find, waitFor } = renderCard({ [`GET ${LIST}`]: { status, body: { error, message: 'Details.' } } });
    await waitFor(() => expect(find(ErrorState).props.title).toBe(title));
  });

  test('"not available to you" is a lock, not an error', async () => {
    const { find, waitFor } = renderCard({
      [`GET ${LIST}`]: { status: 403, body: { error: 'forbidden', message: 'Only managers and admins.' } },
    });
    await waitFor(() => expect(find(ErrorState).props.title).toBe('Not available to you'));
    expect(find(ErrorState).props.type).toBe('lock');
  });
});
