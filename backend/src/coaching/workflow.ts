import type { Role } from '../users/caller.ts';

export type MessageStatus = 'draft' | 'sent' | 'acknowledged' | 'dismissed';
export type MessageAction = 'send' | 'acknowledge' | 'dismiss' | 'retract';

export type Actor = { userId: string; role: Role };
/** Who a message is addressed to, and that user's manager (user_roles.manager_user_id). */
export type Addressee = { repUserId: string; repManagerUserId: string | null };
export type MessageParties = Addressee & { authorUserId: string };

/**
 * Whether the actor may coach this user: an admin anyone, a manager only the reps he manages,
 * and nobody himself. The database holds the same rule (db/functions/app_may_coach.sql).
 */
export function mayCoach(actor: Actor, addressee: Addressee): boolean {
  if (actor.userId === addressee.repUserId) return false;
  return actor.role === 'admin' || (actor.role === 'manager' && addressee.repManagerUserId === actor.userId);
}

type Rule = {
  from: MessageStatus;
  to: MessageStatus;
  /** Who may take the action, given the actor and the message. */
  allowed: (actor: Actor, message: MessageParties) => boolean;
  who: string;
  /** The action in the past tense, for messages. */
  done: string;
};

const isAuthorCoach = (actor: Actor, message: MessageParties) =>
  actor.userId === message.authorUserId && mayCoach(actor, message);

/**
 * The coaching message state machine: draft → sent → acknowledged | dismissed, and back to
 * draft from sent by its author only. Every legal move is listed here and nowhere else; the
 * database's coaching_messages_guard trigger holds the same table.
 */
export const TRANSITIONS: Record<MessageAction, Rule> = {
  send: { from: 'draft', to: 'sent', allowed: isAuthorCoach, who: 'its author', done: 'sent' },
  acknowledge: {
    from: 'sent',
    to: 'acknowledged',
    allowed: (actor, message) => actor.userId === message.repUserId,
    who: 'the rep it is addressed to',
    done: 'acknowledged',
  },
  dismiss: {
    from: 'sent',
    to: 'dismissed',
    allowed: mayCoach,
    who: "the rep's manager or an admin",
    done: 'dismissed',
  },
  retract: { from: 'sent', to: 'draft', allowed: isAuthorCoach, who: 'its author', done: 'retracted' },
};

export type TransitionCheck =
  { ok: true; to: MessageStatus } | { ok: false; reason: 'forbidden' | 'illegal'; message: string };

export const SELF_COACHING = 'Nobody coaches himself: this message is addressed to you.';
export const NOT_YOUR_REP =
  'You coach only the reps you manage; an admin assigns reps to managers in the app settings.';

export function checkTransition(
  action: MessageAction,
  actor: Actor,
  message: MessageParties & { status: MessageStatus },
): TransitionCheck {
  const rule = TRANSITIONS[action];
  if (!rule.allowed(actor, message)) {
    const asCoach = action !== 'acknowledge';
    const why =
      asCoach && actor.userId === message.repUserId
        ? SELF_COACHING
        : asCoach && actor.role === 'manager' && !mayCoach(actor, message)
          ? NOT_YOUR_REP
          : `Only ${rule.who} can ${action} this message.`;
    return { ok: false, reason: 'forbidden', message: why };
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
