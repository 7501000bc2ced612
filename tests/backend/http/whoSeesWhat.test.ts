import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { withSystem, withTenant } from '../../../backend/src/db/tenancy.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import {
  insertMessage,
  SCORE_OF,
  SHARED_DEAL,
  TEAM,
  seedTeam,
  type Member,
  type TeamFixture,
} from '../../support/teamFixture.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

// The "Who sees what" table of docs/who-sees-what.md, cell by cell, through the card and settings
// API. The team: admins a1, a2; manager m1 manages rep r1; manager m2 manages rep r2; rep r3 has
// no manager. Everyone recorded one call; every call is on deal SHARED_DEAL.

const clientSecret = randomBytes(24).toString('base64url');
let backend: TestBackend;
let team: TeamFixture;
let messages: Record<'a1ToR1Draft' | 'a1ToR1Sent' | 'm1ToR1Draft' | 'm2ToR2Sent' | 'a1ToM2Sent', string>;

beforeAll(async () => {
  backend = await startTestBackend({ HUBSPOT_CLIENT_ID: 'who-sees-what-client', HUBSPOT_CLIENT_SECRET: clientSecret });
  team = await seedTeam(backend.testDb.db, 850);
  const db = backend.testDb.db;
  messages = {
    a1ToR1Draft: await insertMessage(db, team, { author: 'a1', rep: 'r1', status: 'draft' }),
    a1ToR1Sent: await insertMessage(db, team, { author: 'a1', rep: 'r1', status: 'sent' }),
    m1ToR1Draft: await insertMessage(db, team, { author: 'm1', rep: 'r1', status: 'draft' }),
    m2ToR2Sent: await insertMessage(db, team, { author: 'm2', rep: 'r2', status: 'sent' }),
    a1ToM2Sent: await insertMessage(db, team, { author: 'a1', rep: 'm2', status: 'sent' }),
  };
});
afterAll(() => backend.close());

const get = async (who: Member, path: string) => {
  const response = await signedFetch(backend.url, path, {
    clientSecret,
    identity: { portalId: team.hubId, userId: team.hubspotIds[who], userEmail: team.emails[who] },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

/** Whose calls' scores each user sees (everyone sees every call). */
const SCORES_SEEN: Record<Member, Member[]> = {
  a1: [...TEAM],
  a2: [...TEAM],
  m1: ['m1', 'r1'],
  m2: ['m2', 'r2'],
  r1: ['r1'],
  r2: ['r2'],
  r3: ['r3'],
};

describe('calls and their analysis', () => {
  test.each(TEAM)('%s sees every call of the deal, and the scores of the calls in his remit only', async (who) => {
    const list = await get(who, `/api/cards/conversations?objectType=deals&objectId=${SHARED_DEAL}&limit=20`);
    expect(list.status).toBe(200);
    const items = list.body.items as Array<{ id: string; score: number | null }>;
    const byRecorder = Object.fromEntries(
      TEAM.map((m) => [m, items.find((item) => item.id === team.callOf[m])?.score]),
    );
    expect(byRecorder).toEqual(
      Object.fromEntries(TEAM.map((m) => [m, SCORES_SEEN[who].includes(m) ? SCORE_OF[m] : null])),
    );
    expect(list.body.fathom).toBe('connected');
  });

  test.each([
    ['r1', 'r1', true],
    ['r1', 'r2', false],
    ['r1', 'm1', false],
    ['m1', 'r1', true],
    ['m1', 'm1', true],
    ['m1', 'r2', false],
    ['m1', 'r3', false],
    ['a2', 'r3', true],
    ['a2', 'a1', true],
  ] as Array<[Member, Member, boolean]>)(
    "%s opens %s's call: content always, analysis %s",
    async (who, recorder, analysis) => {
      const detail = await get(who, `/api/cards/conversations/${team.callOf[recorder]}`);
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({
        id: team.callOf[recorder],
        transcriptExcerpt: [{ text: 'What would make this quarter a success?' }],
      });
      expect(detail.body.analysis).toEqual(analysis ? expect.objectContaining({ score: SCORE_OF[recorder] }) : null);
    },
  );

  test("a manager's coaching suggestions use the analysis of his reps' calls only", async () => {
    await withSystem(backend.testDb.db, (tx) =>
      tx.query(
        `UPDATE conversation_analyses SET metrics = '{"talkRatio":{"rep":0.95}}' WHERE conversation_id = ANY($1)`,
        [[team.callOf.r1, team.callOf.r2]],
      ),
    );
    const kinds = async (recorder: Member) =>
      (
        (await get('m1', `/api/cards/conversations/${team.callOf[recorder]}/suggestions`)).body.items as Array<{
          kind: string;
        }>
      ).map((s) => s.kind);
    expect(await kinds('r1')).toContain('analysis');
    expect(await kinds('r2')).not.toContain('analysis');
    expect((await get('r1', `/api/cards/conversations/${team.callOf.r1}/suggestions`)).status).toBe(403);
  });

  test('in the database, a rep’s own query of the analyses returns his calls only', async () => {
    const scores = await withTenant(backend.testDb.db, { accountId: team.accountId, userId: team.ids.r2 }, async (tx) =>
      (await tx.query<{ score: number }>('SELECT score FROM conversation_analyses ORDER BY score')).rows.map(
        (r) => r.score,
      ),
    );
    expect(scores).toEqual([SCORE_OF.r2]);
    const unanalysed = await withSystem(
      backend.testDb.db,
      async (tx) =>
        (
          await tx.query<{ id: string }>(
            `INSERT INTO conversations (account_id, external_id, title, started_at, recorded_by_user_id)
         VALUES ($1, 'team-unanalysed', 'Not analysed yet', now(), $2) RETURNING id`,
            [team.accountId, team.ids.r1],
          )
        ).rows[0]!.id,
    );
    await expect(
      withTenant(backend.testDb.db, { accountId: team.accountId, userId: team.ids.m1 }, (tx) =>
        tx.query(
          `INSERT INTO conversation_analyses (account_id, conversation_id, analyser_version, score, metrics)
                  VALUES (app_account_id(), $1, 'forged', 100, '{}')`,
          [unanalysed],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    const updated = await withTenant(backend.testDb.db, { accountId: team.accountId, userId: team.ids.m1 }, (tx) =>
      tx.query(`UPDATE conversation_analyses SET score = 100 WHERE conversation_id = $1`, [team.callOf.r1]),
    );
    expect(updated.rowCount).toBe(0);
  });
});

describe('trends', () => {
  test.each([
    ['r1', 'r1', 200],
    ['r1', 'r2', 403],
    ['r1', 'm1', 403],
    ['m1', 'm1', 200],
    ['m1', 'r1', 200],
    ['m1', 'r2', 403],
    ['m1', 'r3', 403],
    ['a1', 'r3', 200],
    ['a1', 'm2', 200],
  ] as Array<[Member, Member, number]>)("%s asks for %s's trend: %i", async (who, rep, status) => {
    const trend = await get(who, `/api/cards/coaching/trend?repUserId=${team.ids[rep]}`);
    expect(trend.status).toBe(status);
    if (status === 200)
      expect(trend.body.points).toEqual([
        expect.objectContaining({ conversationId: team.callOf[rep], score: SCORE_OF[rep] }),
      ]);
  });
});

describe('coaching', () => {
  const SEEN: Record<Member, Array<keyof typeof messages>> = {
    a1: ['a1ToR1Draft', 'a1ToR1Sent', 'm1ToR1Draft', 'm2ToR2Sent', 'a1ToM2Sent'],
    a2: ['a1ToR1Draft', 'a1ToR1Sent', 'm1ToR1Draft', 'm2ToR2Sent', 'a1ToM2Sent'],
    m1: ['a1ToR1Sent', 'm1ToR1Draft'],
    m2: ['m2ToR2Sent', 'a1ToM2Sent'],
    r1: ['a1ToR1Sent'],
    r2: ['m2ToR2Sent'],
    r3: [],
  };

  test.each(TEAM)('%s sees the coaching of his remit on a record', async (who) => {
    const list = await get(who, `/api/cards/coaching?objectType=deals&objectId=${SHARED_DEAL}`);
    expect(list.status).toBe(200);
    const ids = (list.body.items as Array<{ id: string }>).map((m) => m.id).sort();
    expect(ids).toEqual(SEEN[who].map((key) => messages[key]).sort());
    // The emails of author and addressee come with every message he sees.
    for (const item of list.body.items as Array<{ authorEmail: string; repEmail: string }>) {
      expect(item.authorEmail).toMatch(/@/);
      expect(item.repEmail).toMatch(/@/);
    }
  });
});

describe('the calls a coach may write coaching about', () => {
  // app_may_coach: an admin anyone's call but his own, a manager his reps' only, a rep none.
  const COACHABLE: Record<Member, Member[] | undefined> = {
    a1: ['a2', 'm1', 'm2', 'r1', 'r2', 'r3'],
    a2: ['a1', 'm1', 'm2', 'r1', 'r2', 'r3'],
    m1: ['r1'],
    m2: ['r2'],
    r1: undefined,
    r2: undefined,
    r3: undefined,
  };

  test.each(TEAM)("%s's coaching form offers only the calls he may coach", async (who) => {
    const list = await get(who, `/api/cards/coaching?objectType=deals&objectId=${SHARED_DEAL}`);
    const coachable = list.body.coachable as { calls: number; items: Array<{ id: string }> } | undefined;
    if (!COACHABLE[who]) return expect(coachable).toBeUndefined();
    expect(coachable!.calls).toBe(TEAM.length);
    expect(coachable!.items.map((call) => call.id).sort()).toEqual(COACHABLE[who].map((m) => team.callOf[m]).sort());
  });
});

describe('settings', () => {
  test.each([
    ['a1', 200],
    ['m1', 403],
    ['r1', 403],
  ] as Array<[Member, number]>)('%s opens the settings: %i', async (who, status) => {
    for (const path of [
      '/api/settings/roles',
      '/api/settings/fathom',
      '/api/settings/sync-logs',
      '/api/settings/trackers',
    ]) {
      expect({ path, status: (await get(who, path)).status }).toEqual({ path, status });
    }
  });
});
