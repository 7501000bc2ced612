import { describe, expect, test } from '@jest/globals';
import { Button, EmptyState, LineChart, StatusTag, Text, TextArea } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { createApi } from '@fathom-hubspot/ui-shared';
import { CoachingView, type CoachingMessage } from '../../hubspot-app/app/cards/CoachingView';
import { fakeBackend } from './fakeBackend';

const LIST = '/api/cards/coaching?objectType=deals&objectId=201';
const CALLS = '/api/cards/conversations?objectType=deals&objectId=201&limit=20';
const message = (id: string, status: CoachingMessage['status'], outcome: CoachingMessage['outcome'] = null): CoachingMessage => ({
  id, status, category: 'next_steps', body: 'Close with a date.', conversationId: 'c1', conversationTitle: 'Acme demo',
  repUserId: 'rep-1', repEmail: 'rita@x.example.com', momentSeconds: 95, outcome,
});
const trend = { points: [{ startedAt: '2026-11-01T10:00:00Z', score: 55, repTalkRatio: 0.7 }, { startedAt: '2026-11-08T10:00:00Z', score: 68, repTalkRatio: 0.5 }] };

function renderCard(viewer: { role: 'admin' | 'manager' | 'rep'; userId: string }, items: CoachingMessage[], extra: Parameters<typeof fakeBackend>[0] = {}) {
  const backend = fakeBackend({
    [`GET ${LIST}`]: { body: { items, nextCursor: null, viewer } },
    [`GET ${CALLS}`]: { body: { items: [{ id: 'c1', title: 'Acme demo' }], nextCursor: null } },
    'GET /api/cards/coaching/trend': { body: trend },
    ...extra,
  });
  const renderer = createRenderer('crm.record.tab');
  renderer.render(<CoachingView api={createApi(backend.fetcher)} objectType="deals" objectId={201} />);
  return { ...renderer, backend };
}
const buttons = (r: ReturnType<typeof renderCard>) => r.findAll(Button).map((b) => b.text);

describe('coaching card', () => {
  test('a rep sees his sent message with Acknowledge, and no coaching controls', async () => {
    const card = renderCard({ role: 'rep', userId: 'rep-1' }, [message('m1', 'sent')]);
    await card.waitFor(() => expect(card.find(StatusTag).text).toBe('sent'));
    expect(buttons(card)).toEqual(['Acknowledge']);
    expect(card.maybeFind(TextArea)).toBeNull();
    card.findAll(Button)[0]!.trigger('onClick');
    await card.waitFor(() => expect(card.backend.calls.some((c) => c.method === 'POST')).toBe(true));
    expect(card.backend.calls.find((c) => c.method === 'POST')).toEqual({ method: 'POST', path: '/api/cards/coaching/m1/acknowledge', body: undefined });
  });

  test('a manager sends drafts, dismisses or marks sent ones, and writes new coaching', async () => {
    const card = renderCard({ role: 'manager', userId: 'mgr' }, [message('d1', 'draft'), message('s1', 'sent')], {
      'POST /api/cards/coaching': { status: 201, body: message('n1', 'draft') },
      'POST /api/cards/coaching/d1/send': { body: message('d1', 'sent') },
    });
    await card.waitFor(() => expect(card.maybeFind(TextArea)).not.toBeNull());
    expect(buttons(card)).toEqual(['Send', 'Dismiss', 'Mark as applied', 'Save draft']);
    card.findAll(Button).find((b) => b.text === 'Send')!.trigger('onClick');
    await card.waitFor(() => expect(card.backend.calls.map((c) => `${c.method} ${c.path}`)).toContain('POST /api/cards/coaching/d1/send'));
    card.find(TextArea).trigger('onChange', 'Ask for the decision date.' as never);
    await card.waitFor(() => expect(card.findAll(Button).find((b) => b.text === 'Save draft')!.props.disabled).toBe(false));
    card.findAll(Button).find((b) => b.text === 'Save draft')!.trigger('onClick');
    await card.waitFor(() => expect(card.backend.calls.some((c) => c.path === '/api/cards/coaching' && c.method === 'POST')).toBe(true));
    expect(card.backend.calls.find((c) => c.path === '/api/cards/coaching' && c.method === 'POST')!.body).toEqual({
      conversationId: 'c1', category: 'discovery', body: 'Ask for the decision date.',
    });
  });

  test("an outcome shows the measured change, and the rep's trend is charted", async () => {
    const card = renderCard({ role: 'manager', userId: 'mgr' }, [
      message('a1', 'acknowledged', { result: 'applied', measured: { metricName: 'calls with next steps', before: 0.2, after: 0.8 } }),
    ]);
    await card.waitFor(() => expect(card.maybeFind(LineChart)).not.toBeNull());
    expect(card.findAll(Text).map((t) => t.text)).toContain('Outcome: applied · calls with next steps: 0.2 before → 0.8 after');
    expect(card.find(LineChart).props.data).toEqual([{ date: '2026-11-01', score: 55 }, { date: '2026-11-08', score: 68 }]);
    expect(card.backend.calls.map((c) => c.path)).toContain('/api/cards/coaching/trend?repUserId=rep-1');
  });

  test('empty for a rep is plain; a failed action says why', async () => {
    const rep = renderCard({ role: 'rep', userId: 'rep-1' }, []);
    await rep.waitFor(() => expect(rep.find(EmptyState)).toBeTruthy());
    expect(rep.find(Text).text).toBe('No coaching for you on these calls yet.');
    const manager = renderCard({ role: 'manager', userId: 'mgr' }, [message('s1', 'sent')], {
      'POST /api/cards/coaching/s1/dismiss': { status: 409, body: { error: 'conflict', message: 'Cannot dismiss a message that is acknowledged.' } },
    });
    await manager.waitFor(() => expect(buttons(manager)).toContain('Dismiss'));
    manager.findAll(Button).find((b) => b.text === 'Dismiss')!.trigger('onClick');
    await manager.waitFor(() => expect(manager.findAll(Text).map((t) => t.text)).toContain('Cannot dismiss a message that is acknowledged.'));
  });
});
