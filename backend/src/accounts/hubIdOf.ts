import type { Database } from '../db/database.ts';
import { withSystem } from '../db/tenancy.ts';

/** The HubSpot portal id of an account. */
export async function hubIdOf(db: Database, accountId: string): Promise<number> {
  return withSystem(
    db,
    async (tx) =>
      (await tx.query<{ hub_id: number }>('SELECT hub_id FROM accounts WHERE id = $1', [accountId])).rows[0]!.hub_id,
  );
}
