// A coaching write and a role change that race: the domain checks the caller's and the rep's roles
// in one statement, the row policies check them again on the INSERT, a statement later with a
// fresh snapshot. A role change committed in between once answered 500 ("new row violates
// row-level security policy"; the card fuzz found it on PostgreSQL). The write is refused all the
// same; the answer says why and what to do. PGlite runs one transaction at a time, so only the
// PostgreSQL run can race; the refusal itself is shown on both engines without a race.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { withCaller } from '../../../backend/src/db/tenancy.ts';
import { Conflict } from '../../../backend/src/errors.ts';
import { engine } from '../../support/database.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { seedTenant, type TenantFixture } from '../../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

const HUB = 760;
const clientSecret = randomBytes(24).toString('base64url');
const admin = { portalId: HUB, userId: HUB * 10 + 1, userEmail: `admin@${HUB}.example.com` };
const manager = { portalId: HUB, userId: HUB * 10 + 2, userEmail: `manager@${HUB}.example.com` };
const REP1 = HUB * 10 + 3;
// Seen failing on the code before the fix in 3 of 4 runs of 100 rounds on PostgreSQL.
const ROUNDS = engine === 'postgres' ? 200 : 20;
let backend: TestBackend;
let tenant: TenantFixture;

beforeAll(async () => {
  backend = await startTestBackend({ HUBSPOT_CLIENT_SECRET: clientSecret });
  tenant = await seedTenant(backend.testDb.db, HUB);
}, 60_000);
afterAll(() => backend.close());

describe('a coaching write while an admin changes roles', () => {
  test('a write the row policies refuse after the domain allowed it is a 409 that says to reload', async () => {
    // The domain's checks skipped: the manager writes to rep 2, whom he does not manage.
    const write = withCaller(
      backend.testDb.db,
      { hubId: HUB, hubspotUserId: manager.userId, email: manager.userEmail },
      { readOnly: false },
      (tx) =>
        tx.query(
          `INSERT INTO coaching_messages (account_id, conversation_id, author_user_id, rep_user_id, category, body)
           VALUES (app_account_id(), $1, app_user_id(), $2, 'pricing', 'not his rep')`,
          [tenant.conversationIds[0], tenant.users.rep2],
        ),
    );
    await expect(write).rejects.toBeInstanceOf(Conflict);
    await expect(write).rejects.toThrow(/changed while this request ran.*Reload and try again/);
  });

  test('the manager drafts on his rep\u2019s call while the rep is made a manager and back, again and again: 201, 403 or 409, never a 5xx', async () => {
    const answers: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const [draft, change] = await Promise.all([
        signedFetch(backend.url, '/api/cards/coaching', {
          clientSecret,
          identity: manager,
          method: 'POST',
          body: { conversationId: tenant.conversationIds[0], category: 'pricing', body: `draft ${i}` },
        }),
        signedFetch(backend.url, '/api/settings/roles', {
          clientSecret,
          identity: admin,
          method: 'PUT',
          body:
            i % 2 === 0
              ? { hubspotUserId: REP1, role: 'manager' }
              : { hubspotUserId: REP1, role: 'rep', managerHubspotUserId: manager.userId },
        }),
      ]);
      expect(change.status).toBe(200);
      answers.push(draft.status);
      if (draft.status >= 400)
        expect(await draft.json()).toEqual({ error: expect.any(String), message: expect.any(String) });
    }
    expect(answers.filter((status) => ![201, 403, 409].includes(status))).toEqual([]);
    expect(backend.log.lines().filter((line) => line.msg === 'unhandled error')).toEqual([]);
    // Both outcomes occurred: the drafts are reaching the handler, not refused before it.
    expect(answers).toContain(201);
    expect(answers).toContain(403);
  }, 60_000);
});
