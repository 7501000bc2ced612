import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Queryable } from '../../../backend/src/db/database.ts';
import { withSystem, withTenant } from '../../../backend/src/db/tenancy.ts';
import { createMigratedDatabase, type TestDatabase } from '../../support/database.ts';
import { seedTeam, type Member, type TeamFixture } from '../../support/teamFixture.ts';

// Row level security on users, api_connections and oauth_states holds the roles too, so a bug in
// the API cannot hand a rep the portal's credentials or let him rewrite the user directory.
// Every statement here runs as the tenant role for one user, exactly as a card request does.

let testDb: TestDatabase;
let team: TeamFixture;

beforeAll(async () => {
  testDb = await createMigratedDatabase();
  team = await seedTeam(testDb.db, 840);
});
afterAll(() => testDb.drop());

const as = <T>(who: Member | null, fn: (tx: Queryable) => Promise<T>) =>
  withTenant(testDb.db, { accountId: team.accountId, userId: who ? team.ids[who] : null }, fn);
const count = async (tx: Queryable, sql: string, params: unknown[] = []) =>
  (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) AS q`, params)).rows[0]!.n;
const emailsSeenBy = (who: Member) =>
  as(who, async (tx) =>
    (await tx.query<{ email: string }>('SELECT email FROM users ORDER BY email')).rows.map(
      (r) => r.email.split('@')[0],
    ),
  );
const systemRow = (sql: string, params: unknown[]) =>
  withSystem(testDb.db, async (tx) => (await tx.query(sql, params)).rows[0]);

describe('users', () => {
  test('a rep reads his own row and his manager’s, no one else’s', async () => {
    expect(await emailsSeenBy('r1')).toEqual(['m1', 'r1']);
    expect(await emailsSeenBy('r3')).toEqual(['r3']);
    await as('r1', async (tx) => expect(await count(tx, 'SELECT 1 FROM users WHERE id = $1', [team.ids.r2])).toBe(0));
  });

  test('a manager reads himself and his reps; an admin and the backend read everyone', async () => {
    expect(await emailsSeenBy('m1')).toEqual(['m1', 'r1']);
    expect(await emailsSeenBy('a1')).toEqual(['a1', 'a2', 'm1', 'm2', 'r1', 'r2', 'r3']);
    expect(await as(null, (tx) => count(tx, 'SELECT 1 FROM users'))).toBe(7);
  });

  test('the author and the addressee of coaching one may see are readable (the card shows their emails)', async () => {
    await withSystem(testDb.db, (tx) =>
      tx.query(
        `INSERT INTO coaching_messages (account_id, conversation_id, author_user_id, rep_user_id, category, body, status)
         VALUES ($1, $2, $3, $4, 'discovery', 'Nice opener.', 'sent')`,
        [team.accountId, team.callOf.r3, team.ids.a2, team.ids.r3],
      ),
    );
    expect(await emailsSeenBy('r3')).toEqual(['a2', 'r3']);
  });

  test.each(['r1', 'm1'] as const)('%s cannot change, add or remove users, his own row included', async (who) => {
    await as(who, async (tx) => {
      expect(
        (await tx.query(`UPDATE users SET email = 'taken@840.example.com' WHERE id = $1`, [team.ids[who]])).rowCount,
      ).toBe(0);
      expect((await tx.query(`UPDATE users SET display_name = 'x' WHERE id = $1`, [team.ids.r1])).rowCount).toBe(0);
      expect((await tx.query(`DELETE FROM users WHERE id = $1`, [team.ids.r1])).rowCount).toBe(0);
    });
    await expect(
      as(who, (tx) =>
        tx.query(`INSERT INTO users (account_id, email) VALUES (app_account_id(), 'sneaky@840.example.com')`),
      ),
    ).rejects.toThrow(/row-level security/);
    expect(await systemRow('SELECT email, display_name FROM users WHERE id = $1', [team.ids[who]])).toEqual({
      email: team.emails[who],
      display_name: who.toUpperCase(),
    });
  });

  test('an admin (settings, import) and the backend (sync) add and change users', async () => {
    await as('a1', async (tx) => {
      await tx.query(`INSERT INTO users (account_id, email) VALUES (app_account_id(), 'new.hire@840.example.com')`);
      expect(
        (await tx.query(`UPDATE users SET display_name = 'New Hire' WHERE email = 'new.hire@840.example.com'`))
          .rowCount,
      ).toBe(1);
    });
    await as(null, async (tx) => {
      expect(
        (await tx.query(`UPDATE users SET display_name = 'Hired' WHERE email = 'new.hire@840.example.com'`)).rowCount,
      ).toBe(1);
    });
  });
});

describe('api_connections and oauth_states', () => {
  test.each(['r1', 'm1'] as const)(
    '%s reads no connection, no state, and no connection through the SQL functions',
    async (who) => {
      await as(who, async (tx) => {
        expect(await count(tx, 'SELECT 1 FROM api_connections')).toBe(0);
        expect(await count(tx, 'SELECT 1 FROM get_fathom_connection()')).toBe(0);
        expect(await count(tx, 'SELECT 1 FROM oauth_states')).toBe(0);
      });
    },
  );

  test.each(['r1', 'm1'] as const)('%s cannot change, add or remove a connection or a state', async (who) => {
    await as(who, async (tx) => {
      expect((await tx.query(`UPDATE api_connections SET webhook_id = 'hijacked'`)).rowCount).toBe(0);
      expect((await tx.query(`DELETE FROM api_connections`)).rowCount).toBe(0);
      expect((await tx.query(`UPDATE oauth_states SET expires_at = now() + interval '1 year'`)).rowCount).toBe(0);
      expect((await tx.query(`DELETE FROM oauth_states`)).rowCount).toBe(0);
    });
    await expect(
      as(who, (tx) =>
        tx.query(
          `SELECT * FROM save_fathom_connection('api_key', 'k9', '\\x01'::bytea, NULL, NULL, NULL, 'wh-evil', '\\x01'::bytea, NULL)`,
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      as(who, (tx) =>
        tx.query(
          `INSERT INTO oauth_states (account_id, user_id, provider, state_hash, expires_at)
           VALUES (app_account_id(), app_user_id(), 'fathom', 'forged-state', now() + interval '1 hour')`,
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    expect(
      await systemRow(`SELECT webhook_id FROM api_connections WHERE account_id = $1 AND provider = 'fathom'`, [
        team.accountId,
      ]),
    ).toEqual({
      webhook_id: 'wh-team',
    });
    expect(
      await systemRow(`SELECT count(*)::int AS n FROM oauth_states WHERE account_id = $1`, [team.accountId]),
    ).toEqual({ n: 1 });
  });

  test('an admin reads and writes them; so does the backend', async () => {
    await as('a2', async (tx) => {
      expect(await count(tx, 'SELECT 1 FROM api_connections')).toBe(1);
      expect(await count(tx, 'SELECT 1 FROM oauth_states')).toBe(1);
      expect((await tx.query(`UPDATE api_connections SET last_error = 'checked by an admin'`)).rowCount).toBe(1);
    });
    await as(null, async (tx) => {
      expect(await count(tx, 'SELECT 1 FROM get_fathom_connection()')).toBe(1);
      expect((await tx.query(`UPDATE api_connections SET sync_cursor = 'page-2'`)).rowCount).toBe(1);
    });
  });

  test('every user still learns whether Fathom is connected, from the account row', async () => {
    const statusFor = (who: Member | null) =>
      as(who, async (tx) => (await tx.query<{ s: string | null }>('SELECT fathom_sync_status() AS s')).rows[0]!.s);
    expect(await statusFor('r1')).toBe('active');
    // The backend marks the connection (a refused refresh); the account row follows.
    await as(null, (tx) => tx.query(`UPDATE api_connections SET status = 'needs_reauth' WHERE provider = 'fathom'`));
    expect(await statusFor('r1')).toBe('needs_reauth');
    await as('a1', (tx) => tx.query(`UPDATE api_connections SET status = 'active' WHERE provider = 'fathom'`));
    expect(await statusFor('m2')).toBe('active');
    await as('a1', (tx) => tx.query(`DELETE FROM api_connections WHERE provider = 'fathom'`));
    expect(await statusFor('r2')).toBeNull();
  });
});

describe('accounts', () => {
  test('reps and managers still cannot change the account; the backend changes only its own', async () => {
    await as('r1', async (tx) =>
      expect((await tx.query(`UPDATE accounts SET settings = '{"mine": "now"}'`)).rowCount).toBe(0),
    );
    await as('m1', async (tx) =>
      expect((await tx.query(`UPDATE accounts SET fathom_status = 'active'`)).rowCount).toBe(0),
    );
    await as(null, async (tx) => expect((await tx.query(`UPDATE accounts SET updated_at = now()`)).rowCount).toBe(1));
  });
});

describe('accounts', () => {
  // Policy accounts_tenant_admin_update lets a tenant admin update his own account's row; the grant
  // limits him to the columns the app changes for him (settings), with the backend's own (the
  // Fathom status, kept by a trigger) and updated_at.
  test.each([
    ['hub_id', '1'],
    ['status', `'uninstalled'`],
    ['purge_after', 'now()'],
    ['uninstalled_at', 'now()'],
    ['installed_at', 'now()'],
    ['name', `'renamed'`],
    ['id', 'gen_random_uuid()'],
    ['created_at', 'now()'],
  ])('a tenant admin cannot update the account column %s', async (column, value) => {
    const before = await systemRow('SELECT * FROM accounts WHERE id = $1', [team.accountId]);
    await expect(as('a1', (tx) => tx.query(`UPDATE accounts SET ${column} = ${value}`))).rejects.toThrow(
      /permission denied/,
    );
    await expect(as(null, (tx) => tx.query(`UPDATE accounts SET ${column} = ${value}`))).rejects.toThrow(
      /permission denied/,
    );
    expect(await systemRow('SELECT * FROM accounts WHERE id = $1', [team.accountId])).toEqual(before);
  });

  test('a tenant admin still updates the settings; the backend still copies the Fathom status', async () => {
    await as('a1', (tx) =>
      tx.query(`UPDATE accounts SET settings = jsonb_set(settings, '{trackers}', '{}'), updated_at = now()`),
    );
    await as(null, (tx) => tx.query(`UPDATE accounts SET fathom_status = 'active'`));
    expect(await systemRow('SELECT settings, fathom_status FROM accounts WHERE id = $1', [team.accountId])).toEqual({
      settings: expect.objectContaining({ trackers: {} }),
      fathom_status: 'active',
    });
  });
});
