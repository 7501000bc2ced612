import { createMessage, recordOutcome, transitionMessage, type NewMessage } from '../coaching/messages.ts';
import type { Database } from '../db/database.ts';
import { withSystem, withTenant } from '../db/tenancy.ts';
import { storeConversation, type AnalyseFn } from '../sync/storeConversation.ts';
import type { Caller, Role } from '../users/caller.ts';
import { demoConversations } from './demoConversations.ts';

export const DEMO_HUB_ID = 12_345_678;

const PEOPLE: Array<{ email: string; hubspotUserId: number; role: Role; manager?: string }> = [
  { email: 'ada.admin@demo.example.com', hubspotUserId: 9_000_001, role: 'admin' },
  { email: 'mia.manager@demo.example.com', hubspotUserId: 9_000_002, role: 'manager' },
  { email: 'max.manager@demo.example.com', hubspotUserId: 9_000_003, role: 'manager' },
  {
    email: 'rita.rep@demo.example.com',
    hubspotUserId: 9_000_011,
    role: 'rep',
    manager: 'mia.manager@demo.example.com',
  },
  {
    email: 'ravi.rep@demo.example.com',
    hubspotUserId: 9_000_012,
    role: 'rep',
    manager: 'mia.manager@demo.example.com',
  },
  {
    email: 'rosa.rep@demo.example.com',
    hubspotUserId: 9_000_013,
    role: 'rep',
    manager: 'max.manager@demo.example.com',
  },
  {
    email: 'ralf.rep@demo.example.com',
    hubspotUserId: 9_000_014,
    role: 'rep',
    manager: 'max.manager@demo.example.com',
  },
];

const COACHING: Array<Pick<NewMessage, 'category' | 'body'>> = [
  {
    category: 'talk_ratio',
    body: 'You spoke for most of this call. Try pausing after each question and let the buyer fill the silence.',
  },
  {
    category: 'discovery',
    body: 'Great opener. Next time dig one level deeper on how they measure onboarding time today.',
  },
  {
    category: 'objection_handling',
    body: 'When pricing came up you moved on quickly. Acknowledge it, then tie it back to the time saved.',
  },
  { category: 'next_steps', body: 'Strong close: a dated follow-up and a clear owner. Keep doing this on every call.' },
];

export type SeedSummary = {
  hubId: number;
  users: number;
  conversations: { new: number; updated: number; unchanged: number };
  coachingMessages: number;
};

/**
 * A demo portal with users of every role, realistic calls with transcripts and analyses linked to
 * contacts 101–110 and deals 201–205, and coaching in every state. Running it again adds nothing.
 */
export async function seedDemo(
  db: Database,
  options: { hubId?: number; conversations?: number; analyse: AnalyseFn },
): Promise<SeedSummary> {
  const hubId = options.hubId ?? DEMO_HUB_ID;
  const accountId = await withSystem(db, async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO accounts (hub_id, name) VALUES ($1, 'Demo portal')
       ON CONFLICT (hub_id) DO UPDATE SET updated_at = now() RETURNING id`,
      [hubId],
    );
    const id = rows[0]!.id;
    const userIds = new Map<string, string>();
    for (const person of PEOPLE) {
      const user = await tx.query<{ id: string }>(
        `INSERT INTO users (account_id, email, hubspot_user_id, display_name) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id, email) DO UPDATE SET hubspot_user_id = EXCLUDED.hubspot_user_id RETURNING id`,
        [id, person.email, person.hubspotUserId, person.email.split('@')[0]!.replace('.', ' ')],
      );
      userIds.set(person.email, user.rows[0]!.id);
    }
    for (const person of PEOPLE) {
      await tx.query(
        `INSERT INTO user_roles (account_id, user_id, role, manager_user_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id, user_id) DO NOTHING`,
        [id, userIds.get(person.email), person.role, person.manager ? userIds.get(person.manager) : null],
      );
    }
    return id;
  });

  const reps = PEOPLE.filter((p) => p.role === 'rep').map((p) => p.email);
  const calls = demoConversations(options.conversations ?? 50, {
    repEmails: reps,
    contactIds: Array.from({ length: 10 }, (_, i) => 101 + i),
    dealIds: Array.from({ length: 5 }, (_, i) => 201 + i),
  });
  const counts = { new: 0, updated: 0, unchanged: 0 };
  const stored: string[] = [];
  await withTenant(db, { accountId }, async (tx) => {
    for (const call of calls) {
      const result = await storeConversation(tx, call, options.analyse);
      counts[result.change] += 1;
      stored.push(result.conversationId);
    }
  });

  const existingMessages = await withSystem(
    db,
    async (tx) =>
      (
        await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM coaching_messages WHERE account_id = $1', [
          accountId,
        ])
      ).rows[0]!.n,
  );
  let created = 0;
  if (existingMessages === 0 && stored.length > 0) {
    // Each call is coached by the manager of the rep who recorded it (a manager coaches only his reps).
    const managerOf = await withSystem(
      db,
      async (tx) =>
        new Map(
          (
            await tx.query<{ id: string; email: string }>(
              `SELECT c.id, m.email FROM conversations c
           JOIN user_roles r ON r.account_id = c.account_id AND r.user_id = c.recorded_by_user_id
           JOIN users m ON m.account_id = r.account_id AND m.id = r.manager_user_id
          WHERE c.account_id = $1`,
              [accountId],
            )
          ).rows.map((row) => [row.id, row.email]),
        ),
    );
    const coaches = new Map<string, Caller>();
    for (let i = 0; i < 12; i++) {
      const template = COACHING[i % COACHING.length]!;
      const conversationId = stored[i % stored.length]!;
      const email = managerOf.get(conversationId) ?? 'ada.admin@demo.example.com';
      const coach = coaches.get(email) ?? (await callerFor(db, accountId, hubId, email));
      coaches.set(email, coach);
      await withTenant(db, { accountId, userId: coach.userId }, async (tx) => {
        const message = await createMessage(tx, coach, {
          conversationId,
          category: template.category,
          body: template.body,
          momentSeconds: 60 + i * 15,
        });
        if (i % 4 === 3) return; // stays a draft
        await transitionMessage(tx, coach, message.id, 'send');
        if (i % 4 === 1) await recordOutcome(tx, coach, message.id, { result: i % 8 === 1 ? 'applied' : 'not_yet' });
      });
      created += 1;
    }
  }
  return { hubId, users: PEOPLE.length, conversations: counts, coachingMessages: existingMessages || created };
}

async function callerFor(db: Database, accountId: string, hubId: number, email: string): Promise<Caller> {
  return withSystem(db, async (tx) => {
    const { rows } = await tx.query<{ id: string; hubspot_user_id: number; role: Role }>(
      `SELECT u.id, u.hubspot_user_id, r.role FROM users u JOIN user_roles r ON r.user_id = u.id AND r.account_id = u.account_id
        WHERE u.account_id = $1 AND u.email = $2`,
      [accountId, email],
    );
    const row = rows[0]!;
    return { accountId, hubId, userId: row.id, hubspotUserId: row.hubspot_user_id, email, role: row.role };
  });
}
