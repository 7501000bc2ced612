import { describe, expect, test } from '@jest/globals';
import {
  Button,
  EmptyState,
  Panel,
  SearchInput,
  Select,
  Table,
  TableRow,
  Text,
  TextArea,
} from '@hubspot/ui-extensions';
import { PageLink } from '@hubspot/ui-extensions/pages';
import { call, lastCall, paths, queryOf, renderPages, rep, teamOf } from './pagesSupport';

const rowsOf = (pages: ReturnType<typeof renderPages>) => pages.findAll(PageLink).map((link) => link.text);

describe('app pages: Queue', () => {
  test("pages through every waiting call with the Table's own pagination", async () => {
    const pages = renderPages('/queue', 'manager', {
      'GET /api/home/queue': (_body, path) => {
        const cursor = queryOf(path).get('cursor');
        if (cursor === 'p2') return { body: { items: [call('c3', 'Initech call')], nextCursor: 'p3' } };
        if (cursor === 'p3') return { body: { items: [call('c4', 'Hooli call')], nextCursor: null } };
        return { body: { items: [call('c1', 'Acme discovery'), call('c2', 'Globex demo')], nextCursor: 'p2' } };
      },
    });
    await pages.waitFor(() => expect(rowsOf(pages)).toEqual(['Acme discovery', 'Globex demo']));
    const table = () => pages.find(Table);
    // Table's props are a union (paginated or not), so trigger cannot name the handler by its type.
    const turnTo = (page: number) => (table().trigger as (event: string, arg: number) => void)('onPageChange', page);
    expect(table().props).toMatchObject({ paginated: true, page: 1, pageCount: 2 });
    turnTo(2);
    await pages.waitFor(() => expect(rowsOf(pages)).toEqual(['Initech call']));
    expect(table().props).toMatchObject({ page: 2, pageCount: 3 });
    turnTo(3);
    await pages.waitFor(() => expect(rowsOf(pages)).toEqual(['Hooli call']));
    expect(table().props).toMatchObject({ page: 3, pageCount: 3 });
    turnTo(1);
    await pages.waitFor(() => expect(rowsOf(pages)).toEqual(['Acme discovery', 'Globex demo']));
    expect(queryOf(lastCall(pages, '/api/home/queue')!.path).get('cursor')).toBeNull();
    // Each call links to its own page.
    expect(pages.findAll(PageLink)[0]!.props).toMatchObject({ to: '/calls/:id', params: { id: 'c1' } });
    expect(pages.findAll(Text).map((t) => t.text)).not.toContain(expect.stringMatching(/More calls are waiting/));
  });

  test('"All caught up" only when the period had calls and all are coached; no calls says so', async () => {
    const caughtUp = renderPages('/queue', 'manager', {
      'GET /api/home/queue': { body: { items: [], nextCursor: null, hasCalls: true } },
    });
    await caughtUp.waitFor(() => expect(caughtUp.find(EmptyState).props.title).toBe('All caught up'));
    const none = renderPages('/queue', 'manager', {
      'GET /api/home/queue': { body: { items: [], nextCursor: null, hasCalls: false } },
    });
    await none.waitFor(() => expect(none.find(EmptyState).props.title).toBe('No calls in this period'));
  });

  test('the rep filter finds reps on the server, and the queue shows the one picked', async () => {
    const pages = renderPages('/queue', 'admin', {
      'GET /api/home/team': (_body, path) =>
        queryOf(path).get('q') === 'zo'
          ? teamOf('admin', [rep('rep77', 'Zoe Far-down-the-list')])
          : teamOf('admin', [rep('rep1', 'Rita Rep')], 'more'),
    });
    await pages.waitFor(() => expect(rowsOf(pages)).toHaveLength(2));
    pages.find(SearchInput).trigger('onChange', 'zo' as never);
    const repSelect = () => pages.findAll(Select).find((s) => s.props.label === 'Rep')!;
    await pages.waitFor(() =>
      expect(repSelect().props.options.map((o: { label: string }) => o.label)).toEqual([
        'All reps',
        'Zoe Far-down-the-list',
      ]),
    );
    expect(queryOf(lastCall(pages, '/api/home/team')!.path).get('q')).toBe('zo');
    repSelect().trigger('onChange', '77' as never);
    await pages.waitFor(() =>
      expect(queryOf(lastCall(pages, '/api/home/queue')!.path).get('repHubspotUserId')).toBe('77'),
    );
  });

  test('open a queued call, write the coaching, and the queue moves on', async () => {
    let coached = false;
    const pages = renderPages('/queue', 'manager', {
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
    await pages.waitFor(() => expect(pages.findAll(Button).map((b) => b.text)).toContain('Coach Acme discovery'));
    const panel = () => pages.findAll(Button).find((b) => b.text === 'Coach Acme discovery')!.props.overlay!;
    panel().find(Panel).trigger('onOpen');
    await pages.waitFor(() => expect(panel().maybeFind(TextArea)).not.toBeNull());
    panel()
      .find(TextArea)
      .trigger('onChange', 'Ask what happens if they do nothing.' as never);
    await pages.waitFor(() =>
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
    await pages.waitFor(() => expect(pages.findAll(TableRow)).toHaveLength(2));
    expect(paths(pages)).toEqual(
      expect.arrayContaining(['POST /api/cards/coaching', 'POST /api/cards/coaching/m1/send']),
    );
  });
});
