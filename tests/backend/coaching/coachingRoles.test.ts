import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Queryable } from '../../../backend/src/db/database.ts';
import { withSystem, withTenant } from '../../../backend/src/db/tenancy.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { insertMessage, seedTeam, type Member, type TeamFixture } from '../../support/teamFixture.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

// Who may do what to a coaching message (docs/who-sees-what.md), asked twice for every case: of
// the card API (403: may see, may not act; 404: may not even see; 409: wrong state), and of the
// database directly, as the tenant role with the same user, where no TypeScript check runs.
//
// The team: admins a1, a2; manager m1 manages rep r1; manager m2 manages rep r2; rep r3 has no
// manager (so m1's old messages to him show an author who no longer coaches him).

type Status = 'draft' | 'sent' | 'acknowledged' | 'dismissed';
type Action = 'send' | 'acknowledge' | 'dismiss' | 'retract' | 'outcome';
type Case = [
  author: Member,
  rep: Member,
  state: Status,
  action: Action,
  actor: Member,
  expected: 200 | 403 | 404 | 409,
];

const CASES: Case[] = [
  // An admin's message to r1, whose manager is m1.
  ['a1', 'r1', 'draft', 'send', 'a1', 200],
  ['a1', 'r1', 'draft', 'send', 'a2', 403],
  ['a1', 'r1', 'draft', 'send', 'm1', 404],
  ['a1', 'r1', 'draft', 'send', 'm2', 404],
  ['a1', 'r1', 'draft', 'send', 'r1', 404],
  ['a1', 'r1', 'draft', 'send', 'r2', 404],
  ['a1', 'r1', 'sent', 'acknowledge', 'r1', 200],
  ['a1', 'r1', 'sent', 'acknowledge', 'a1', 403],
  ['a1', 'r1', 'sent', 'acknowledge', 'a2', 403],
  ['a1', 'r1', 'sent', 'acknowledge', 'm1', 403],
  ['a1', 'r1', 'sent', 'acknowledge', 'm2', 404],
  ['a1', 'r1', 'sent', 'acknowledge', 'r2', 404],
  ['a1', 'r1', 'sent', 'dismiss', 'a1', 200],
  ['a1', 'r1', 'sent', 'dismiss', 'a2', 200],
  ['a1', 'r1', 'sent', 'dismiss', 'm1', 200],
  ['a1', 'r1', 'sent', 'dismiss', 'm2', 404],
  ['a1', 'r1', 'sent', 'dismiss', 'r1', 403],
  ['a1', 'r1', 'sent', 'dismiss', 'r2', 404],
  ['a1', 'r1', 'sent', 'retract', 'a1', 200],
  ['a1', 'r1', 'sent', 'retract', 'a2', 403],
  ['a1', 'r1', 'sent', 'retract', 'm1', 403],
  ['a1', 'r1', 'sent', 'retract', 'm2', 404],
  ['a1', 'r1', 'sent', 'retract', 'r1', 403],
  ['a1', 'r1', 'sent', 'retract', 'r2', 404],
  ['a1', 'r1', 'sent', 'outcome', 'a1', 200],
  ['a1', 'r1', 'sent', 'outcome', 'a2', 200],
  ['a1', 'r1', 'sent', 'outcome', 'm1', 200],
  ['a1', 'r1', 'sent', 'outcome', 'm2', 404],
  ['a1', 'r1', 'sent', 'outcome', 'r1', 403],
  ['a1', 'r1', 'sent', 'outcome', 'r2', 404],
  ['a1', 'r1', 'acknowledged', 'dismiss', 'm1', 409],
  ['a1', 'r1', 'dismissed', 'acknowledge', 'r1', 409],
  // A manager's message to his own rep.
  ['m1', 'r1', 'draft', 'send', 'm1', 200],
  ['m1', 'r1', 'draft', 'send', 'a1', 403],
  ['m1', 'r1', 'draft', 'send', 'm2', 404],
  ['m1', 'r1', 'draft', 'send', 'r1', 404],
  ['m1', 'r1', 'sent', 'retract', 'm1', 200],
  ['m1', 'r1', 'sent', 'retract', 'a1', 403],
  ['m1', 'r1', 'sent', 'dismiss', 'm1', 200],
  ['m1', 'r1', 'sent', 'dismiss', 'm2', 404],
  ['m1', 'r1', 'sent', 'outcome', 'm1', 200],
  ['m1', 'r1', 'sent', 'outcome', 'm2', 404],
  ['m1', 'r1', 'sent', 'acknowledge', 'r1', 200],
  // An admin's message to manager m2, about a call m2 recorded: m2 is the addressee, not a coach.
  ['a1', 'm2', 'draft', 'send', 'm2', 404],
  ['a1', 'm2', 'draft', 'send', 'a1', 200],
  ['a1', 'm2', 'sent', 'acknowledge', 'm2', 200],
  ['a1', 'm2', 'sent', 'acknowledge', 'm1', 404],
  ['a1', 'm2', 'sent', 'dismiss', 'm2', 403],
  ['a1', 'm2', 'sent', 'dismiss', 'a2', 200],
  ['a1', 'm2', 'sent', 'dismiss', 'm1', 404],
  ['a1', 'm2', 'sent', 'retract', 'm2', 403],
  ['a1', 'm2', 'sent', 'outcome', 'm2', 403],
  ['a1', 'm2', 'sent', 'outcome', 'a2', 200],
  // An admin's message to another admin.
  ['a1', 'a2', 'sent', 'dismiss', 'a2', 403],
  ['a1', 'a2', 'sent', 'outcome', 'a2', 403],
  ['a1', 'a2', 'sent', 'acknowledge', 'a2', 200],
  ['a1', 'a2', 'sent', 'dismiss', 'a1', 200],
  // m1's messages to r3, who is no longer his rep: he still sees them, and may do nothing.
  ['m1', 'r3', 'draft', 'send', 'm1', 403],
  ['m1', 'r3', 'draft', 'send', 'a1', 403],
  ['m1', 'r3', 'sent', 'retract', 'm1', 403],
  ['m1', 'r3', 'sent', 'dismiss', 'm1', 403],
  ['m1', 'r3', 'sent', 'outcome', 'm1', 403],
  ['m1', 'r3', 'sent', 'dismiss', 'a1', 200],
  ['m1', 'r3', 'sent', 'dismiss', 'r3', 403],
  ['m1', 'r3', 'sent', 'acknowledge', 'r3', 200],
];

// Creating a message about the call `recorder` made, addressed to him.
const CREATE_CASES: Array<[recorder: Member, actor: Member, expected: 201 | 403]> = [
  ['r1', 'm1', 201],
  ['r1', 'a1', 201],
  ['r1', 'm2', 403],
  ['r1', 'r2', 403],
  ['r1', 'r1', 403],
  ['r2', 'm1', 403],
  ['r3', 'm1', 403],
  ['r3', 'a2', 201],
  ['m1', 'm1', 403],
  ['m1', 'm2', 403],
  ['m1', 'a1', 201],
  ['a1', 'a1', 403],
  ['a1', 'a2', 201],
];

const TARGET: Record<Exclude<Action, 'outcome'>, Status> = {
  send: 'sent',
  acknowledge: 'acknowledged',
  dismiss: 'dismissed',
  retract: 'draft',
};

const clientSecret = randomBytes(24).toString('base64url');
let backend: TestBackend;
let team: TeamFixture;

beforeAll(async () => {
  backend = await startTestBackend({ HUBSPOT_CLIENT_ID: 'roles-test-client', HUBSPOT_CLIENT_SECRET: clientSecret });
  team = await seedTeam(backend.testDb.db, 830);
});
afterAll(() => backend.close());

const api = (actor: Member, path: string, body?: unknown) =>
  signedFetch(backend.url, path, {
    clientSecret,
    identity: { portalId: team.hubId, userId: team.hubspotIds[actor], userEmail: team.emails[actor] },
    method: 'POST',
    ...(body !== undefined ? { body } : {}),
  });

const asUser = <T>(actor: Member, fn: (tx: Queryable) => Promise<T>) =>
  withTenant(backend.testDb.db, { accountId: team.accountId, userId: team.ids[actor] }, fn);

/** The message's status and whether it has an outcome, read by the system role. */
const stateOf = (id: string) =>
  withSystem(backend.testDb.db, async (tx) => {
    const { rows } = await tx.query<{ status: Status; outcomes: number }>(
      `SELECT status, (SELECT count(*)::int FROM coaching_outcomes o WHERE o.message_id = m.id) AS outcomes
         FROM coaching_messages m WHERE id = $1`,
      [id],
    );
    return rows[0]!;
  });

const expectedState = (state: Status, action: Action, allowed: boolean) => ({
  status: allowed && action !== 'outcome' ? TARGET[action] : state,
  outcomes: allowed && action === 'outcome' ? 1 : 0,
});

const name = '%s → %s, %s: %s by %s answers %i';

describe('the card API', () => {
  test.each(CASES)(name, async (author, rep, state, action, actor, expected) => {
    const id = await insertMessage(backend.testDb.db, team, { author, rep, status: state });
    const response =
      action === 'outcome'
        ? await api(actor, `/api/cards/coaching/${id}/outcome`, { result: 'applied' })
        : await api(actor, `/api/cards/coaching/${id}/${action}`);
    const body = (await response.json()) as { error?: string; status?: string };
    expect({ status: response.status, error: body.error }).toEqual({
      status: expected,
      error: { 200: undefined, 403: 'forbidden', 404: 'not_found', 409: 'conflict' }[expected],
    });
    expect(await stateOf(id)).toEqual(expectedState(state, action, expected === 200));
  });

  test.each(CREATE_CASES)("coaching on %s's call, written by %s, answers %i", async (recorder, actor, expected) => {
    const response = await api(actor, '/api/cards/coaching', {
      conversationId: team.callOf[recorder],
      category: 'discovery',
      body: 'Ask why.',
    });
    const body = (await response.json()) as { status?: string; repUserId?: string; error?: string };
    if (expected === 201) expect(body).toMatchObject({ status: 'draft', repUserId: team.ids[recorder] });
    else expect(body.error).toBe('forbidden');
    expect(response.status).toBe(expected);
  });
});

describe('the database alone (the SQL the API runs, without its checks)', () => {
  // The statements of coaching/messages.ts, run as the tenant role for the actor.
  const attempt = (actor: Member, action: Action, id: string) =>
    asUser(actor, async (tx) => {
      if (action === 'outcome') {
        return (
          await tx.query(
            `INSERT INTO coaching_outcomes (account_id, message_id, result, recorded_by_user_id)
           VALUES (app_account_id(), $1, 'applied', app_user_id())`,
            [id],
          )
        ).rowCount;
      }
      return (
        await tx.query(`UPDATE coaching_messages SET status = $2, updated_at = now() WHERE id = $1`, [
          id,
          TARGET[action],
        ])
      ).rowCount;
    }).then(
      (rows) => (rows === 1 ? 'done' : 'refused'),
      (error: Error) => {
        expect(error.message).toMatch(/row-level security|may not move|violates/);
        return 'refused';
      },
    );

  test.each(CASES)(name, async (author, rep, state, action, actor, expected) => {
    const id = await insertMessage(backend.testDb.db, team, { author, rep, status: state });
    expect(await attempt(actor, action, id)).toBe(expected === 200 ? 'done' : 'refused');
    expect(await stateOf(id)).toEqual(expectedState(state, action, expected === 200));
  });

  test.each(CREATE_CASES)("a message on %s's call, inserted as %s, is %s", async (recorder, actor, expected) => {
    const inserted = await asUser(actor, (tx) =>
      tx.query(
        `INSERT INTO coaching_messages (account_id, conversation_id, author_user_id, rep_user_id, category, body)
         VALUES (app_account_id(), $1, app_user_id(), $2, 'discovery', 'Ask why.')`,
        [team.callOf[recorder], team.ids[recorder]],
      ),
    ).then(
      () => 'done',
      (error: Error) => (/row-level security/.test(error.message) ? 'refused' : error.message),
    );
    expect(inserted).toBe(expected === 201 ? 'done' : 'refused');
  });

  test('a message cannot be inserted already sent, nor in another author’s name', async () => {
    const insert = (author: Member, status: Status) =>
      asUser('m1', (tx) =>
        tx.query(
          `INSERT INTO coaching_messages (account_id, conversation_id, author_user_id, rep_user_id, category, body, status)
           VALUES (app_account_id(), $1, $2, $3, 'discovery', 'Ask why.', $4)`,
          [team.callOf.r1, team.ids[author], team.ids.r1, status],
        ),
      );
    await expect(insert('m1', 'sent')).rejects.toThrow(/row-level security/);
    await expect(insert('a1', 'draft')).rejects.toThrow(/row-level security/);
  });

  test('the addressee cannot rewrite a message, nor its author a sent one; nobody moves it to another rep', async () => {
    const id = await insertMessage(backend.testDb.db, team, { author: 'm1', rep: 'r1', status: 'sent' });
    await expect(
      asUser('r1', (tx) =>
        tx.query(`UPDATE coaching_messages SET status = 'acknowledged', body = 'Great job!' WHERE id = $1`, [id]),
      ),
    ).rejects.toThrow(/only its author edits/);
    await expect(
      asUser('m1', (tx) => tx.query(`UPDATE coaching_messages SET body = 'Changed after sending' WHERE id = $1`, [id])),
    ).rejects.toThrow(/only its author edits/);
    await expect(
      asUser('m1', (tx) => tx.query(`UPDATE coaching_messages SET rep_user_id = $2 WHERE id = $1`, [id, team.ids.r2])),
    ).rejects.toThrow(/keeps its call, author and addressee/);
    await expect(
      asUser('r1', (tx) => tx.query(`UPDATE coaching_messages SET status = 'dismissed' WHERE id = $1`, [id])),
    ).rejects.toThrow(/row-level security|may not move/);
    expect(await stateOf(id)).toEqual({ status: 'sent', outcomes: 0 });
    const draft = await insertMessage(backend.testDb.db, team, { author: 'm1', rep: 'r1', status: 'draft' });
    await asUser('m1', (tx) =>
      tx.query(`UPDATE coaching_messages SET body = 'Ask two open questions.' WHERE id = $1`, [draft]),
    );
  });

  test('a history entry must record the state the message is in, by its actor', async () => {
    const id = await insertMessage(backend.testDb.db, team, { author: 'm1', rep: 'r1', status: 'sent' });
    const event = (actor: Member, as: Member, to: Status) =>
      asUser(as, (tx) =>
        tx.query(
          `INSERT INTO coaching_message_events (account_id, message_id, from_status, to_status, actor_user_id)
           VALUES (app_account_id(), $1, 'sent', $2, $3)`,
          [id, to, team.ids[actor]],
        ),
      );
    await expect(event('r1', 'r1', 'acknowledged')).rejects.toThrow(/row-level security/);
    await expect(event('m1', 'r1', 'sent')).rejects.toThrow(/row-level security/);
    await event('r1', 'r1', 'sent');
  });
});
