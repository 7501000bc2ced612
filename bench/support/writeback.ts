// The write-back to HubSpot in the benches: a portal's choice turned on as the settings route
// leaves it, the write scopes granted as an install stores them, and 10,000 records with calls.
import type { Database } from '../../backend/src/db/database.ts';
import { withSystem } from '../../backend/src/db/tenancy.ts';
import { WRITEBACK_SCOPES } from '../../backend/src/hubspot/scopes.ts';

/** Write-back on (scores off), and the write scopes among the portal's granted ones. */
export async function turnWritebackOn(db: Database, accountId: string): Promise<void> {
  await withSystem(db, async (tx) => {
    await tx.query(
      `UPDATE accounts SET settings = jsonb_set(settings, '{writeback}', '{"enabled": true, "includeScores": false}')
        WHERE id = $1`,
      [accountId],
    );
    await tx.query(
      `INSERT INTO api_connections (account_id, provider, auth_type, scopes) VALUES ($1, 'hubspot', 'oauth', $2)
       ON CONFLICT (account_id, provider) DO UPDATE SET scopes = array(SELECT DISTINCT unnest(api_connections.scopes || $2))`,
      [accountId, [...WRITEBACK_SCOPES]],
    );
  });
}

/** One call linked to `records` HubSpot records: 40% contacts, 30% deals, 30% companies. */
export async function seedRecordsWithCalls(db: Database, accountId: string, records: number): Promise<void> {
  await withSystem(db, async (tx) => {
    const call = (
      await tx.query<{ id: string }>(
        `INSERT INTO conversations (account_id, external_id, title, url, started_at)
         VALUES ($1, 'backfill-bench', 'Backfill bench call', 'https://fathom.video/calls/1', now()) RETURNING id`,
        [accountId],
      )
    ).rows[0]!.id;
    await tx.query(
      `INSERT INTO conversation_crm_links (account_id, conversation_id, object_type, object_id, source)
       SELECT $1, $2, CASE WHEN n % 10 < 4 THEN 'contacts' WHEN n % 10 < 7 THEN 'deals' ELSE 'companies' END,
              700000 + n, 'email'
         FROM generate_series(1, $3::int) AS n`,
      [accountId, call, records],
    );
  });
}
