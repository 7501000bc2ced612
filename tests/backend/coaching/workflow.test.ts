import { describe, expect, test } from '@jest/globals';
import {
  checkTransition,
  mayCoach,
  type MessageAction,
  type MessageStatus,
} from '../../../backend/src/coaching/workflow.ts';

const author = 'author';
const rep = 'rep';
// The author manages the rep.
const message = (status: MessageStatus) => ({ status, authorUserId: author, repUserId: rep, repManagerUserId: author });
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
    expect(checkTransition('acknowledge', { userId: 'someone-else', role: 'rep' }, message('sent'))).toMatchObject({
      reason: 'forbidden',
    });
    expect(checkTransition('acknowledge', { userId: author, role: 'admin' }, message('sent'))).toMatchObject({
      reason: 'forbidden',
    });
  });

  test('a rep cannot send or dismiss', () => {
    expect(checkTransition('send', { userId: rep, role: 'rep' }, message('draft'))).toMatchObject({
      reason: 'forbidden',
    });
    expect(checkTransition('dismiss', { userId: rep, role: 'rep' }, message('sent'))).toMatchObject({
      reason: 'forbidden',
    });
  });

  test('only the author takes a sent message back to draft, not another admin', () => {
    expect(checkTransition('retract', { userId: 'other-admin', role: 'admin' }, message('sent'))).toMatchObject({
      ok: false,
      reason: 'forbidden',
      message: 'Only its author can retract this message.',
    });
  });
});

describe('who coaches whom', () => {
  test('an admin coaches anyone, a manager only his own reps, nobody himself', () => {
    expect(mayCoach({ userId: 'admin', role: 'admin' }, { repUserId: rep, repManagerUserId: null })).toBe(true);
    expect(mayCoach({ userId: author, role: 'manager' }, { repUserId: rep, repManagerUserId: author })).toBe(true);
    expect(mayCoach({ userId: 'other-manager', role: 'manager' }, { repUserId: rep, repManagerUserId: author })).toBe(
      false,
    );
    expect(mayCoach({ userId: 'other-manager', role: 'manager' }, { repUserId: rep, repManagerUserId: null })).toBe(
      false,
    );
    expect(mayCoach({ userId: 'admin', role: 'admin' }, { repUserId: 'admin', repManagerUserId: null })).toBe(false);
    expect(mayCoach({ userId: rep, role: 'rep' }, { repUserId: 'rep2', repManagerUserId: rep })).toBe(false);
  });

  test('the author stops coaching a rep who moved to another manager: he cannot send, retract or dismiss', () => {
    const moved = (status: MessageStatus) => ({ ...message(status), repManagerUserId: 'new-manager' });
    const actor = { userId: author, role: 'manager' as const };
    for (const [action, status] of [
      ['send', 'draft'],
      ['retract', 'sent'],
      ['dismiss', 'sent'],
    ] as const) {
      expect(checkTransition(action, actor, moved(status))).toMatchObject({
        ok: false,
        reason: 'forbidden',
        message: expect.stringMatching(/reps you manage/),
      });
    }
    expect(checkTransition('dismiss', { userId: 'new-manager', role: 'manager' }, moved('sent'))).toEqual({
      ok: true,
      to: 'dismissed',
    });
  });

  test('nobody acts as coach on a message addressed to himself; he only acknowledges it', () => {
    const toAdmin = { status: 'sent' as const, authorUserId: 'admin-2', repUserId: 'admin-1', repManagerUserId: null };
    const self = { userId: 'admin-1', role: 'admin' as const };
    expect(checkTransition('dismiss', self, toAdmin)).toMatchObject({
      ok: false,
      reason: 'forbidden',
      message: expect.stringMatching(/Nobody coaches himself/),
    });
    expect(checkTransition('send', self, { ...toAdmin, status: 'draft' })).toMatchObject({ reason: 'forbidden' });
    expect(checkTransition('acknowledge', self, toAdmin)).toEqual({ ok: true, to: 'acknowledged' });
  });

  test('an admin dismisses any sent message but sends only his own drafts', () => {
    const admin = { userId: 'admin', role: 'admin' as const };
    expect(checkTransition('dismiss', admin, message('sent'))).toEqual({ ok: true, to: 'dismissed' });
    expect(checkTransition('send', admin, message('draft'))).toMatchObject({
      ok: false,
      reason: 'forbidden',
      message: 'Only its author can send this message.',
    });
  });
});
