import type { CoachingCategory } from '../../../hubspot-app/app/packages/ui-shared/coachingCategories.ts';
import type { Queryable } from '../db/database.ts';
import type { OneStatementRead } from '../db/tenancy.ts';
import { Conflict, Forbidden, NotFound } from '../errors.ts';
import { isCoach, type Caller } from '../users/caller.ts';
import { playbackUrlAt } from '../conversations/playback.ts';
import { measureOutcome } from './measureOutcome.ts';
import { upsertUser } from '../users/upsertUser.ts';
import {
  checkTransition,
  mayCoach,
  NOT_YOUR_REP,
  SELF_COACHING,
  type Addressee,
  type MessageAction,
  type MessageStatus,
} from './workflow.ts';

export type CoachingMessage = {
  id: string;
  conversationId: string;
  conversationTitle: string;
  conversationStartedAt: string;
  status: MessageStatus;
  category: string;
  body: string;
  momentSeconds: number | null;
  /** The recording at the moment the message is about, when there is one. */
  momentPlaybackUrl: string | null;
  authorUserId: string;
  authorEmail: string;
  repUserId: string;
  repEmail: string;
  createdAt: string;
  sentAt: string | null;
  acknowledgedAt: string | null;
  dismissedAt: string | null;
  outcome: {
    result: string;
    notes: string | null;
    recordedAt: string;
    /** The metric the message was about, before vs after it (measured when the outcome was recorded). */
    measured: {
      metricName: string | null;
      before: number | null;
      after: number | null;
      callsBefore: number | null;
      callsAfter: number | null;
    };
  } | null;
};

// Row level security decides which messages the caller sees; this only shapes them. Every query
// of messages selects from the view coaching_message_rows (db/views), which joins the call,
// the outcome and the two users' emails.
const MESSAGE_COLUMNS =
  'id, conversation_id, conversation_title, conversation_started_at, conversation_url, status, category, body, ' +
  'moment_seconds, author_user_id, author_email, rep_user_id, rep_email, created_at, sent_at, acknowledged_at, ' +
  'dismissed_at, outcome_result, outcome_notes, outcome_recorded_at, metric_name, metric_before, metric_after, ' +
  'calls_before, calls_after';
const SELECT_MESSAGES = `SELECT ${MESSAGE_COLUMNS} FROM coaching_message_rows m`;

// The columns of coaching_message_rows (card_coaching_page's rows) as the one-statement read names them.
const COACHING_ROW_TYPES =
  'account_id uuid, id uuid, conversation_id uuid, conversation_title text, conversation_started_at timestamptz, ' +
  'conversation_url text, status text, category text, body text, moment_seconds integer, author_user_id uuid, ' +
  'author_email text, rep_user_id uuid, rep_email text, created_at timestamptz, sent_at timestamptz, ' +
  'acknowledged_at timestamptz, dismissed_at timestamptz, outcome_result text, outcome_notes text, ' +
  'outcome_recorded_at timestamptz, metric_name text, metric_before double precision, metric_after double precision, ' +
  'calls_before integer, calls_after integer';

// The coaching card shows at most this many messages of a record's calls.
const RECORD_LIMIT = 100;

export type MessageRow = {
  id: string;
  conversation_id: string;
  conversation_title: string;
  conversation_started_at: Date;
  conversation_url: string | null;
  status: MessageStatus;
  category: string;
  body: string;
  moment_seconds: number | null;
  author_user_id: string;
  author_email: string;
  rep_user_id: string;
  rep_email: string;
  created_at: Date;
  sent_at: Date | null;
  acknowledged_at: Date | null;
  dismissed_at: Date | null;
  outcome_result: string | null;
  outcome_notes: string | null;
  outcome_recorded_at: Date | null;
  metric_name: string | null;
  metric_before: number | null;
  metric_after: number | null;
  calls_before: number | null;
  calls_after: number | null;
};

function toMessage(row: MessageRow): CoachingMessage {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    conversationTitle: row.conversation_title,
    conversationStartedAt: row.conversation_started_at.toISOString(),
    status: row.status,
    category: row.category,
    body: row.body,
    momentSeconds: row.moment_seconds,
    momentPlaybackUrl: playbackUrlAt(row.conversation_url, row.moment_seconds),
    authorUserId: row.author_user_id,
    authorEmail: row.author_email,
    repUserId: row.rep_user_id,
    repEmail: row.rep_email,
    createdAt: row.created_at.toISOString(),
    sentAt: row.sent_at?.toISOString() ?? null,
    acknowledgedAt: row.acknowledged_at?.toISOString() ?? null,
    dismissedAt: row.dismissed_at?.toISOString() ?? null,
    outcome: row.outcome_result
      ? {
          result: row.outcome_result,
          notes: row.outcome_notes,
          recordedAt: row.outcome_recorded_at!.toISOString(),
          measured: {
            metricName: row.metric_name,
            before: row.metric_before,
            after: row.metric_after,
            callsBefore: row.calls_before,
            callsAfter: row.calls_after,
          },
        }
      : null,
  };
}

export async function getMessage(tx: Queryable, messageId: string): Promise<CoachingMessage> {
  const { rows } = await tx.query<MessageRow>(
    `${SELECT_MESSAGES} WHERE m.account_id = app_account_id() AND m.id = $1`,
    [messageId],
  );
  if (!rows[0]) throw new NotFound('No such coaching message, or it is not addressed to you.');
  return toMessage(rows[0]);
}

/**
 * The coaching on calls linked to a HubSpot record that the caller may see, newest first, in a
 * tenant transaction. The coaching card reads the same (card_coaching_page) in one
 * statement: coachingCardRead.
 */
export async function listMessagesForRecord(
  tx: Queryable,
  record: { objectType: 'contacts' | 'deals'; objectId: number },
): Promise<CoachingMessage[]> {
  const { rows } = await tx.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM card_coaching_page($1, $2, $3)`, [
    record.objectType,
    record.objectId,
    RECORD_LIMIT,
  ]);
  return rows.map(toMessage);
}

/** The coaching card's read as the caller, in one statement (readAsCaller in db/tenancy.ts). */
export function coachingCardRead(record: { objectType: 'contacts' | 'deals'; objectId: number }): OneStatementRead {
  return {
    read: 'card_coaching_page',
    columns: COACHING_ROW_TYPES,
    params: [record.objectType, record.objectId, RECORD_LIMIT],
  };
}

/** The messages of coachingCardRead's rows (no message is one row without an id). */
export const coachingCardMessagesOf = (rows: readonly MessageRow[]): CoachingMessage[] =>
  rows.filter((row) => row.id !== null).map(toMessage);

/** The coaching sent to one rep, newest first (row level security still decides what the caller sees). */
export async function listMessagesToRep(tx: Queryable, repUserId: string, limit = 50): Promise<CoachingMessage[]> {
  const { rows } = await tx.query<MessageRow>(
    `${SELECT_MESSAGES}
      WHERE m.account_id = app_account_id() AND m.rep_user_id = $1 AND m.status <> 'draft'
      ORDER BY m.sent_at DESC NULLS LAST, m.id DESC
      LIMIT $2`,
    [repUserId, limit],
  );
  return rows.map(toMessage);
}

/** The manager of a user (user_roles is readable by everyone of the tenant). */
async function addresseeOf(tx: Queryable, repUserId: string): Promise<Addressee> {
  const { rows } = await tx.query<{ manager_user_id: string | null }>(
    `SELECT manager_user_id FROM user_roles WHERE account_id = app_account_id() AND user_id = $1`,
    [repUserId],
  );
  return { repUserId, repManagerUserId: rows[0]?.manager_user_id ?? null };
}

/**
 * The rep a call's coaching goes to: who recorded it, matched by email. A recorder who is not a
 * user yet is added as a rep, by an admin only: he is nobody's rep yet, so no manager could
 * coach him anyway (and only admins and backend work write users, db/policies/users.sql).
 */
async function repOfConversation(tx: Queryable, caller: Caller, conversationId: string): Promise<string> {
  const { rows } = await tx.query<{
    recorded_by_user_id: string | null;
    recorded_by_email: string | null;
    recorded_by_name: string | null;
  }>(
    `SELECT recorded_by_user_id, recorded_by_email, recorded_by_name FROM conversations
      WHERE account_id = app_account_id() AND id = $1`,
    [conversationId],
  );
  const conversation = rows[0];
  if (!conversation) throw new NotFound('No such conversation in this portal.');
  if (conversation.recorded_by_user_id) return conversation.recorded_by_user_id;
  const email = conversation.recorded_by_email?.toLowerCase();
  if (!email) throw new Conflict('This call has no known recorder, so there is no rep to address coaching to.');
  // Row level security shows a manager only the users he may know of (his reps among them).
  let userId = (
    await tx.query<{ id: string }>(`SELECT id FROM users WHERE account_id = app_account_id() AND email = $1`, [email])
  ).rows[0]?.id;
  if (!userId) {
    if (caller.role !== 'admin') throw new Forbidden(NOT_YOUR_REP);
    // Without a HubSpot id the row with this email is him: never a conflict.
    const recorder = await upsertUser(tx, { hubspotUserId: null, email, displayName: conversation.recorded_by_name });
    if (recorder.outcome === 'conflict') throw new Error('unreachable: a user without a HubSpot id cannot conflict');
    userId = recorder.userId;
  }
  await tx.query(`UPDATE conversations SET recorded_by_user_id = $2 WHERE account_id = app_account_id() AND id = $1`, [
    conversationId,
    userId,
  ]);
  return userId;
}

export type NewMessage = {
  conversationId: string;
  category: CoachingCategory;
  body: string;
  momentSeconds?: number | undefined;
  /** The card's key for this message: sending it again returns the first message (hubspot.fetch retries). */
  clientKey?: string | undefined;
};

const SAME_KEY = `
  SELECT id, conversation_id, category, body, moment_seconds FROM coaching_messages
   WHERE account_id = app_account_id() AND author_user_id = $1 AND client_key = $2`;

async function earlierWithKey(tx: Queryable, caller: Caller, input: NewMessage): Promise<CoachingMessage | null> {
  if (!input.clientKey) return null;
  const { rows } = await tx.query<{
    id: string;
    conversation_id: string;
    category: string;
    body: string;
    moment_seconds: number | null;
  }>(SAME_KEY, [caller.userId, input.clientKey]);
  const earlier = rows[0];
  if (!earlier) return null;
  const same =
    earlier.conversation_id === input.conversationId &&
    earlier.category === input.category &&
    earlier.body === input.body &&
    earlier.moment_seconds === (input.momentSeconds ?? null);
  if (!same)
    throw new Conflict('This key was already used for another coaching message. Send a new key with a new message.');
  return getMessage(tx, earlier.id);
}

/** A draft about a call, addressed to its rep; the same clientKey again answers the first draft. */
export async function createMessage(tx: Queryable, caller: Caller, input: NewMessage): Promise<CoachingMessage> {
  if (!isCoach(caller)) throw new Forbidden('Only managers and admins write coaching.');
  const earlier = await earlierWithKey(tx, caller, input);
  if (earlier) return earlier;
  const addressee = await addresseeOf(tx, await repOfConversation(tx, caller, input.conversationId));
  if (!mayCoach(caller, addressee))
    throw new Forbidden(addressee.repUserId === caller.userId ? SELF_COACHING : NOT_YOUR_REP);
  const repUserId = addressee.repUserId;
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO coaching_messages (account_id, conversation_id, author_user_id, rep_user_id, category, body, moment_seconds, client_key)
     VALUES (app_account_id(), $1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (account_id, author_user_id, client_key) WHERE client_key IS NOT NULL DO NOTHING
     RETURNING id`,
    [
      input.conversationId,
      caller.userId,
      repUserId,
      input.category,
      input.body,
      input.momentSeconds ?? null,
      input.clientKey ?? null,
    ],
  );
  // A retry that raced the first attempt: the first one's row is there now.
  if (!rows[0]) return (await earlierWithKey(tx, caller, input))!;
  const id = rows[0].id;
  await tx.query(
    `INSERT INTO coaching_message_events (account_id, message_id, from_status, to_status, actor_user_id)
     VALUES (app_account_id(), $1, NULL, 'draft', $2)`,
    [id, caller.userId],
  );
  return getMessage(tx, id);
}

const TIMESTAMP_OF: Record<MessageStatus, string | null> = {
  draft: null,
  sent: 'sent_at',
  acknowledged: 'acknowledged_at',
  dismissed: 'dismissed_at',
};

export async function transitionMessage(
  tx: Queryable,
  caller: Caller,
  messageId: string,
  action: MessageAction,
): Promise<CoachingMessage> {
  // No FOR UPDATE here: it would also apply the update policy, and turn "you may see this but
  // not do that" (403) into "no such message" (404). The update below re-checks the status.
  const { rows } = await tx.query<{
    status: MessageStatus;
    author_user_id: string;
    rep_user_id: string;
    manager_user_id: string | null;
  }>(
    `SELECT m.status, m.author_user_id, m.rep_user_id, r.manager_user_id FROM coaching_messages m
       LEFT JOIN user_roles r ON r.account_id = m.account_id AND r.user_id = m.rep_user_id
      WHERE m.account_id = app_account_id() AND m.id = $1`,
    [messageId],
  );
  const current = rows[0];
  if (!current) throw new NotFound('No such coaching message, or it is not addressed to you.');
  const check = checkTransition(action, caller, {
    status: current.status,
    authorUserId: current.author_user_id,
    repUserId: current.rep_user_id,
    repManagerUserId: current.manager_user_id,
  });
  if (!check.ok) throw check.reason === 'forbidden' ? new Forbidden(check.message) : new Conflict(check.message);
  const stamp = TIMESTAMP_OF[check.to];
  const moved = await tx.query(
    `UPDATE coaching_messages SET status = $2, updated_at = now()${stamp ? `, ${stamp} = now()` : ''}
      WHERE account_id = app_account_id() AND id = $1 AND status = $3`,
    [messageId, check.to, current.status],
  );
  if (moved.rowCount !== 1) throw new Conflict('This message changed in the meantime: reload it and try again.');
  await tx.query(
    `INSERT INTO coaching_message_events (account_id, message_id, from_status, to_status, actor_user_id)
     VALUES (app_account_id(), $1, $2, $3, $4)`,
    [messageId, current.status, check.to, caller.userId],
  );
  return getMessage(tx, messageId);
}

export type OutcomeResult = 'applied' | 'not_yet' | 'not_applicable';

export async function recordOutcome(
  tx: Queryable,
  caller: Caller,
  messageId: string,
  input: { result: OutcomeResult; notes?: string | undefined },
): Promise<CoachingMessage> {
  const message = await getMessage(tx, messageId);
  if (!isCoach(caller)) throw new Forbidden('Only managers and admins record coaching outcomes.');
  const addressee = await addresseeOf(tx, message.repUserId);
  if (!mayCoach(caller, addressee))
    throw new Forbidden(addressee.repUserId === caller.userId ? SELF_COACHING : NOT_YOUR_REP);
  if (message.status === 'draft') throw new Conflict('Cannot record an outcome for a draft: send the message first.');
  const measured = await measureOutcome(tx, {
    repUserId: message.repUserId,
    category: message.category,
    sentAt: new Date(message.sentAt!),
  });
  await tx.query(
    `INSERT INTO coaching_outcomes (account_id, message_id, result, notes, recorded_by_user_id,
                                    metric_name, metric_before, metric_after, calls_before, calls_after)
     VALUES (app_account_id(), $1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (account_id, message_id) DO UPDATE SET
       result = EXCLUDED.result, notes = EXCLUDED.notes, recorded_by_user_id = EXCLUDED.recorded_by_user_id,
       metric_name = EXCLUDED.metric_name, metric_before = EXCLUDED.metric_before, metric_after = EXCLUDED.metric_after,
       calls_before = EXCLUDED.calls_before, calls_after = EXCLUDED.calls_after, recorded_at = now()`,
    [
      messageId,
      input.result,
      input.notes ?? null,
      caller.userId,
      measured.metricName,
      measured.before,
      measured.after,
      measured.callsBefore,
      measured.callsAfter,
    ],
  );
  return getMessage(tx, messageId);
}
