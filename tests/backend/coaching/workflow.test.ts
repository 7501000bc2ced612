import { describe, expect, test } from '@jest/globals';
import { checkTransition, type MessageAction, type MessageStatus } from '../../../backend/src/coaching/workflow.ts';

const author = 'author';
const rep = 'rep';
const message = (status: MessageStatus) => ({ status, authorUserId: author, repUserId: rep });
const STATUSES: MessageStatus[] = ['draft', 'sent', 'acknowledged', 'dismissed'];

describe('coaching message state machine', () => {
  // The only legal moves: draft→sent, sent→acknowledged, sent→dismissed, sent→draft.
  const legal: Array<[MessageAction, MessageStatus, MessageStatus]> = [
    ['send', 'draft', 'sent'],
    ['acknowledge', 'sent', 'acknowledged'],
    ['dismiss', 'sent', 'dismissed'],
    ['retract', 'sent', 'draft'],
  ];
  const actorFor = (action: MessageAction) =>
    action === 'acknowledge' ? { userId: rep, role: 'rep' as const } : { userId: author, role: 'manager' as const };

  test.each(legal)('%s moves a %s message to %s', (action, from, to) => {
    expect(checkTransition(action, actorFor(action), message(from))).toEqual({ ok: true, to });
  });

  const illegal = (['send', 'acknowledge', 'dismiss', 'retract'] as MessageAction[]).flatMap((action) =>
    STATUSES.filter((status) => !legal.some(([a, from]) => a === action && from === status)).map(
      (status) => [action, status] as [MessageAction, MessageStatus],
    ),
  );

  test.each(illegal)('%s on a %s message is illegal, with the reason', (action, status) => {
    const result = checkTransition(action, actorFor(action), message(status));
    expect(result).toMatchObject({ ok: false, reason: 'illegal' });
    expect(result.ok === false && result.message).toMatch(new RegExp(`Cannot ${action} a message that is ${status}`));
  });

  test('only the addressed rep acknowledges, whatever his role', () => {
    expect(checkTransition('acknowledge', { userId: 'someone-else', role: 'rep' }, message('sent'))).toMatchObject({ reason: 'forbidden' });
    expect(checkTransition('acknowledge', { userId: author, role: 'admin' }, message('sent'))).toMatchObject({ reason: 'forbidden' });
  });

  test('a rep cannot send or dismiss', () => {
    expect(checkTransition('send', { userId: rep, role: 'rep' }, message('draft'))).toMatchObject({ reason: 'forbidden' });
    expect(checkTransition('dismiss', { userId: rep, role: 'rep' }, message('sent'))).toMatchObject({ reason: 'forbidden' });
  });

  test('only the author takes a sent message back to draft, not another admin', () => {
    expect(checkTransition('retract', { userId: 'other-admin', role: 'admin' }, message('sent'))).toMatchObject({
      ok: false,
      reason: 'forbidden',
      message: 'Only its author can retract this message.',
    });
  });
});
