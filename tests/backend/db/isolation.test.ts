import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Queryable } from '../../../backend/src/db/database.ts';
import { withSystem, withTenant } from '../../../backend/src/db/tenancy.ts';
import { createMigratedDatabase, type TestDatabase } from '../../support/database.ts';
import {
  countsFor,
  leavePendingLinks,
  seedTenant,
  tenantTables,
  type TenantFixture,
} from '../../support/tenantFixture.ts';

// Every tenant table. The first test fails when a table is added without being listed here,
// so the matrix below always covers the whole schema.
const TABLES = [
  'ai_token_usage',
  'api_connections',
  'call_reviews',
  'coaching_message_events',
  'coaching_messages',
  'coaching_outcomes',
  'conversation_analyses',
  'conversation_crm_links',
  'conversation_links_pending',
  'conversation_participants',
  'conversations',
  'crm_writeback_state',
  'oauth_states',
  'sync_logs',
  'transcript_segments',
  'user_roles',
  'users',
  'webhook_events',
];

let testDb: TestDatabase;
let a: TenantFixture;
let b: TenantFixture;

beforeAll(async () => {
  testDb = await createMigratedDatabase();
  a = await seedTenant(testDb.db, 101);
  b = await seedTenant(testDb.db, 202);
  await leavePendingLinks(testDb.db, a);
  await leavePendingLinks(testDb.db, b);
});
afterAll(() => testDb.drop());

const asAdminOfA = <T>(fn: (tx: Queryable) => Promise<T>) =>
  withTenant(testDb.db, { accountId: a.accountId, userId: a.users.admin }, fn);
const count = async (tx: Queryable, sql: string, params: unknown[] = []) =>
  (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) AS q`, params)).rows[0]!.n;

describe('tenant isolation', () => {
  test('the matrix covers every table with an account_id, and the fixture fills each for both accounts', async () => {
    expect(await tenantTables(testDb.db)).toEqual(TABLES);
    for (const fixture of [a, b]) {
      const counts = await countsFor(testDb.db, fixture.accountId);
      for (const table of TABLES) expect({ table, rows: counts[table]! > 0 }).toEqual({ table, rows: true });
    }
  });

  describe.each(TABLES)('%s', (table) => {
    test("tenant A sees all of its own rows and none of B's", async () => {
      const own = (await countsFor(testDb.db, a.accountId))[table];
      await asAdminOfA(async (tx) => {
        expect(await count(tx, `SELECT 1 FROM ${table} WHERE account_id = $1`, [b.accountId])).toBe(0);
        expect(await count(tx, `SELECT 1 FROM ${table}`)).toBe(own);
      });
    });

    test("tenant A's updates and deletes of B's rows touch nothing", async () => {
      const before = await countsFor(testDb.db, b.accountId);
      await asAdminOfA(async (tx) => {
        const updated = await tx.query(`UPDATE ${table} SET account_id = account_id WHERE account_id = $1`, [
          b.accountId,
        ]);
        expect(updated.rowCount).toBe(0);
        const deleted = await tx.query(`DELETE FROM ${table} WHERE account_id = $1`, [b.accountId]);
        expect(deleted.rowCount).toBe(0);
      });
      expect(await countsFor(testDb.db, b.accountId)).toEqual(before);
    });

    test('tenant A cannot insert a row that belongs to B', async () => {
      // A copy of one of B's rows with a fresh primary key: only row level security stops it.
      const row = await withSystem(testDb.db, async (tx) => {
        const { rows } = await tx.query<{ row: Record<string, unknown> }>(
          `SELECT row_to_json(t.*) AS row FROM ${table} t WHERE account_id = $1 LIMIT 1`,
          [b.accountId],
        );
        return rows[0]!.row;
      });
      if (typeof row.id === 'string') row.id = randomUUID();
      if (typeof row.id === 'number') row.id = 9_000_000_000 + Math.floor(Math.random() * 1e6);
      if (typeof row.state_hash === 'string') row.state_hash = `copy-${randomUUID()}`;
      // Generated columns compute themselves; every other column is copied.
      const { rows: columns } = await testDb.db.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns
          WHERE table_schema = 'public' AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`,
        [table],
      );
      const list = columns.map((c) => `"${c.column_name}"`).join(', ');
      await expect(
        asAdminOfA((tx) =>
          tx.query(
            `INSERT INTO ${table} (${list}) OVERRIDING SYSTEM VALUE SELECT ${list} FROM json_populate_record(NULL::${table}, $1::json)`,
            [JSON.stringify(row)],
          ),
        ),
      ).rejects.toThrow(/row-level security/);
    });

    test('with no tenant set, nothing is visible', async () => {
      const visible = await testDb.db.transaction(async (tx) => {
        await tx.query(`SELECT set_config('role', 'fathom_app_tenant', true)`);
        return count(tx, `SELECT 1 FROM ${table}`);
      });
      expect(visible).toBe(0);
    });
  });

  test('a tenant sees only its own account row, and none without a tenant', async () => {
    const hubIds = await asAdminOfA(
      async (tx) => (await tx.query<{ hub_id: number }>('SELECT hub_id FROM accounts')).rows,
    );
    expect(hubIds).toEqual([{ hub_id: 101 }]);
    const none = await testDb.db.transaction(async (tx) => {
      await tx.query(`SELECT set_config('role', 'fathom_app_tenant', true)`);
      return count(tx, 'SELECT 1 FROM accounts');
    });
    expect(none).toBe(0);
  });

  test("a row of A cannot point at B's conversation", async () => {
    await expect(
      asAdminOfA((tx) =>
        tx.query(
          `INSERT INTO conversation_crm_links (account_id, conversation_id, object_type, object_id, source)
           VALUES ($1, $2, 'deals', 77, 'manual')`,
          [a.accountId, b.conversationIds[0]],
        ),
      ),
    ).rejects.toThrow(/foreign key|null value|violates/);
  });

  test('the tenant is gone after the transaction: the next one on the connection sees nothing', async () => {
    await asAdminOfA((tx) => count(tx, 'SELECT 1 FROM conversations'));
    const after = await testDb.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ account: string | null; role: string }>(
        `SELECT nullif(current_setting('app.account_id', true), '') AS account, current_user AS role`,
      );
      return rows[0]!;
    });
    expect(after.account).toBeNull();
    expect(after.role).not.toBe('fathom_app_tenant');
  });
});

describe('role-private coaching in the database', () => {
  const as = <T>(userId: string, fn: (tx: Queryable) => Promise<T>) =>
    withTenant(testDb.db, { accountId: a.accountId, userId }, fn);
  const visibleMessages = (userId: string) =>
    as(userId, async (tx) =>
      (await tx.query<{ id: string }>('SELECT id FROM coaching_messages ORDER BY id')).rows.map((r) => r.id).sort(),
    );

  test('an admin sees every message of the account', async () => {
    expect(await visibleMessages(a.users.admin)).toEqual(Object.values(a.messages).sort());
  });

  test("a manager sees his reps' sent messages, not someone else's drafts to them, and not other reps'", async () => {
    expect(await visibleMessages(a.users.manager)).toEqual([a.messages.toRep1Sent]);
  });

  test('a rep sees only sent messages addressed to him', async () => {
    expect(await visibleMessages(a.users.rep1)).toEqual([a.messages.toRep1Sent]);
    expect(await visibleMessages(a.users.rep2)).toEqual([a.messages.toRep2Sent]);
  });

  test("a rep cannot read another rep's coaching even with a hand-written query", async () => {
    await as(a.users.rep1, async (tx) => {
      expect(await count(tx, 'SELECT 1 FROM coaching_messages WHERE rep_user_id = $1', [a.users.rep2])).toBe(0);
      expect(await count(tx, 'SELECT 1 FROM coaching_messages WHERE id = $1', [a.messages.toRep2Sent])).toBe(0);
      expect(await count(tx, 'SELECT 1 FROM coaching_outcomes WHERE message_id = $1', [a.messages.toRep2Sent])).toBe(0);
      expect(
        await count(tx, 'SELECT 1 FROM coaching_message_events WHERE message_id = $1', [a.messages.toRep2Sent]),
      ).toBe(0);
      expect(await count(tx, 'SELECT 1 FROM coaching_outcomes')).toBe(1);
    });
  });

  test('a rep cannot write coaching, nor change a message addressed to someone else', async () => {
    await expect(
      as(a.users.rep1, (tx) =>
        tx.query(
          `INSERT INTO coaching_messages (account_id, conversation_id, author_user_id, rep_user_id, category, body)
           VALUES ($1, $2, $3, $4, 'discovery', 'self-praise')`,
          [a.accountId, a.conversationIds[0], a.users.rep1, a.users.rep2],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    const updated = await as(a.users.rep1, (tx) =>
      tx.query(`UPDATE coaching_messages SET status = 'acknowledged' WHERE id = $1`, [a.messages.toRep2Sent]),
    );
    expect(updated.rowCount).toBe(0);
  });

  test('a rep cannot promote himself; an admin can change roles', async () => {
    const selfPromotion = await as(a.users.rep1, (tx) =>
      tx.query(`UPDATE user_roles SET role = 'admin' WHERE user_id = $1`, [a.users.rep1]),
    );
    expect(selfPromotion.rowCount).toBe(0);
    await expect(
      as(a.users.rep1, (tx) =>
        tx
          .query(`INSERT INTO users (account_id, email) VALUES ($1, 'sneaky@example.com') RETURNING id`, [a.accountId])
          .then((r) =>
            tx.query(`INSERT INTO user_roles (account_id, user_id, role) VALUES ($1, $2, 'admin')`, [
              a.accountId,
              (r.rows[0] as { id: string }).id,
            ]),
          ),
      ),
    ).rejects.toThrow(/row-level security/);
    await withTenant(testDb.db, { accountId: a.accountId, userId: a.users.admin }, async (tx) => {
      const { rowCount } = await tx.query(`UPDATE user_roles SET role = 'manager' WHERE user_id = $1`, [a.users.rep2]);
      expect(rowCount).toBe(1);
      await tx.query(`UPDATE user_roles SET role = 'rep' WHERE user_id = $1`, [a.users.rep2]);
    });
  });
});

describe('connection functions of the current tenant', () => {
  test('save and get the HubSpot and Fathom connections of the tenant in the transaction only', async () => {
    const sealed = Buffer.from('ciphertext-bytes');
    await withTenant(testDb.db, { accountId: a.accountId }, async (tx) => {
      await tx.query(
        `SELECT * FROM save_hubspot_connection('k2', $1, $1, now() + interval '30 minutes', '{oauth}', '42')`,
        [sealed],
      );
      await tx.query(`SELECT * FROM save_fathom_connection('api_key', 'k2', $1, NULL, NULL, NULL, 'wh-9', $1, NULL)`, [
        sealed,
      ]);
    });
    const read = (accountId: string) =>
      withTenant(testDb.db, { accountId }, async (tx) => ({
        hubspot: (
          await tx.query<{ account_id: string; key_id: string }>(
            'SELECT account_id, key_id FROM get_hubspot_connection()',
          )
        ).rows,
        fathom: (
          await tx.query<{ account_id: string; webhook_id: string }>(
            'SELECT account_id, webhook_id FROM get_fathom_connection()',
          )
        ).rows,
      }));
    expect(await read(a.accountId)).toEqual({
      hubspot: [{ account_id: a.accountId, key_id: 'k2' }],
      fathom: [{ account_id: a.accountId, webhook_id: 'wh-9' }],
    });
    const ofB = await read(b.accountId);
    expect(ofB.hubspot).toEqual([{ account_id: b.accountId, key_id: 'k1' }]);
    expect(ofB.fathom).toEqual([{ account_id: b.accountId, webhook_id: 'wh-1' }]);
  });

  test('without a tenant the functions refuse instead of picking an account', async () => {
    await expect(withSystem(testDb.db, (tx) => tx.query('SELECT * FROM get_hubspot_connection()'))).rejects.toThrow(
      /no tenant is set/,
    );
  });
});
