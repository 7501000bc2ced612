import type { Database, Queryable } from '../../backend/src/db/database.ts';
import { withSystem } from '../../backend/src/db/tenancy.ts';
import type { Role } from '../../backend/src/users/caller.ts';

/**
 * A portal with two teams, for the role tests (docs/who-sees-what.md):
 * admins a1 and a2; manager m1 manages rep r1, manager m2 manages rep r2; rep r3 has no manager.
 * Everyone recorded one call, linked to contact CONTACT_OF[key] and analysed with score SCORE_OF[key].
 */
export const TEAM = ['a1', 'a2', 'm1', 'm2', 'r1', 'r2', 'r3'] as const;
export type Member = (typeof TEAM)[number];

const ROLE_OF: Record<Member, Role> = {
  a1: 'admin',
  a2: 'admin',
  m1: 'manager',
  m2: 'manager',
  r1: 'rep',
  r2: 'rep',
  r3: 'rep',
};
const MANAGER_OF: Partial<Record<Member, Member>> = { r1: 'm1', r2: 'm2' };
export const CONTACT_OF: Record<Member, number> = { a1: 501, a2: 502, m1: 503, m2: 504, r1: 505, r2: 506, r3: 507 };
export const SCORE_OF: Record<Member, number> = { a1: 61, a2: 62, m1: 63, m2: 64, r1: 65, r2: 66, r3: 67 };
/** A deal that every call is linked to as well. */
export const SHARED_DEAL = 900;

export type TeamFixture = {
  accountId: string;
  hubId: number;
  ids: Record<Member, string>;
  hubspotIds: Record<Member, number>;
  emails: Record<Member, string>;
  /** The call each member recorded. */
  callOf: Record<Member, string>;
};

const one = async (tx: Queryable, sql: string, params: unknown[]) =>
  (await tx.query<{ id: string }>(sql, params)).rows[0]!.id;

export async function seedTeam(db: Database, hubId: number): Promise<TeamFixture> {
  return withSystem(db, async (tx) => {
    const accountId = await one(tx, `INSERT INTO accounts (hub_id, name) VALUES ($1, 'Team portal') RETURNING id`, [
      hubId,
    ]);
    const ids = {} as Record<Member, string>;
    const hubspotIds = {} as Record<Member, number>;
    const emails = {} as Record<Member, string>;
    for (const [index, key] of TEAM.entries()) {
      hubspotIds[key] = hubId * 100 + index + 1;
      emails[key] = `${key}@team-${hubId}.example.com`;
      ids[key] = await one(
        tx,
        `INSERT INTO users (account_id, hubspot_user_id, email, display_name) VALUES ($1, $2, $3, $4) RETURNING id`,
        [accountId, hubspotIds[key], emails[key], key.toUpperCase()],
      );
    }
    for (const key of TEAM) {
      const manager = MANAGER_OF[key];
      await tx.query('INSERT INTO user_roles (account_id, user_id, role, manager_user_id) VALUES ($1, $2, $3, $4)', [
        accountId,
        ids[key],
        ROLE_OF[key],
        manager ? ids[manager] : null,
      ]);
    }
    await tx.query(
      `INSERT INTO api_connections (account_id, provider, auth_type, key_id, api_key_enc, webhook_secret_enc, webhook_id)
       VALUES ($1, 'fathom', 'api_key', 'k1', '\\x00'::bytea, '\\x00'::bytea, 'wh-team')`,
      [accountId],
    );
    await tx.query(
      `INSERT INTO oauth_states (account_id, user_id, provider, state_hash, expires_at)
       VALUES ($1, $2, 'fathom', $3, now() + interval '10 minutes')`,
      [accountId, ids.a1, `team-state-${hubId}`],
    );
    const callOf = {} as Record<Member, string>;
    for (const [index, key] of TEAM.entries()) {
      callOf[key] = await one(
        tx,
        `INSERT INTO conversations (account_id, external_id, title, started_at, duration_seconds, recorded_by_user_id, recorded_by_email)
         VALUES ($1, $2, $3, now() - ($4 || ' hours')::interval, 600, $5, $6) RETURNING id`,
        [accountId, `team-${key}`, `Call by ${key}`, index + 1, ids[key], emails[key]],
      );
      for (const [type, objectId] of [
        ['contacts', CONTACT_OF[key]],
        ['deals', SHARED_DEAL],
      ] as const) {
        await tx.query(
          `INSERT INTO conversation_crm_links (account_id, conversation_id, object_type, object_id, source) VALUES ($1, $2, $3, $4, 'email')`,
          [accountId, callOf[key], type, objectId],
        );
      }
      await tx.query(
        `INSERT INTO transcript_segments (account_id, conversation_id, position, speaker_name, text, start_seconds)
         VALUES ($1, $2, 0, $3, 'What would make this quarter a success?', 0)`,
        [accountId, callOf[key], key.toUpperCase()],
      );
      await tx.query(
        `INSERT INTO conversation_analyses (account_id, conversation_id, analyser_version, score, metrics)
         VALUES ($1, $2, 'test', $3, '{"talkRatio":{"rep":0.5}}')`,
        [accountId, callOf[key], SCORE_OF[key]],
      );
    }
    // The card fields (participants, score) are kept at write time, as every write path does.
    await tx.query('SELECT refresh_conversation_cards($1::uuid[])', [Object.values(callOf)]);
    return { accountId, hubId, ids, hubspotIds, emails, callOf };
  });
}

/** A coaching message in a given state, written by the system role (the test then acts on it). */
export async function insertMessage(
  db: Database,
  team: TeamFixture,
  message: { author: Member; rep: Member; status: 'draft' | 'sent' | 'acknowledged' | 'dismissed' },
): Promise<string> {
  return withSystem(db, (tx) =>
    one(
      tx,
      `INSERT INTO coaching_messages (account_id, conversation_id, author_user_id, rep_user_id, category, body, status, sent_at)
       VALUES ($1, $2, $3, $4, 'discovery', 'Ask one more open question.', $5, CASE WHEN $5 = 'draft' THEN NULL ELSE now() END)
       RETURNING id`,
      [team.accountId, team.callOf[message.rep], team.ids[message.author], team.ids[message.rep], message.status],
    ),
  );
}
