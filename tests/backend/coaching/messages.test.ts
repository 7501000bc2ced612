import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  createMessage,
  listMessagesForRecord,
  recordOutcome,
  transitionMessage,
} from '../../../backend/src/coaching/messages.ts';
import type { Queryable } from '../../../backend/src/db/database.ts';
import { withSystem, withTenant } from '../../../backend/src/db/tenancy.ts';
import { Conflict, Forbidden, NotFound } from '../../../backend/src/errors.ts';
import type { Caller, Role } from '../../../backend/src/users/caller.ts';
import { createMigratedDatabase, type TestDatabase } from '../../support/database.ts';
import { seedTenant, type TenantFixture } from '../../support/tenantFixture.ts';

let testDb: TestDatabase;
let a: TenantFixture;

beforeAll(async () => {
  testDb = await createMigratedDatabase();
  a = await seedTenant(testDb.db, 710);
});
afterAll(() => testDb.drop());

function caller(key: keyof TenantFixture['users'], role: Role): Caller {
  return {
    accountId: a.accountId,
    hubId: a.hubId,
    userId: a.users[key],
    hubspotUserId: 1,
    email: `${key}@${a.hubId}.example.com`,
    role,
  };
}
const admin = () => caller('admin', 'admin');
const manager = () => caller('manager', 'manager');
const rep1 = () => caller('rep1', 'rep');
const rep2 = () => caller('rep2', 'rep');
const as = <T>(who: Caller, fn: (tx: Queryable) => Promise<T>) =>
  withTenant(testDb.db, { accountId: who.accountId, userId: who.userId }, fn);

const draft = (by: Caller = manager()) =>
  as(by, (tx) =>
    createMessage(tx, by, {
      conversationId: a.conversationIds[0]!,
      category: 'discovery',
      body: 'Ask why before how.',
      momentSeconds: 95,
    }),
  );

describe('coaching messages', () => {
  test('a manager writes a draft addressed to the rep who recorded the call', async () => {
    const message = await draft();
    expect(message).toMatchObject({
      status: 'draft',
      category: 'discovery',
      momentSeconds: 95,
      repUserId: a.users.rep1,
      repEmail: 'rep1@710.example.com',
      authorEmail: 'manager@710.example.com',
      outcome: null,
    });
  });

  test('a rep cannot write coaching', async () => {
    await expect(draft(rep1())).rejects.toBeInstanceOf(Forbidden);
  });

  test('send, then the rep acknowledges; every move is recorded with who and when', async () => {
    const message = await draft();
    const sent = await as(manager(), (tx) => transitionMessage(tx, manager(), message.id, 'send'));
    expect(sent.status).toBe('sent');
    expect(sent.sentAt).not.toBeNull();
    const acknowledged = await as(rep1(), (tx) => transitionMessage(tx, rep1(), message.id, 'acknowledge'));
    expect(acknowledged.status).toBe('acknowledged');
    expect(acknowledged.acknowledgedAt).not.toBeNull();
    const history = await as(
      admin(),
      async (tx) =>
        (
          await tx.query<{ from: string | null; to: string; actorUserId: string; at: Date }>(
            `SELECT from_status AS "from", to_status AS "to", actor_user_id AS "actorUserId", at
             FROM coaching_message_events WHERE account_id = app_account_id() AND message_id = $1 ORDER BY id`,
            [message.id],
          )
        ).rows,
    );
    expect(history.every(({ at }) => at instanceof Date)).toBe(true);
    expect(history.map(({ from, to, actorUserId }) => ({ from, to, actorUserId }))).toEqual([
      { from: null, to: 'draft', actorUserId: a.users.manager },
      { from: 'draft', to: 'sent', actorUserId: a.users.manager },
      { from: 'sent', to: 'acknowledged', actorUserId: a.users.rep1 },
    ]);
    await expect(as(rep1(), (tx) => transitionMessage(tx, rep1(), message.id, 'acknowledge'))).rejects.toThrow(
      new Conflict('Cannot acknowledge a message that is acknowledged: only a sent message can be acknowledged.'),
    );
  });

  test('a rep cannot see, and so cannot act on, a draft or another rep’s message', async () => {
    const message = await draft();
    await expect(as(rep1(), (tx) => transitionMessage(tx, rep1(), message.id, 'acknowledge'))).rejects.toBeInstanceOf(
      NotFound,
    );
    await as(manager(), (tx) => transitionMessage(tx, manager(), message.id, 'send'));
    await expect(as(rep2(), (tx) => transitionMessage(tx, rep2(), message.id, 'acknowledge'))).rejects.toBeInstanceOf(
      NotFound,
    );
    await expect(
      as(manager(), (tx) => transitionMessage(tx, manager(), message.id, 'acknowledge')),
    ).rejects.toBeInstanceOf(Forbidden);
  });

  test('an illegal transition is a conflict with the reason', async () => {
    const message = await draft();
    await expect(as(manager(), (tx) => transitionMessage(tx, manager(), message.id, 'dismiss'))).rejects.toThrow(
      /Cannot dismiss a message that is draft: only a sent message can be dismissed/,
    );
  });

  test('only its author takes a sent message back to draft', async () => {
    const message = await draft();
    await as(manager(), (tx) => transitionMessage(tx, manager(), message.id, 'send'));
    await expect(as(admin(), (tx) => transitionMessage(tx, admin(), message.id, 'retract'))).rejects.toBeInstanceOf(
      Forbidden,
    );
    const back = await as(manager(), (tx) => transitionMessage(tx, manager(), message.id, 'retract'));
    expect(back.status).toBe('draft');
  });

  test('outcomes: not for drafts, not by reps, and recorded once per message', async () => {
    const message = await draft();
    await expect(
      as(manager(), (tx) => recordOutcome(tx, manager(), message.id, { result: 'applied' })),
    ).rejects.toBeInstanceOf(Conflict);
    await as(manager(), (tx) => transitionMessage(tx, manager(), message.id, 'send'));
    await expect(
      as(rep1(), (tx) => recordOutcome(tx, rep1(), message.id, { result: 'applied' })),
    ).rejects.toBeInstanceOf(Forbidden);
    await as(manager(), (tx) => recordOutcome(tx, manager(), message.id, { result: 'not_yet' }));
    const updated = await as(manager(), (tx) =>
      recordOutcome(tx, manager(), message.id, { result: 'applied', notes: 'Asked three open questions.' }),
    );
    expect(updated.outcome).toMatchObject({ result: 'applied', notes: 'Asked three open questions.' });
    const { rows } = await withSystem(testDb.db, (tx) =>
      tx.query('SELECT 1 FROM coaching_outcomes WHERE message_id = $1', [message.id]),
    );
    expect(rows).toHaveLength(1);
  });

  test('coaching on a call whose recorder is not yet a user: an admin adds him as a rep; a manager may not coach him', async () => {
    await withSystem(testDb.db, (tx) =>
      tx.query(
        `UPDATE conversations SET recorded_by_user_id = NULL, recorded_by_email = 'New.Rep@710.example.com' WHERE id = $1`,
        [a.conversationIds[1]],
      ),
    );
    // He is nobody's rep yet, so no manager coaches him; nothing is written.
    await expect(
      as(manager(), (tx) =>
        createMessage(tx, manager(), {
          conversationId: a.conversationIds[1]!,
          category: 'next_steps',
          body: 'Close with a date.',
        }),
      ),
    ).rejects.toThrow(
      new Forbidden('You coach only the reps you manage; an admin assigns reps to managers in the app settings.'),
    );
    const known = await withSystem(testDb.db, (tx) =>
      tx.query(`SELECT 1 FROM users WHERE email = 'new.rep@710.example.com'`),
    );
    expect(known.rowCount).toBe(0);
    const message = await as(admin(), (tx) =>
      createMessage(tx, admin(), {
        conversationId: a.conversationIds[1]!,
        category: 'next_steps',
        body: 'Close with a date.',
      }),
    );
    expect(message.repEmail).toBe('new.rep@710.example.com');
    const { rows } = await withSystem(testDb.db, (tx) =>
      tx.query<{ role: string; recorder: string }>(
        `SELECT r.role, c.recorded_by_user_id AS recorder FROM user_roles r, conversations c WHERE r.user_id = $1 AND c.id = $2`,
        [message.repUserId, a.conversationIds[1]],
      ),
    );
    expect(rows).toEqual([{ role: 'rep', recorder: message.repUserId }]);
  });

  test('a recorder who became a user after the sync is linked when his manager coaches the call', async () => {
    await withSystem(testDb.db, (tx) =>
      tx.query(
        `UPDATE conversations SET recorded_by_user_id = NULL, recorded_by_email = 'Rep1@710.example.com' WHERE id = $1`,
        [a.conversationIds[1]],
      ),
    );
    const message = await as(manager(), (tx) =>
      createMessage(tx, manager(), {
        conversationId: a.conversationIds[1]!,
        category: 'next_steps',
        body: 'Close with a date.',
      }),
    );
    expect(message.repUserId).toBe(a.users.rep1);
  });

  test('what each role sees on a record', async () => {
    const record = { objectType: 'contacts' as const, objectId: 1000 };
    const seenBy = async (who: Caller) => (await as(who, (tx) => listMessagesForRecord(tx, record))).map((m) => m.id);
    const forAdmin = await seenBy(admin());
    const forRep1 = await seenBy(rep1());
    const forRep2 = await seenBy(rep2());
    expect(forAdmin).toEqual(
      expect.arrayContaining([a.messages.toRep1Sent, a.messages.toRep2Sent, a.messages.toRep1Draft]),
    );
    expect(forRep1).toContain(a.messages.toRep1Sent);
    expect(forRep1).not.toContain(a.messages.toRep1Draft);
    expect(forRep1).not.toContain(a.messages.toRep2Sent);
    expect(forRep2).toEqual([a.messages.toRep2Sent]);
  });
});
