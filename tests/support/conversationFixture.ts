import type { Database } from '../../backend/src/db/database.ts';
import { withSystem } from '../../backend/src/db/tenancy.ts';

export type SeededConversation = { id: string; startedAt: Date };

/**
 * Inserts `count` conversations of one account linked to one HubSpot record, starting an hour
 * apart going back from `newest` (pairs share a start time when `ties` is set, to exercise the
 * id tie-break of the keyset).
 */
export async function seedConversationsOnRecord(
  db: Database,
  options: {
    accountId: string;
    objectType: 'contacts' | 'deals';
    objectId: number;
    count: number;
    newest?: Date;
    ties?: boolean;
    prefix?: string;
  },
): Promise<SeededConversation[]> {
  const newest = options.newest ?? new Date('2026-11-01T12:00:00Z');
  const seeded: SeededConversation[] = [];
  await withSystem(db, async (tx) => {
    for (let i = 0; i < options.count; i++) {
      const hoursBack = options.ties ? Math.floor(i / 2) : i;
      const startedAt = new Date(newest.getTime() - hoursBack * 3_600_000);
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO conversations (account_id, external_id, title, started_at, duration_seconds, action_items)
         VALUES ($1, $2, $3, $4, 600, $5) RETURNING id`,
        [
          options.accountId,
          `${options.prefix ?? 'rec'}-${options.objectType}-${options.objectId}-${i}`,
          `Call ${i}`,
          startedAt,
          JSON.stringify([
            { description: 'Send pricing', completed: false },
            { description: 'Intro', completed: true },
          ]),
        ],
      );
      const id = rows[0]!.id;
      await tx.query(
        `INSERT INTO conversation_crm_links (account_id, conversation_id, object_type, object_id, source)
         VALUES ($1, $2, $3, $4, 'email')`,
        [options.accountId, id, options.objectType, options.objectId],
      );
      seeded.push({ id, startedAt });
    }
    await tx.query('SELECT refresh_conversation_cards($1::uuid[])', [seeded.map((call) => call.id)]);
  });
  return seeded;
}
