import { expect, test } from '@jest/globals';
import { Button, Heading, Link, SearchInput, Text } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { createApi, type ConversationItem } from '@fathom-hubspot/ui-shared';
import { ConversationsView } from '../../hubspot-app/app/cards/ConversationsView';
import { fakeBackend } from './fakeBackend';

const LIST = '/api/cards/conversations?objectType=deals&objectId=7&limit=10';
const item = (n: number): ConversationItem => ({
  id: `c${n}`,
  title: `Acme call ${n}`,
  startedAt: '2026-11-02T15:00:00.000Z',
  durationSeconds: 1800,
  participants: [],
  score: null,
  openActionItems: 0,
});
const render = (nextCursor: string | null) => {
  const backend = fakeBackend({
    [`GET ${LIST}`]: {
      body: { items: Array.from({ length: 10 }, (_, i) => item(i + 1)), nextCursor, viewer: { role: 'rep' } },
    },
    'GET /api/search': {
      body: {
        items: [
          {
            id: 'c42',
            title: 'Acme pricing call',
            startedAt: '2026-10-02T15:00:00.000Z',
            repEmail: 'rita@x.example.com',
            moments: [{ seconds: 65, text: 'The pricing works.', playbackUrl: 'https://fathom.video/c42#t=65' }],
          },
        ],
        nextCursor: null,
      },
    },
  });
  const renderer = createRenderer('crm.record.tab');
  renderer.render(
    <ConversationsView api={createApi(backend.fetcher)} objectType="deals" objectId={7} locale={{ locale: 'en-US' }} />,
  );
  return { ...renderer, backend };
};

test('a record with more than 10 calls gets a search box that searches its calls and opens the recording at a moment', async () => {
  const card = render('more');
  await card.waitFor(() => expect(card.maybeFind(SearchInput)).not.toBeNull());
  card.find(SearchInput).trigger('onChange', 'pricing' as never);
  card
    .findAll(Button)
    .find((b) => b.text === 'Search')!
    .trigger('onClick');
  await card.waitFor(() => expect(card.findAll(Heading).map((h) => h.text)).toContain('Acme pricing call'));
  const asked = card.backend.calls.find((c) => c.path.startsWith('/api/search'))!.path;
  expect(Object.fromEntries(new URL(`https://x${asked}`).searchParams)).toEqual({
    q: 'pricing',
    objectType: 'deals',
    objectId: '7',
    limit: '10',
  });
  const moment = card.findAll(Link).find((l) => l.text === '1:05')!;
  expect(moment.props.href).toEqual({ url: 'https://fathom.video/c42#t=65', external: true });
  expect(card.findAll(Text).map((t) => t.text)).toContain(' The pricing works.');
});

test('a record with 10 calls or fewer has no search box', async () => {
  const card = render(null);
  await card.waitFor(() => expect(card.findAll(Button).map((b) => b.text)).toContain('Acme call 1'));
  expect(card.maybeFind(SearchInput)).toBeNull();
});
