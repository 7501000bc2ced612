import { describe, expect, test } from '@jest/globals';
import { Alert, Button, EmptyState, ErrorState, Heading, Link, LoadingSpinner, ScoreCircle, Tag, Text } from '@hubspot/ui-extensions';
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
  participants: [{ name: 'Rita Rep', email: 'rita@x.example.com', isExternal: false }, { name: 'Bob Buyer', email: 'bob@y.example.com', isExternal: true }],
  score: 72,
  openActionItems: 2,
});

function renderCard(routes: Parameters<typeof fakeBackend>[0]) {
  const backend = fakeBackend(routes);
  const renderer = createRenderer('crm.record.tab');
  renderer.render(<ConversationsView api={createApi(backend.fetcher)} objectType="contacts" objectId={101} />);
  return { ...renderer, backend };
}

describe('conversations card', () => {
  test('shows a spinner, then the calls with date, duration, attendees, score and open action items', async () => {
    const { find, findAll, waitFor, maybeFind } = renderCard({ [`GET ${LIST}`]: { body: { items: [item(1), item(2)], nextCursor: null, viewer: { role: 'rep' } } } });
    expect(maybeFind(LoadingSpinner)).not.toBeNull();
    await waitFor(() => expect(findAll(Heading).map((h) => h.text)).toEqual(['Acme call 1', 'Acme call 2']));
    expect(findAll(Text)[0]!.text).toBe('2026-11-02 · 30 min · Rita Rep, Bob Buyer');
    expect(findAll(ScoreCircle)[0]!.props.score).toBe(72);
    expect(find(Tag).text).toBe('2 open action items');
    expect(maybeFind(Button, { children: 'Load more' } as never)).toBeNull();
  });

  test('pages on with the cursor the backend gave', async () => {
    const { findAll, waitFor, backend } = renderCard({
      [`GET ${LIST}`]: { body: { items: [item(1)], nextCursor: 'next/1', viewer: { role: 'rep' } } },
      [`GET ${LIST}&cursor=next%2F1`]: { body: { items: [item(2)], nextCursor: null, viewer: { role: 'rep' } } },
    });
    await waitFor(() => expect(findAll(Heading)).toHaveLength(1));
    findAll(Button).find((b) => b.text === 'Load more')!.trigger('onClick');
    await waitFor(() => expect(findAll(Heading).map((h) => h.text)).toEqual(['Acme call 1', 'Acme call 2']));
    expect(backend.calls.map((c) => c.path)).toEqual([LIST, `${LIST}&cursor=next%2F1`]);
  });

  test('opening a call shows its summary, metrics, key moments and the recording link', async () => {
    const { findAll, find, waitFor } = renderCard({
      [`GET ${LIST}`]: { body: { items: [item(1)], nextCursor: null, viewer: { role: 'rep' } } },
      'GET /api/cards/conversations/c1': {
        body: {
          id: 'c1', title: 'Acme call 1', startedAt: '2026-11-02T15:00:00.000Z', url: 'https://fathom.video/calls/1',
          summaryMarkdown: 'Acme wants faster onboarding.', actionItems: [{ description: 'Send pricing', completed: false }],
          analysis: { score: 72, metrics: { talkRatio: { rep: 0.46 }, questions: { total: 9 }, longestRepMonologueSeconds: 84 } },
          transcriptExcerpt: [{ position: 3, speaker: 'Bob Buyer', text: 'Pricing is the question.', startSeconds: 305 }],
        },
      },
    });
    await waitFor(() => expect(findAll(Button).length).toBeGreaterThan(0));
    findAll(Button).find((b) => b.text === 'Open')!.trigger('onClick');
    await waitFor(() => expect(find(Link).props.href).toBe('https://fathom.video/calls/1'));
    const texts = findAll(Text).map((t) => t.text);
    expect(texts).toEqual(expect.arrayContaining(['Acme wants faster onboarding.', '○ Send pricing', '5:05 Bob Buyer: Pricing is the question.']));
  });

  test('empty: admins are told to connect Fathom, reps just that there are no calls', async () => {
    const admin = renderCard({ [`GET ${LIST}`]: { body: { items: [], nextCursor: null, viewer: { role: 'admin' } } } });
    await admin.waitFor(() => expect(admin.find(EmptyState)).toBeTruthy());
    expect(admin.find(Text).text).toMatch(/connect Fathom in the app settings/);
    const rep = renderCard({ [`GET ${LIST}`]: { body: { items: [], nextCursor: null, viewer: { role: 'rep' } } } });
    await rep.waitFor(() => expect(rep.find(EmptyState)).toBeTruthy());
    expect(rep.find(Text).text).toBe('No recorded calls with this record yet.');
  });

  test('when Fathom needs reconnecting, the calls stay and a warning says new ones are not arriving, and who can fix it', async () => {
    const rep = renderCard({ [`GET ${LIST}`]: { body: { items: [item(1)], nextCursor: null, viewer: { role: 'rep' }, fathom: 'needs_reauth' } } });
    await rep.waitFor(() => expect(rep.find(Alert).props.title).toBe('New calls are not syncing'));
    expect(rep.find(Alert).text).toMatch(/reconnected by an admin/);
    expect(rep.findAll(Heading).map((h) => h.text)).toEqual(['Acme call 1']);
    const admin = renderCard({ [`GET ${LIST}`]: { body: { items: [], nextCursor: null, viewer: { role: 'admin' }, fathom: 'needs_reauth' } } });
    await admin.waitFor(() => expect(admin.find(Alert).text).toMatch(/Reconnect Fathom in the app settings/));
    const fine = renderCard({ [`GET ${LIST}`]: { body: { items: [item(1)], nextCursor: null, viewer: { role: 'rep' }, fathom: 'connected' } } });
    await fine.waitFor(() => expect(fine.findAll(Heading).length).toBe(1));
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
});
