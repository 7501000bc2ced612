import { describe, expect, test } from '@jest/globals';
import {
  Alert,
  Button,
  EmptyState,
  ErrorState,
  Heading,
  LineChart,
  SearchInput,
  Select,
  StatusTag,
  Table,
  TableCell,
  TableHeader,
  TableRow,
  Text,
} from '@hubspot/ui-extensions';
import { PageBreadcrumbs, PageHeader, PageLink, PageTitle } from '@hubspot/ui-extensions/pages';
import { lastCall, paths, queryOf, renderPages, rep, teamOf } from './pagesSupport';

const detail = {
  id: 'c1',
  title: 'Acme discovery',
  startedAt: '2026-11-20T15:00:00.000Z',
  url: null,
  summaryMarkdown: 'Short call.',
  actionItems: [],
  analysis: null,
  transcriptExcerpt: [],
};
const received = (status: 'sent' | 'acknowledged') => ({
  items: [
    {
      id: 'm1',
      status,
      category: 'next_steps',
      body: 'Close with a date.',
      conversationId: 'c1',
      conversationTitle: 'Acme discovery',
      sentAt: '2026-11-21T09:00:00.000Z',
    },
  ],
  nextCursor: null,
});

describe('app pages: the router', () => {
  test.each([
    ['/', 'Team'],
    ['/queue', 'Coaching queue'],
    ['/search', 'Search calls'],
    ['/calls/c1', 'Call'],
  ])('%s renders the %s page, with the header and breadcrumbs', async (path, title) => {
    const pages = renderPages(path, 'manager', { 'GET /api/cards/conversations/c1': { body: detail } });
    await pages.waitFor(() => expect(pages.find(PageTitle).text).toBe(title));
    const header = pages.find(PageHeader);
    expect(header.findAll(PageHeader.PageLink).map((link) => [link.props.to, link.text])).toEqual([
      ['/search', 'Search calls'],
      ['/', 'Team'],
      ['/queue', 'Coaching queue'],
    ]);
    const crumbs = pages.find(PageBreadcrumbs);
    expect(crumbs.find(PageBreadcrumbs.Current).text).toBe(title);
  });

  test('an address the app does not have says so', async () => {
    const pages = renderPages('/nowhere', 'admin', {});
    await pages.waitFor(() => expect(pages.find(EmptyState).props.title).toBe('Page not found'));
  });

  test('the Call page shows the call at its own address, and the coaching the viewer received on it, to acknowledge', async () => {
    let acknowledged = false;
    const pages = renderPages('/calls/c1', 'rep', {
      'GET /api/cards/conversations/c1': { body: detail },
      'GET /api/home/coaching': () => ({ body: received(acknowledged ? 'acknowledged' : 'sent') }),
      'POST /api/cards/coaching/m1/acknowledge': () => {
        acknowledged = true;
        return { body: { id: 'm1', status: 'acknowledged' } };
      },
    });
    await pages.waitFor(() => expect(pages.findAll(Text).map((t) => t.text)).toContain('Short call.'));
    await pages.waitFor(() => expect(pages.find(StatusTag).text).toBe('Sent'));
    pages
      .findAll(Button)
      .find((b) => b.text === 'Acknowledge')!
      .trigger('onClick');
    await pages.waitFor(() => expect(pages.find(StatusTag).text).toBe('Acknowledged'));
    expect(paths(pages)).toContain('POST /api/cards/coaching/m1/acknowledge');
    expect(pages.alerts).toEqual([{ type: 'success', message: expect.stringMatching(/^Acknowledged/) }]);
    expect(pages.findAll(Button).map((b) => b.text)).not.toContain('Acknowledge');
  });
});

describe('app pages: Team', () => {
  test("a manager sees his team's numbers for the period; the period asks again", async () => {
    const pages = renderPages('/', 'manager', {});
    await pages.waitFor(() => expect(pages.findAll(TableRow)).toHaveLength(3));
    const rows = pages
      .findAll(TableRow)
      .slice(1)
      .map((row) => row.findAll(TableCell).map((cell) => cell.text));
    expect(rows).toEqual([
      ['Rita Rep', '4', '70 (+6)', '2 / 1 / 1', '2'],
      ['Sam Seller', '4', '—', '2 / 1 / 1', '2'],
    ]);
    const first = queryOf(lastCall(pages, '/api/home/team')!.path);
    expect(Date.parse(first.get('to')!) - Date.parse(first.get('from')!)).toBe(30 * 86_400_000);
    pages
      .findAll(Select)
      .find((s) => s.props.label === 'Period')!
      .trigger('onChange', 7 as never);
    await pages.waitFor(() => {
      const last = queryOf(lastCall(pages, '/api/home/team')!.path);
      expect(Date.parse(last.get('to')!) - Date.parse(last.get('from')!)).toBe(7 * 86_400_000);
    });
  });

  test('the team table sorts by its headers: by score, a rep without one last either way; by name', async () => {
    const pages = renderPages('/', 'manager', {});
    const names = () =>
      pages
        .findAll(TableRow)
        .slice(1)
        .map((row) => row.findAll(TableCell)[0]!.text);
    const header = (label: string) => pages.findAll(TableHeader).find((h) => h.text === label)!;
    // TableHeader's props are a union (sortable or not), so trigger's event names are typed `never`.
    const sortBy = (label: string, direction: 'ascending' | 'descending') => {
      const found = header(label);
      (found.trigger as unknown as (event: string, value: string) => void).call(found, 'onSortChange', direction);
    };
    await pages.waitFor(() => expect(names()).toEqual(['Rita Rep', 'Sam Seller']));
    expect(header('Average score').props.sortDirection).toBe('none');
    sortBy('Average score', 'ascending');
    await pages.waitFor(() => expect(header('Average score').props.sortDirection).toBe('ascending'));
    expect(names()).toEqual(['Rita Rep', 'Sam Seller']);
    sortBy('Rep', 'descending');
    await pages.waitFor(() => expect(names()).toEqual(['Sam Seller', 'Rita Rep']));
    expect(header('Average score').props.sortDirection).toBe('none');
    expect(header('Coaching sent / acknowledged / applied').props.sortDirection).toBeUndefined();
  });

  test('"Find a rep" asks the server for the reps whose name or email holds the text', async () => {
    const pages = renderPages('/', 'admin', {
      'GET /api/home/team': (_body, path) =>
        queryOf(path).get('q') === 'sam'
          ? teamOf('admin', [rep('rep2', 'Sam Seller')])
          : queryOf(path).get('q') === 'zed'
            ? teamOf('admin', [])
            : teamOf('admin', [rep('rep1', 'Rita Rep')], 'more'),
    });
    await pages.waitFor(() => expect(pages.findAll(TableRow)).toHaveLength(2));
    pages.find(SearchInput).trigger('onChange', 'sam' as never);
    await pages.waitFor(() => expect(pages.findAll(TableCell)[0]!.text).toBe('Sam Seller'));
    expect(queryOf(lastCall(pages, '/api/home/team')!.path).get('q')).toBe('sam');
    pages.find(SearchInput).trigger('onChange', 'zed' as never);
    await pages.waitFor(() => expect(pages.find(EmptyState).props.title).toBe('No rep found'));
  });

  test("a long team comes in pages with the Table's own pagination; a failed page says so, keeps the table and tries again", async () => {
    let failNext = true;
    const pages = renderPages('/', 'admin', {
      'GET /api/home/team': (_body, path) => {
        const cursor = queryOf(path).get('cursor');
        if (cursor === 'p3') return teamOf('admin', [rep('rep3', 'Tia Closer')]);
        if (cursor !== 'p2') return teamOf('admin', [rep('rep1', 'Rita Rep')], 'p2');
        if (failNext) return { status: 502, body: { error: 'upstream_failed', message: 'HubSpot did not answer.' } };
        return teamOf('admin', [rep('rep2', 'Sam Seller')], 'p3');
      },
    });
    const names = () =>
      pages
        .findAll(TableCell)
        .filter((_cell, i) => i % 5 === 0)
        .map((cell) => cell.text);
    const table = () => pages.find(Table);
    // Table's props are a union (paginated or not), so trigger cannot name the handler by its type.
    const turnTo = (page: number) => (table().trigger as (event: string, arg: number) => void)('onPageChange', page);
    await pages.waitFor(() => expect(names()).toEqual(['Rita Rep']));
    expect(table().props).toMatchObject({ paginated: true, page: 1, pageCount: 2 });
    expect(pages.findAll(Button).map((b) => b.text)).not.toContain('Show more reps');

    turnTo(2);
    await pages.waitFor(() => expect(pages.maybeFind(Alert)?.props.title).toBe('Could not load page 2 of the reps'));
    expect(pages.find(Alert).text).toMatch(/HubSpot did not answer/);
    expect(names()).toEqual(['Rita Rep']);
    expect(table().props).toMatchObject({ page: 1, pageCount: 2 });
    failNext = false;
    pages
      .findAll(Button)
      .find((b) => b.text === 'Try again')!
      .trigger('onClick');
    await pages.waitFor(() => expect(names()).toEqual(['Sam Seller']));
    expect(table().props).toMatchObject({ page: 2, pageCount: 3 });
    expect(pages.maybeFind(Alert)).toBeNull();

    turnTo(3);
    await pages.waitFor(() => expect(names()).toEqual(['Tia Closer']));
    expect(table().props).toMatchObject({ page: 3, pageCount: 3 });
    turnTo(1);
    await pages.waitFor(() => expect(names()).toEqual(['Rita Rep']));
    expect(queryOf(lastCall(pages, '/api/home/team')!.path).get('cursor')).toBeNull();

    // A new period starts from page 1.
    turnTo(2);
    await pages.waitFor(() => expect(names()).toEqual(['Sam Seller']));
    pages
      .findAll(Select)
      .find((s) => s.props.label === 'Period')!
      .trigger('onChange', 7 as never);
    await pages.waitFor(() => expect(names()).toEqual(['Rita Rep']));
    const last = queryOf(lastCall(pages, '/api/home/team')!.path);
    expect([last.get('cursor'), Date.parse(last.get('to')!) - Date.parse(last.get('from')!)]).toEqual([
      null,
      7 * 86_400_000,
    ]);
    expect(table().props).toMatchObject({ page: 1, pageCount: 2 });
  });

  test('a manager without reps is told how to get some; an error offers to try again', async () => {
    const empty = renderPages('/', 'manager', { 'GET /api/home/team': teamOf('manager', []) });
    await empty.waitFor(() => expect(empty.find(EmptyState).props.title).toBe('No reps yet'));
    expect(empty.find(EmptyState).find(Text).text).toMatch(/An admin assigns reps/);
    const broken = renderPages('/', 'admin', {
      'GET /api/home/team': { status: 502, body: { error: 'upstream_failed', message: 'Try again.' } },
    });
    await broken.waitFor(() => expect(broken.find(ErrorState).props.title).toBe('Could not load Fathom data'));
  });
});

describe('app pages: a rep on Team', () => {
  const repRoutes = (ack: { done: boolean }) => ({
    'GET /api/home/team': teamOf('rep', [rep('me1', 'Me')]),
    'GET /api/cards/coaching/trend': {
      body: {
        points: [
          { startedAt: '2026-11-01T10:00:00Z', score: 55, repTalkRatio: null },
          { startedAt: '2026-11-08T10:00:00Z', score: 68, repTalkRatio: null },
        ],
      },
    },
    'GET /api/home/coaching': () => ({ body: received(ack.done ? 'acknowledged' : 'sent') }),
    'POST /api/cards/coaching/m1/acknowledge': () => {
      ack.done = true;
      return { body: { id: 'm1', status: 'acknowledged' } };
    },
  });

  test('his numbers, and a score chart of the period picked: the period changes the chart too', async () => {
    const pages = renderPages('/', 'rep', repRoutes({ done: false }));
    await pages.waitFor(() => expect(pages.maybeFind(LineChart)).not.toBeNull());
    // On a datetime axis, with a title: two calls on one day stay two points.
    const chart = pages.find(LineChart);
    expect(chart.props.data).toEqual([
      { startedAt: Date.parse('2026-11-01T10:00:00Z'), score: 55 },
      { startedAt: Date.parse('2026-11-08T10:00:00Z'), score: 68 },
    ]);
    expect(chart.props.axes.x.fieldType).toBe('datetime');
    expect(chart.props.options?.title).toBeTruthy();
    expect(pages.findAll(Text).map((t) => t.text)).toContain(
      '4 calls · average score 70 (+6) · coaching received 2, acknowledged 1, applied 1',
    );
    const trend = () => queryOf(lastCall(pages, '/api/cards/coaching/trend')!.path);
    expect(trend().get('repUserId')).toBe('me');
    expect(Date.parse(trend().get('to')!) - Date.parse(trend().get('from')!)).toBe(30 * 86_400_000);
    pages.find(Select).trigger('onChange', 90 as never);
    await pages.waitFor(() =>
      expect(Date.parse(trend().get('to')!) - Date.parse(trend().get('from')!)).toBe(90 * 86_400_000),
    );
    expect(paths(pages)).not.toContain('GET /api/home/queue');
  });

  test('coaching he received shows its date and links to its call, and he acknowledges it there', async () => {
    const pages = renderPages('/', 'rep', repRoutes({ done: false }));
    await pages.waitFor(() => expect(pages.maybeFind(StatusTag)?.text).toBe('Sent'));
    // Its category and status as labels, not code values.
    expect(pages.findAll(Heading).map((h) => h.text)).toContain('Next steps');
    expect(pages.findAll(Text).map((t) => t.text)).toContain('Sent Nov 21, 2026 about ');
    const link = pages.find(PageLink);
    expect([link.props.to, link.props.params, link.text]).toEqual(['/calls/:id', { id: 'c1' }, 'Acme discovery']);
    pages
      .findAll(Button)
      .find((b) => b.text === 'Acknowledge')!
      .trigger('onClick');
    await pages.waitFor(() => expect(pages.find(StatusTag).text).toBe('Acknowledged'));
    expect(pages.alerts).toHaveLength(1);
  });
});

test('the Queue page lists calls in a Table', async () => {
  const pages = renderPages('/queue', 'admin', {});
  await pages.waitFor(() => expect(pages.maybeFind(Table)).not.toBeNull());
});
