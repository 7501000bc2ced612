import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Database } from '../../../backend/src/db/database.ts';
import { withSystem, withTenant } from '../../../backend/src/db/tenancy.ts';
import {
  forgetOldStates,
  issueState,
  newToken,
  spendAtFirstSight,
  spendState,
  STATE_TTL_MS,
  type Issue,
  type Spent,
} from '../../../backend/src/oauth/states.ts';
import { createMigratedDatabase, type TestDatabase } from '../../support/database.ts';
import { seedTenant, type TenantFixture } from '../../support/tenantFixture.ts';

let testDb: TestDatabase;
let db: Database;
let tenant: TenantFixture;

beforeAll(async () => {
  testDb = await createMigratedDatabase();
  db = testDb.db;
  tenant = await seedTenant(db, 7017);
});
afterAll(async () => {
  await testDb?.drop();
});

const inTenMinutes = () => new Date(Date.now() + STATE_TTL_MS);

/** A HubSpot install state: issued before any account exists, so in a system transaction. */
async function installState(issue: Partial<Issue> = {}) {
  const browserNonce = newToken();
  const token = await withSystem(db, (tx) =>
    issueState(tx, { provider: 'hubspot', browserNonce, expiresAt: inTenMinutes(), ...issue }),
  );
  return { token, browserNonce };
}

const spend = (provider: 'hubspot' | 'fathom', token: string | undefined, browserNonce: string | undefined) =>
  spendState(db, { provider, token, browserNonce });

const stored = async (where: string) =>
  (await withSystem(db, (tx) => tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM oauth_states WHERE ${where}`)))
    .rows[0]!.n;

describe('single-use OAuth states', () => {
  test('a state is stored only as a hash, and spent once by the browser it was issued to', async () => {
    const { token, browserNonce } = await installState();
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(await stored(`state_hash = '${token}' OR browser_hash = '${browserNonce}'`)).toBe(0);

    expect(await spend('hubspot', token, browserNonce)).toEqual({ accountId: null, userId: null, backfillSince: null });
    expect(await spend('hubspot', token, browserNonce)).toEqual({ problem: 'reused' });
  });

  test('a spend that meets another one under way waits for it, and then finds the state used', async () => {
    const { token, browserNonce } = await installState();
    const hash = createHash('sha256').update(token).digest('base64url');
    let racing: Promise<Spent> | undefined;
    await withSystem(db, async (tx) => {
      // The other spend: it holds the state's row while it decides, then marks it used.
      await tx.query('SELECT id FROM oauth_states WHERE state_hash = $1 FOR UPDATE', [hash]);
      racing = spend('hubspot', token, browserNonce);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await tx.query('UPDATE oauth_states SET consumed_at = now() WHERE state_hash = $1', [hash]);
    });
    expect(await racing).toEqual({ problem: 'reused' });
  });

  test('an expired state fails, and is spent by the attempt', async () => {
    const { token, browserNonce } = await installState({ expiresAt: new Date(Date.now() - 1000) });
    expect(await spend('hubspot', token, browserNonce)).toEqual({ problem: 'expired' });
    expect(await spend('hubspot', token, browserNonce)).toEqual({ problem: 'reused' });
  });

  test('another browser (another nonce, or none) fails, and spends the state for its own browser too', async () => {
    const first = await installState();
    expect(await spend('hubspot', first.token, newToken())).toEqual({ problem: 'other-browser' });
    expect(await spend('hubspot', first.token, first.browserNonce)).toEqual({ problem: 'reused' });
    const second = await installState();
    expect(await spend('hubspot', second.token, undefined)).toEqual({ problem: 'other-browser' });
  });

  test('a state is unknown to another provider, or for another purpose, and stays unspent for its own', async () => {
    const { token, browserNonce } = await installState();
    expect(await spend('fathom', token, browserNonce)).toEqual({ problem: 'unknown' });
    expect(await spendState(db, { provider: 'hubspot', purpose: 'fathom-confirm', token, browserNonce })).toEqual({
      problem: 'unknown',
    });
    expect(await spend('hubspot', token, browserNonce)).toEqual({ accountId: null, userId: null, backfillSince: null });
  });

  test('anything that is not a token of ours is unknown', async () => {
    for (const junk of [undefined, '', 'x', 'a'.repeat(43), `${newToken()}=`, newToken().slice(1)]) {
      expect(await spend('hubspot', junk, newToken())).toEqual({ problem: 'unknown' });
    }
  });

  test('a state issued inside a tenant names that account and user when spent; purposes keep one kind from being played as another', async () => {
    const who = { accountId: tenant.accountId, userId: tenant.users.admin };
    const browserNonce = newToken();
    const confirmation = await withTenant(db, who, (tx) =>
      issueState(tx, { provider: 'fathom', purpose: 'fathom-confirm', browserNonce, expiresAt: inTenMinutes() }),
    );
    expect(await spend('fathom', confirmation, browserNonce)).toEqual({ problem: 'unknown' });
    expect(
      await spendState(db, { provider: 'fathom', purpose: 'fathom-confirm', token: confirmation, browserNonce }),
    ).toEqual({ ...who, backfillSince: null });
  });

  test('a token made elsewhere (a sealed link) is recorded as spent at its first sighting only', async () => {
    const who = { accountId: tenant.accountId, userId: tenant.users.admin };
    const seen = { provider: 'fathom', purpose: 'fathom-link', token: newToken(), expiresAt: inTenMinutes() } as const;
    expect(await withTenant(db, who, (tx) => spendAtFirstSight(tx, seen))).toBe(true);
    expect(await withTenant(db, who, (tx) => spendAtFirstSight(tx, seen))).toBe(false);
    // It can never be spent as a state: it is spent already.
    expect(await spendState(db, { ...seen, browserNonce: newToken() })).toEqual({ problem: 'reused' });
  });

  test('states that expired more than a day ago are forgotten; the others are kept', async () => {
    const old = await installState({ expiresAt: new Date(Date.now() - 25 * 3600_000) });
    const recent = await installState({ expiresAt: new Date(Date.now() - 3600_000) });
    const live = await installState();
    await withSystem(db, forgetOldStates);
    expect(await spend('hubspot', old.token, old.browserNonce)).toEqual({ problem: 'unknown' });
    expect(await spend('hubspot', recent.token, recent.browserNonce)).toEqual({ problem: 'expired' });
    expect(await spend('hubspot', live.token, live.browserNonce)).toEqual({
      accountId: null,
      userId: null,
      backfillSince: null,
    });
  });
});
