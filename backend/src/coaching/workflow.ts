import type { Role } from '../users/caller.ts';

export type MessageStatus = 'draft' | 'sent' | 'acknowledged' | 'dismissed';
export type MessageAction = 'send' | 'acknowledge' | 'dismiss' | 'retract';

type Rule = {
  from: MessageStatus;
  to: MessageStatus;
  /** Who may take the action, given the actor and the message. */
  allowed: (actor: { userId: string; role: Role }, message: { authorUserId: string; repUserId: string }) => boolean;
  who: string;
  /** The action in the past tense, for messages. */
  done: string;
};

const coach = (actor: { role: Role }) => actor.role === 'admin' || actor.role === 'manager';

/**
 * The coaching message state machine: draft → sent → acknowledged | dismissed, and back to
 * draft from sent by its author only. Every legal move is listed here and nowhere else.
 */
export const TRANSITIONS: Record<MessageAction, Rule> = {
  send: { from: 'draft', to: 'sent', allowed: coach, who: 'a manager or an admin', done: 'sent' },
  acknowledge: {
    from: 'sent',
    to: 'acknowledged',
    allowed: (actor, message) => actor.userId === message.repUserId,
    who: 'the rep it is addressed to',
    done: 'acknowledged',
  },
  dismiss: { from: 'sent', to: 'dismissed', allowed: coach, who: 'a manager or an admin', done: 'dismissed' },
  retract: {
    from: 'sent',
    to: 'draft',
    allowed: (actor, message) => actor.userId === message.authorUserId,
    who: 'its author',
    done: 'retracted',
  },
};

export type TransitionCheck =
  | { ok: true; to: MessageStatus }
  | { ok: false; reason: 'forbidden' | 'illegal'; message: string };

export function checkTransition(
  action: MessageAction,
  actor: { userId: string; role: Role },
  message: { status: MessageStatus; authorUserId: string; repUserId: string },
): TransitionCheck {
  const rule = TRANSITIONS[action];
  if (!rule.allowed(actor, message)) {
    return { ok: false, reason: 'forbidden', message: `Only ${rule.who} can ${action} this message.` };
  }
  if (message.status !== rule.from) {
    return {
      ok: false,
      reason: 'illegal',
      message: `Cannot ${action} a message that is ${message.status}: only a ${rule.from} message can be ${rule.done}.`,
    };
  }
  return { ok: true, to: rule.to };
}
