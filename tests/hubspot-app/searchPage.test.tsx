import { expect, test } from '@jest/globals';
import { Button, EmptyState, Link, SearchInput, Text } from '@hubspot/ui-extensions';
import { PageLink } from '@hubspot/ui-extensions/pages';
import { lastCall, queryOf, renderPages } from './pagesSupport';

const hit = {
  id: 'c1',
  title: 'Acme discovery',
  startedAt: '2026-11-20T15:00:00.000Z',
  repEmail: 'rita@x.example.com',
  url: 'https://fathom.video/calls/1',
  moments: [
    { seconds: 42, text: 'We talked about pricing.', playbackUrl: 'https://fathom.video/calls/1#t=42' },
    { seconds: 75, text: 'Pricing again.', playbackUrl: null },
  ],
};

test('the Search page shows the calls found with their moments, each opening the recording at its second', async () => {
  const pages = renderPages('/search', 'manager', {
    'GET /api/search': (_body, path) =>
      queryOf(path).get('cursor') === 'next'
        ? { body: { items: [{ ...hit, id: 'c2', title: 'Globex demo', moments: [] }], nextCursor: null } }
        : { body: { items: [hit], nextCursor: 'next' } },
  });
  await pages.waitFor(() => expect(pages.maybeFind(SearchInput)).not.toBeNull());
  pages.find(SearchInput).trigger('onChange', '"pricing" -discount' as never);
  pages
    .findAll(Button)
    .find((b) => b.text === 'Search')!
    .trigger('onClick');
  await pages.waitFor(() => expect(pages.findAll(PageLink).map((l) => l.text)).toEqual(['Acme discovery']));
  expect(queryOf(lastCall(pages, '/api/search')!.path).get('q')).toBe('"pricing" -discount');
  expect(pages.find(PageLink).props).toMatchObject({ to: '/calls/:id', params: { id: 'c1' } });
  const moment = pages.find(Link);
  expect([moment.text, moment.props.href]).toEqual([
    '0:42',
    { url: 'https://fathom.video/calls/1#t=42', external: true },
  ]);
  expect(pages.findAll(Text).map((t) => t.text)).toContain('1:15 Pricing again.');
  pages
    .findAll(Button)
    .find((b) => b.text === 'Show more calls')!
    .trigger('onClick');
  await pages.waitFor(() =>
    expect(pages.findAll(PageLink).map((l) => l.text)).toEqual(['Acme discovery', 'Globex demo']),
  );
  expect(pages.findAll(Text).map((t) => t.text)).toContain('Found in the title or summary.');
});

test('a link to /search?q=… opens with that search; nothing found says so', async () => {
  const pages = renderPages(
    '/search',
    'rep',
    { 'GET /api/search': { body: { items: [], nextCursor: null } } },
    { q: 'zeppelin' },
  );
  await pages.waitFor(() => expect(pages.find(EmptyState).props.title).toBe('No calls found'));
  expect(queryOf(lastCall(pages, '/api/search')!.path).get('q')).toBe('zeppelin');
});
