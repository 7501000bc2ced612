import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { withSystem } from '../../../backend/src/db/tenancy.ts';
import { signedFetch } from '../../support/signedFetch.ts';
import { seedTenant, type TenantFixture } from '../../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../../support/testBackend.ts';

const clientSecret = randomBytes(24).toString('base64url');
let backend: TestBackend;
let a: TenantFixture;

beforeAll(async () => {
  backend = await startTestBackend({ HUBSPOT_CLIENT_ID: 'idempotency-client', HUBSPOT_CLIENT_SECRET: clientSecret });
  a = await seedTenant(backend.testDb.db, 750);
});
afterAll(() => backend.close());

const create = (body: Record<string, unknown>) =>
  signedFetch(backend.url, '/api/cards/coaching', {
    clientSecret,
    method: 'POST',
    identity: { portalId: 750, userId: 7501, userEmail: 'admin@750.example.com' },
    body: { conversationId: a.conversationIds[1], category: 'discovery', ...body },
  });
const drafts = async (text: string) =>
  withSystem(
    backend.testDb.db,
    async (tx) =>
      (
        await tx.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM coaching_messages WHERE account_id = $1 AND body = $2`,
          [a.accountId, text],
        )
      ).rows[0]!.n,
  );

describe('POST /api/cards/coaching with the card key', () => {
  test("a retried request (hubspot.fetch's retry after a 5xx) answers the first draft and creates no second one", async () => {
    const first = await create({ body: 'Ask about budget earlier.', clientKey: 'card-key-0001' });
    const again = await create({ body: 'Ask about budget earlier.', clientKey: 'card-key-0001' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(((await again.json()) as { id: string }).id).toBe(((await first.json()) as { id: string }).id);
    expect(await drafts('Ask about budget earlier.')).toBe(1);
  });

  test('retries that arrive together still make one draft', async () => {
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => create({ body: 'Summarise the next step.', clientKey: 'card-key-0002' })),
    );
    const ids = new Set(await Promise.all(answers.map(async (answer) => ((await answer.json()) as { id: string }).id)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(201));
    expect(ids.size).toBe(1);
    expect(await drafts('Summarise the next step.')).toBe(1);
  });

  test('a key used for another message is a 409; no key means a new draft each time; a malformed key is a 400', async () => {
    await create({ body: 'One thing.', clientKey: 'card-key-0003' });
    const reused = await create({ body: 'Another thing.', clientKey: 'card-key-0003' });
    expect(reused.status).toBe(409);
    expect(await drafts('Another thing.')).toBe(0);
    await create({ body: 'Without a key.' });
    await create({ body: 'Without a key.' });
    expect(await drafts('Without a key.')).toBe(2);
    expect((await create({ body: 'Bad key.', clientKey: 'no spaces allowed' })).status).toBe(400);
  });
});
