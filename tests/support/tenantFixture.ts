import { randomUUID } from 'node:crypto';
import { sealContext, type Sealer } from '../../backend/src/crypto/sealer.ts';
import type { Database, Queryable } from '../../backend/src/db/database.ts';
import { withSystem, withTenant } from '../../backend/src/db/tenancy.ts';
import { saveHubSpotTokens } from '../../backend/src/hubspot/tokens.ts';

export type TenantFixture = {
  accountId: string;
  hubId: number;
  users: { admin: string; manager: string; rep1: string; rep2: string };
  conversationIds: string[];
  /** coaching messages: sent to rep1, sent to rep2, a draft to rep1 */
  messages: { toRep1Sent: string; toRep2Sent: string; toRep1Draft: string };
};

async function insertOne(tx: Queryable, sql: string, params: unknown[]): Promise<string> {
  const { rows } = await tx.query<{ id: string }>(`${sql} RETURNING id`, params);
  return rows[0]!.id;
}

/**
 * An account with at least one row in every tenant table, written through the system role, for
 * tests that check isolation and cascades. Rep 1 is managed by the manager; rep 2 by nobody.
 */
export async function seedTenant(db: Database, hubId: number): Promise<TenantFixture> {
  return withSystem(db, async (tx) => {
    const accountId = await insertOne(tx, 'INSERT INTO accounts (hub_id, name) VALUES ($1, $2)', [
      hubId,
      `Portal ${hubId}`,
    ]);
    const user = (email: string, hubspotUserId: number) =>
      insertOne(tx, 'INSERT INTO users (account_id, email, hubspot_user_id, display_name) VALUES ($1, $2, $3, $2)', [
        accountId,
        email,
        hubspotUserId,
      ]);
    const users = {
      admin: await user(`admin@${hubId}.example.com`, hubId * 10 + 1),
      manager: await user(`manager@${hubId}.example.com`, hubId * 10 + 2),
      rep1: await user(`rep1@${hubId}.example.com`, hubId * 10 + 3),
      rep2: await user(`rep2@${hubId}.example.com`, hubId * 10 + 4),
    };
    for (const [key, role] of [
      ['admin', 'admin'],
      ['manager', 'manager'],
      ['rep1', 'rep'],
      ['rep2', 'rep'],
    ] as const) {
      await tx.query('INSERT INTO user_roles (account_id, user_id, role, manager_user_id) VALUES ($1, $2, $3, $4)', [
        accountId,
        users[key],
        role,
        key === 'rep1' ? users.manager : null,
      ]);
    }
    const sealed = Buffer.from(randomUUID());
    await tx.query(
      `INSERT INTO api_connections (account_id, provider, auth_type, key_id, access_token_enc, refresh_token_enc)
       VALUES ($1, 'hubspot', 'oauth', 'k1', $2, $2)`,
      [accountId, sealed],
    );
    const fathom = await insertOne(
      tx,
      `INSERT INTO api_connections (account_id, provider, auth_type, key_id, api_key_enc, webhook_secret_enc, webhook_id)
       VALUES ($1, 'fathom', 'api_key', 'k1', $2, $2, 'wh-1')`,
      [accountId, sealed],
    );
    await tx.query(
      `INSERT INTO oauth_states (account_id, user_id, provider, state_hash, expires_at)
       VALUES ($1, $2, 'fathom', $3, now() + interval '10 minutes')`,
      [accountId, users.admin, `hash-${randomUUID()}`],
    );

    const conversationIds: string[] = [];
    for (let i = 0; i < 2; i++) {
      const conversationId = await insertOne(
        tx,
        `INSERT INTO conversations (account_id, external_id, title, started_at, duration_seconds, recorded_by_user_id, recorded_by_email)
         VALUES ($1, $2, $3, now() - ($4 || ' days')::interval, 1800, $5, $6)`,
        [accountId, `rec-${i}`, `Call ${i} of ${hubId}`, i + 1, users.rep1, `rep1@${hubId}.example.com`],
      );
      conversationIds.push(conversationId);
      await tx.query(
        `INSERT INTO conversation_participants (account_id, conversation_id, participant_key, name, email, is_external)
         VALUES ($1, $2, $3, 'Buyer', $3, true)`,
        [accountId, conversationId, `buyer@customer-${hubId}.example.com`],
      );
      await tx.query(
        `INSERT INTO conversation_crm_links (account_id, conversation_id, object_type, object_id, source)
         VALUES ($1, $2, 'contacts', $3, 'email')`,
        [accountId, conversationId, 1000 + i],
      );
      await tx.query(
        `INSERT INTO transcript_segments (account_id, conversation_id, position, speaker_name, text, start_seconds)
         VALUES ($1, $2, 0, 'Rep One', 'What matters most to you this quarter?', 0)`,
        [accountId, conversationId],
      );
      await tx.query(
        `INSERT INTO conversation_analyses (account_id, conversation_id, analyser_version, score, metrics)
         VALUES ($1, $2, 'test', 70, '{}')`,
        [accountId, conversationId],
      );
    }
    await tx.query(
      `INSERT INTO call_reviews (account_id, conversation_id, transcript_version, status, model, review)
       VALUES ($1, $2, 'v1', 'reviewed', 'test-model',
               '{"qualification":[],"objections":[],"risks":[],"coachingPoints":[],"droppedQuotes":0,"transcriptCut":false}')`,
      [accountId, conversationIds[0]],
    );
    await tx.query(`INSERT INTO ai_token_usage (account_id, day, tokens) VALUES ($1, current_date, 1200)`, [accountId]);
    // What the sync does after writing a call: keep the card's precomputed fields true.
    await tx.query('SELECT refresh_conversation_cards($1::uuid[])', [conversationIds]);
    await tx.query(
      `INSERT INTO sync_logs (account_id, connection_id, kind, status, finished_at, pages)
       VALUES ($1, $2, 'backfill', 'succeeded', now(), 1)`,
      [accountId, fathom],
    );
    await tx.query(
      `INSERT INTO webhook_events (account_id, connection_id, provider, event_id) VALUES ($1, $2, 'fathom', 'msg_1')`,
      [accountId, fathom],
    );
    // What the write-back last wrote to one of the records the calls are linked to.
    await tx.query(
      `INSERT INTO crm_writeback_state (account_id, object_type, object_id, values_hash) VALUES ($1, 'contacts', 1000, 'h1')`,
      [accountId],
    );
    const message = (rep: string, status: string) =>
      insertOne(
        tx,
        `INSERT INTO coaching_messages (account_id, conversation_id, author_user_id, rep_user_id, category, body, status)
         VALUES ($1, $2, $3, $4, 'discovery', 'Ask one more open question.', $5)`,
        [accountId, conversationIds[0], users.admin, rep, status],
      );
    const messages = {
      toRep1Sent: await message(users.rep1, 'sent'),
      toRep2Sent: await message(users.rep2, 'sent'),
      toRep1Draft: await message(users.rep1, 'draft'),
    };
    for (const messageId of Object.values(messages)) {
      await tx.query(
        `INSERT INTO coaching_message_events (account_id, message_id, from_status, to_status, actor_user_id)
         VALUES ($1, $2, NULL, 'draft', $3)`,
        [accountId, messageId, users.admin],
      );
    }
    await tx.query(
      `INSERT INTO coaching_outcomes (account_id, message_id, result, recorded_by_user_id) VALUES ($1, $2, 'applied', $3)`,
      [accountId, messages.toRep1Sent, users.admin],
    );
    await tx.query(
      `INSERT INTO coaching_outcomes (account_id, message_id, result, recorded_by_user_id) VALUES ($1, $2, 'not_yet', $3)`,
      [accountId, messages.toRep2Sent, users.admin],
    );
    return { accountId, hubId, users, conversationIds, messages };
  });
}

/** Every table of the public schema that has an account_id column. */
/**
 * Gives the tenant's Fathom connection a webhook secret, sealed the way connecting Fathom seals it,
 * so its webhook route reaches the signature check; answers the connection's id (the route's).
 */
export async function sealWebhookSecret(
  db: Database,
  sealer: Sealer,
  accountId: string,
  secret: string,
): Promise<string> {
  const sealed = sealer.encrypt(secret, sealContext(accountId, 'fathom', 'webhook_secret'));
  return withSystem(
    db,
    async (tx) =>
      (
        await tx.query<{ id: string }>(
          `UPDATE api_connections SET key_id = $2, webhook_secret_enc = $3 WHERE account_id = $1 AND provider = 'fathom' RETURNING id`,
          [accountId, sealed.keyId, sealed.ciphertext],
        )
      ).rows[0]!.id,
  );
}

/**
 * Gives the tenant a HubSpot connection the backend can open: `accessToken` sealed with the
 * backend's key (seedTenant's are placeholders no key opens), valid for an hour. The HubSpot
 * stand-in must know the token (push it onto its accessTokens).
 */
export async function sealHubSpotToken(db: Database, sealer: Sealer, accountId: string, accessToken: string) {
  await withTenant(db, { accountId }, (tx) =>
    saveHubSpotTokens(
      tx,
      sealer,
      accountId,
      { accessToken, refreshToken: `rt-${randomUUID()}`, expiresInSeconds: 3600 },
      {
        scopes: ['oauth', 'crm.objects.contacts.read', 'crm.objects.deals.read', 'settings.users.read'],
        installingUserId: null,
      },
    ),
  );
}

/**
 * What a sync that died between storing its pages and linking them leaves behind: the tenant's
 * first call waiting for its participants' emails to be looked up. Not part of seedTenant (a sync
 * would look them up first); the schema-wide tests add it so every table has rows.
 */
export async function leavePendingLinks(db: Database, tenant: TenantFixture): Promise<void> {
  await withSystem(db, (tx) =>
    tx.query('INSERT INTO conversation_links_pending (account_id, conversation_id) VALUES ($1, $2)', [
      tenant.accountId,
      tenant.conversationIds[0],
    ]),
  );
}

export async function tenantTables(db: Database): Promise<string[]> {
  const { rows } = await db.query<{ table_name: string }>(
    `SELECT c.relname AS table_name
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'account_id' AND NOT a.attisdropped
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
      ORDER BY c.relname`,
  );
  return rows.map((row) => row.table_name);
}

/** Row counts per tenant table for one account, read through the system role. */
export async function countsFor(db: Database, accountId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const tables = await tenantTables(db);
  await withSystem(db, async (tx) => {
    for (const table of tables) {
      const { rows } = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE account_id = $1`, [
        accountId,
      ]);
      counts[table] = rows[0]!.n;
    }
  });
  return counts;
}
