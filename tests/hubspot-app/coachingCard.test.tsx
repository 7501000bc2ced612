import { describe, expect, test } from '@jest/globals';
import {
  Alert,
  Button,
  EmptyState,
  Heading,
  Input,
  LineChart,
  Link,
  Modal,
  Select,
  StatusTag,
  Text,
  TextArea,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { createApi, type AddAlert, type Coachable } from '@fathom-hubspot/ui-shared';
import { CoachingView, type CoachingMessage } from '../../hubspot-app/app/cards/CoachingView';
import { fakeBackend } from './fakeBackend';

const LIST = '/api/cards/coaching?objectType=deals&objectId=201';
const ACME: Coachable = { calls: 1, items: [{ id: 'c1', title: 'Acme demo', startedAt: '2026-11-08T10:00:00Z' }] };
const message = (
  id: string,
  status: CoachingMessage['status'],
  outcome: CoachingMessage['outcome'] = null,
): CoachingMessage => ({
  id,
  status,
  category: 'next_steps',
  body: 'Close with a date.',
  conversationId: 'c1',
  conversationTitle: 'Acme demo',
  repUserId: 'rep-1',
  repEmail: 'rita@x.example.com',
  momentSeconds: 95,
  momentPlaybackUrl: 'https://fathom.video/calls/1#t=95',
  authorUserId: 'mgr',
  outcome,
});
const trend = {
  points: [
    // Late on Oct 31 in California, the viewer's time zone below.
    { startedAt: '2026-11-01T03:00:00Z', score: 55, repTalkRatio: 0.7 },
    { startedAt: '2026-11-08T10:00:00Z', score: 68, repTalkRatio: 0.5 },
  ],
};
const team = {
  items: [
    { id: 'rep-1', hubspotUserId: 11, email: 'rita@x.example.com', name: 'Rita Rep' },
    { id: 'rep-2', hubspotUserId: 12, email: 'sam@x.example.com', name: 'Sam Seller' },
  ],
  nextCursor: null,
};

function renderCard(
  viewer: { role: 'admin' | 'manager' | 'rep'; userId: string },
  items: CoachingMessage[],
  extra: Parameters<typeof fakeBackend>[0] = {},
  coachable: Coachable = ACME,
) {
  const backend = fakeBackend({
    [`GET ${LIST}`]: {
      body: { items, nextCursor: null, viewer, ...(viewer.role === 'rep' ? {} : { coachable }) },
    },
    'GET /api/cards/conversations/c1': {
      body: { id: 'c1', keyMoments: [{ seconds: 305, label: 'Pricing', playbackUrl: null }] },
    },
    'GET /api/cards/conversations/c1/suggestions': { body: { items: [], nextCursor: null } },
    'GET /api/cards/coaching/trend': { body: trend },
    'GET /api/home/team': { body: team },
    ...extra,
  });
  const alerts: Array<Parameters<AddAlert>[0]> = [];
  const renderer = createRenderer('crm.record.tab');
  renderer.render(
    <CoachingView
      api={createApi(backend.fetcher)}
      objectType="deals"
      objectId={201}
      addAlert={(alert) => alerts.push(alert)}
    />,
  );
  return { ...renderer, backend, alerts };
}
const buttons = (r: ReturnType<typeof renderCard>) => r.findAll(Button).map((b) => b.text);
const click = (r: ReturnType<typeof renderCard>, text: string) =>
  r
    .findAll(Button)
    .find((b) => b.text === text)!
    .trigger('onClick');
const posts = (r: ReturnType<typeof renderCard>) => r.backend.calls.filter((c) => c.method === 'POST');

describe('coaching card', () => {
  test('a rep sees his sent message with its moment in the recording and Acknowledge, and no coaching controls', async () => {
    const card = renderCard({ role: 'rep', userId: 'rep-1' }, [message('m1', 'sent')], {
      'POST /api/cards/coaching/m1/acknowledge': { body: message('m1', 'acknowledged') },
    });
    await card.waitFor(() => expect(card.find(StatusTag).text).toBe('Sent'));
    expect(buttons(card)).toEqual(['Acknowledge']);
    expect((card.find(Link).props.href as { url: string }).url).toBe('https://fathom.video/calls/1#t=95');
    expect(card.find(Link).text).toBe('at 1:35');
    expect(card.maybeFind(TextArea)).toBeNull();
    click(card, 'Acknowledge');
    await card.waitFor(() => expect(posts(card)).toHaveLength(1));
    expect(posts(card)[0]).toEqual({ method: 'POST', path: '/api/cards/coaching/m1/acknowledge', body: undefined });
    await card.waitFor(() => expect(card.alerts).toEqual([{ type: 'success', message: 'Acknowledged.' }]));
    expect(card.findAll(Heading).map((h) => h.text)).toContain('Your call scores');
  });

  test('a manager sends his drafts; retract and dismiss ask first; one Outcome select per message', async () => {
    const card = renderCard(
      { role: 'manager', userId: 'mgr' },
      [message('d1', 'draft'), message('s1', 'sent'), message('a1', 'acknowledged')],
      {
        'POST /api/cards/coaching/d1/send': { body: message('d1', 'sent') },
        'POST /api/cards/coaching/s1/retract': { body: message('s1', 'draft') },
        'POST /api/cards/coaching/s1/dismiss': { body: message('s1', 'dismissed') },
        'POST /api/cards/coaching/a1/outcome': { body: message('a1', 'acknowledged') },
      },
    );
    await card.waitFor(() => expect(card.maybeFind(TextArea)).not.toBeNull());
    expect(card.findAll(StatusTag).map((t) => t.text)).toEqual(['Draft', 'Sent', 'Acknowledged']);
    expect(card.findAll(Heading)[0]!.text).toBe('Next steps · Acme demo');
    expect(buttons(card).filter((b) => b?.startsWith('Outcome'))).toEqual([]);
    const outcomes = card.findAll(Select).filter((s) => s.props.label === 'Outcome');
    expect(outcomes.map((s) => s.props.name)).toEqual(['outcome-s1', 'outcome-a1']);
    expect(outcomes[0]!.props.options).toEqual([
      { value: 'applied', label: 'Applied' },
      { value: 'not_yet', label: 'Not yet' },
      { value: 'not_applicable', label: 'Not applicable' },
    ]);
    click(card, 'Send');
    await card.waitFor(() => expect(posts(card).map((c) => c.path)).toEqual(['/api/cards/coaching/d1/send']));
    await card.waitFor(() =>
      expect(card.alerts).toContainEqual({ type: 'success', message: 'Coaching sent to rita@x.example.com.' }),
    );

    // Retract and Dismiss only open a modal; its confirm button acts.
    for (const [label, confirm, path] of [
      ['Retract', 'Yes, retract', '/api/cards/coaching/s1/retract'],
      ['Dismiss', 'Yes, dismiss', '/api/cards/coaching/s1/dismiss'],
    ] as const) {
      const button = card.findAll(Button).find((b) => b.text === label)!;
      expect(button.props.onClick).toBeUndefined();
      const modal = button.props.overlay!.find(Modal);
      expect(modal.props.title).toBe(`${label} this coaching?`);
      expect(posts(card).map((c) => c.path)).not.toContain(path);
      modal
        .findAll(Button)
        .find((b) => b.text === confirm)!
        .trigger('onClick');
      await card.waitFor(() => expect(posts(card).map((c) => c.path)).toContain(path));
    }

    card
      .findAll(Select)
      .find((s) => s.props.name === 'outcome-a1')!
      .trigger('onChange', 'not_applicable' as never);
    await card.waitFor(() => expect(posts(card).map((c) => c.path)).toContain('/api/cards/coaching/a1/outcome'));
    expect(posts(card).find((c) => c.path === '/api/cards/coaching/a1/outcome')!.body).toEqual({
      result: 'not_applicable',
    });
    await card.waitFor(() => expect(card.alerts).toContainEqual({ type: 'success', message: 'Outcome recorded.' }));
  });

  test('on a record with no calls a coach gets no form and no "write the first message below"', async () => {
    const card = renderCard({ role: 'manager', userId: 'mgr' }, [], {}, { calls: 0, items: [] });
    await card.waitFor(() => expect(card.maybeFind(EmptyState)).not.toBeNull());
    expect(card.find(EmptyState).find(Text).text).toBe('No coaching on the calls of this record yet.');
    expect(card.findAll(Text).map((t) => t.text)).toContain(
      'There are no calls with this record yet, so there is nothing to coach.',
    );
    expect(card.maybeFind(TextArea)).toBeNull();
  });

  test('the form offers only the calls the backend says he may coach; a manager who may coach none is told why before writing', async () => {
    const two: Coachable = {
      calls: 3,
      items: [
        { id: 'c1', title: 'Acme demo', startedAt: '2026-11-08T10:00:00Z' },
        { id: 'c2', title: 'Acme pricing', startedAt: '2026-11-01T10:00:00Z' },
      ],
    };
    const card = renderCard({ role: 'manager', userId: 'mgr' }, [], {}, two);
    await card.waitFor(() => expect(card.maybeFind(TextArea)).not.toBeNull());
    expect(card.findAll(Select).find((s) => s.props.label === 'Call')!.props.options).toEqual([
      { label: 'Acme demo', value: 'c1' },
      { label: 'Acme pricing', value: 'c2' },
    ]);
    // The card no longer lists the record's calls itself: the backend decided.
    expect(card.backend.calls.map((c) => c.path)).not.toContain(
      '/api/cards/conversations?objectType=deals&objectId=201&limit=20',
    );

    const none = renderCard({ role: 'manager', userId: 'mgr' }, [], {}, { calls: 2, items: [] });
    await none.waitFor(() =>
      expect(none.findAll(Text).map((t) => t.text)).toContain(
        "You can coach the calls of your own reps only: none of this record's 2 calls was recorded by one of your reps.",
      ),
    );
    expect(none.maybeFind(TextArea)).toBeNull();
  });

  test('a sent message by another coach has no Retract', async () => {
    const card = renderCard({ role: 'admin', userId: 'boss' }, [message('s1', 'sent')]);
    await card.waitFor(() => expect(buttons(card)).toContain('Dismiss'));
    expect(buttons(card)).not.toContain('Retract');
  });

  test('new coaching: the moment as m:ss or a key moment, sent with a key that a retry would repeat, a new key per message', async () => {
    let created = 0;
    const card = renderCard({ role: 'manager', userId: 'mgr' }, [], {
      'POST /api/cards/coaching': () => ({ status: 201, body: message(`n${++created}`, 'draft') }),
      'POST /api/cards/coaching/n2/send': { body: message('n2', 'sent') },
    });
    await card.waitFor(() => expect(card.maybeFind(TextArea)).not.toBeNull());
    card.find(TextArea).trigger('onChange', 'Ask for the decision date.' as never);
    card.find(Input).trigger('onChange', '12:3' as never);
    await card.waitFor(() => expect(card.find(Input).props.validationMessage).toMatch(/minutes:seconds/));
    expect(card.findAll(Button).find((b) => b.text === 'Save draft')!.props.disabled).toBe(true);
    card.find(Input).trigger('onChange', '12:30' as never);
    await card.waitFor(() =>
      expect(card.findAll(Button).find((b) => b.text === 'Save draft')!.props.disabled).toBe(false),
    );
    click(card, 'Save draft');
    await card.waitFor(() => expect(posts(card)).toHaveLength(1));
    const first = posts(card)[0]!.body as Record<string, unknown>;
    expect(first).toMatchObject({
      conversationId: 'c1',
      category: 'discovery',
      body: 'Ask for the decision date.',
      momentSeconds: 750,
    });
    expect(first.clientKey).toMatch(/^[A-Za-z0-9_-]{8,64}$/);

    await card.waitFor(() => expect(card.find(TextArea).props.value).toBe(''));
    expect(card.alerts).toEqual([{ type: 'success', message: 'Draft saved.' }]);
    const keyMoment = card.findAll(Select).find((s) => s.props.label === 'Or pick a key moment')!;
    expect(keyMoment.props.options).toEqual([{ label: '5:05 Pricing', value: 305 }]);
    keyMoment.trigger('onChange', 305 as never);
    card.find(TextArea).trigger('onChange', 'Name the price first.' as never);
    await card.waitFor(() => expect(card.find(Input).props.value).toBe('5:05'));
    click(card, 'Save and send');
    await card.waitFor(() =>
      expect(posts(card).map((c) => c.path)).toEqual([
        '/api/cards/coaching',
        '/api/cards/coaching',
        '/api/cards/coaching/n2/send',
      ]),
    );
    const second = posts(card)[1]!.body as Record<string, unknown>;
    expect(second).toMatchObject({ body: 'Name the price first.', momentSeconds: 305 });
    expect(second.clientKey).not.toBe(first.clientKey);
  });

  test('a suggestion fills the form; the trend is a titled chart on a datetime axis, and coaches pick the rep', async () => {
    const card = renderCard({ role: 'manager', userId: 'mgr' }, [message('a1', 'acknowledged')], {
      'GET /api/cards/conversations/c1/suggestions': {
        body: {
          items: [
            {
              id: 'c1:0',
              kind: 'analysis',
              category: 'talk_ratio',
              reason: 'The rep talked 78% of the call; the team norm is 45%.',
            },
          ],
          nextCursor: null,
        },
      },
    });
    await card.waitFor(() => expect(buttons(card)).toContain('Use'));
    click(card, 'Use');
    await card.waitFor(() =>
      expect(card.find(TextArea).props.value).toBe('The rep talked 78% of the call; the team norm is 45%.'),
    );
    expect(card.findAll(Select).find((s) => s.props.label === 'Category')!.props.value).toBe('talk_ratio');
    await card.waitFor(() => expect(card.findAll(Heading).map((h) => h.text)).toContain('Call scores of Rita Rep'));
    const chart = card.find(LineChart);
    expect(chart.props.data).toEqual([
      { startedAt: Date.parse('2026-11-01T03:00:00Z'), score: 55 },
      { startedAt: Date.parse('2026-11-08T10:00:00Z'), score: 68 },
    ]);
    expect(chart.props.axes.x).toMatchObject({ field: 'startedAt', fieldType: 'datetime' });
    expect(chart.props.options).toEqual({ title: 'Call scores of Rita Rep' });
    card
      .findAll(Select)
      .find((s) => s.props.label === 'Rep')!
      .trigger('onChange', 'rep-2' as never);
    await card.waitFor(() => expect(card.findAll(Heading).map((h) => h.text)).toContain('Call scores of Sam Seller'));
    expect(card.backend.calls.map((c) => c.path)).toContain('/api/cards/coaching/trend?repUserId=rep-2');
  });

  test('an outcome shows the measured change', async () => {
    const card = renderCard({ role: 'manager', userId: 'mgr' }, [
      message('a1', 'acknowledged', {
        result: 'applied',
        measured: { metricName: 'calls with next steps', before: 0.2, after: 0.8 },
      }),
    ]);
    await card.waitFor(() =>
      expect(card.findAll(Text).map((t) => t.text)).toContain(
        'Outcome: Applied · calls with next steps: 0.2 before → 0.8 after',
      ),
    );
  });

  test('empty for a rep is plain; a failed action shows an Alert that says why', async () => {
    const rep = renderCard({ role: 'rep', userId: 'rep-1' }, []);
    await rep.waitFor(() => expect(rep.find(EmptyState)).toBeTruthy());
    expect(rep.find(EmptyState).find(Text).text).toBe('No coaching for you on these calls yet.');
    const manager = renderCard({ role: 'manager', userId: 'mgr' }, [message('s1', 'sent')], {
      'POST /api/cards/coaching/s1/dismiss': {
        status: 409,
        body: { error: 'conflict', message: 'Cannot dismiss a message that is acknowledged.' },
      },
    });
    await manager.waitFor(() => expect(buttons(manager)).toContain('Dismiss'));
    click(manager, 'Yes, dismiss');
    await manager.waitFor(() =>
      expect(manager.find(Alert).text).toBe('Cannot dismiss a message that is acknowledged.'),
    );
  });
});
