// The AI review end to end: Fathom (stand-in) → sync → consent → the review job → the call's
// detail card, with an OpenAI-compatible stand-in as the model; what each role sees; a re-sync
// that asks nothing; a failing model that leaves the sync and the rules analysis intact.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { AiReview, AiSettings } from '../../../../hubspot-app/app/packages/ui-shared/types.ts';
import { REVIEW_QUEUES } from '../../../../backend/src/coaching/review/reviewJobs.ts';
import { withSystem } from '../../../../backend/src/db/tenancy.ts';
import { SYNC_QUEUES } from '../../../../backend/src/sync/syncJobs.ts';
import { startFathomStandIn, type FathomStandIn } from '../../../support/fathomStandIn.ts';
import { startOpenAiStandIn, type OpenAiStandIn } from '../../../support/openAiStandIn.ts';
import { goodAnswer } from '../../../support/reviewAnswers.ts';
import { signedFetch } from '../../../support/signedFetch.ts';
import { seedTenant, type TenantFixture } from '../../../support/tenantFixture.ts';
import { startTestBackend, type TestBackend } from '../../../support/testBackend.ts';
import { jobCount, waitForIdleQueues } from '../../../support/queues.ts';
import { waitFor } from '../../../support/waitFor.ts';

const clientSecret = randomBytes(24).toString('base64url');
const HUB = 7272;
let fathom: FathomStandIn;
let llm: OpenAiStandIn;
let backend: TestBackend;
let tenant: TenantFixture;
let connectionId: string;
let webhookSecret: string;

beforeAll(async () => {
  fathom = await startFathomStandIn({ count: 6, pageSize: 10, newest: new Date(Date.now() - 60_000) });
  llm = await startOpenAiStandIn({ answer: goodAnswer });
  backend = await startTestBackend(
    {
      HUBSPOT_CLIENT_ID: 'review-test',
      HUBSPOT_CLIENT_SECRET: clientSecret,
      FATHOM_API_BASE: fathom.baseUrl,
      LLM_BASE_URL: llm.baseUrl,
      LLM_MODEL: 'stand-in-model',
      LLM_API_KEY: llm.apiKey,
    },
    { workers: true, modelTimeoutMs: 2_000 },
  );
  tenant = await seedTenant(backend.testDb.db, HUB);
  await withSystem(backend.testDb.db, async (tx) => {
    await tx.query(`DELETE FROM api_connections WHERE account_id = $1 AND provider = 'fathom'`, [tenant.accountId]);
    // The fixture's review row is a placeholder: this test makes real ones.
    await tx.query(`DELETE FROM call_reviews WHERE account_id = $1`, [tenant.accountId]);
  });
}, 60_000);
afterAll(async () => {
  await backend.close();
  await llm.close();
  await fathom.close();
});

type Who = 'admin' | 'manager' | 'rep1' | 'rep2';
const USER_NO: Record<Who, number> = { admin: 1, manager: 2, rep1: 3, rep2: 4 };
const as = (who: Who, path: string, init: { method?: string; body?: unknown } = {}) =>
  signedFetch(backend.url, path, {
    clientSecret,
    identity: { portalId: HUB, userId: HUB * 10 + USER_NO[who], userEmail: `${who}@${HUB}.example.com` },
    ...init,
  });

// The queues whose jobs decide whether a call goes to the model: the syncs, then the sweeps they ask for.
const SYNC_AND_REVIEW = [...Object.values(SYNC_QUEUES), ...Object.values(REVIEW_QUEUES)];
const scalar = async (sql: string, params: unknown[] = []) =>
  (await withSystem(backend.testDb.db, (tx) => tx.query<{ n: number }>(sql, params))).rows[0]!.n;
const reviewed = () =>
  scalar(`SELECT count(*)::int AS n FROM call_reviews WHERE account_id = $1 AND status = 'reviewed'`, [
    tenant.accountId,
  ]);
const withTranscript = () =>
  scalar(`SELECT count(DISTINCT conversation_id)::int AS n FROM transcript_segments WHERE account_id = $1`, [
    tenant.accountId,
  ]);

const detail = async (who: Who, id: string) =>
  (await (await as(who, `/api/cards/conversations/${id}`)).json()) as {
    aiReview: AiReview | null;
    analysis: unknown;
  };

describe('before consent', () => {
  test('the settings say which model and where transcripts go; only admins read or change them', async () => {
    const response = await as('admin', '/api/settings/ai');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      enabled: false,
      available: true,
      model: 'stand-in-model',
      destination: new URL(llm.baseUrl).origin,
    } satisfies AiSettings);
    expect((await as('manager', '/api/settings/ai')).status).toBe(403);
    expect((await as('rep1', '/api/settings/ai', { method: 'PUT', body: { enabled: true } })).status).toBe(403);
    expect((await as('admin', '/api/settings/ai', { method: 'PUT', body: { enabled: 'yes' } })).status).toBe(400);
  });

  test('a synced portal without consent sends the model nothing', async () => {
    const response = await as('admin', '/api/settings/fathom', { method: 'PUT', body: { apiKey: fathom.apiKey } });
    expect(response.status).toBe(200);
    connectionId = ((await response.json()) as { connectionId: string }).connectionId;
    webhookSecret = [...fathom.webhooks.values()][0]!.secret;
    await waitFor(
      async () =>
        (await scalar('SELECT count(*)::int AS n FROM conversations WHERE account_id = $1', [tenant.accountId])) === 8,
      'the backfill',
    );
    // The backfill has ended, and so have the review sweeps it asked for after storing calls.
    await waitForIdleQueues(backend.testDb.db, SYNC_AND_REVIEW, 'the backfill and its sweeps');
    expect(await jobCount(backend.testDb.db, REVIEW_QUEUES.call)).toBe(0);
    expect(llm.requests).toHaveLength(0);
  });
});

describe('with consent', () => {
  test('turned on, the newest calls are reviewed, two at a time, and the detail card carries the review', async () => {
    // Answers that take a while, so the reviews would overlap if the worker let them.
    llm.fallback = { kind: 'slow', delayMs: 300 };
    const response = await as('admin', '/api/settings/ai', { method: 'PUT', body: { enabled: true } });
    expect(await response.json()).toMatchObject({ enabled: true, available: true });
    const wanted = await withTranscript();
    await waitFor(async () => (await reviewed()) === wanted, 'the reviews of the newest calls');
    expect(llm.requests).toHaveLength(wanted);
    expect(llm.maxInFlight).toBe(2);
    llm.fallback = { kind: 'answer' };
    const { aiReview } = await detail('admin', tenant.conversationIds[0]!);
    expect(aiReview).toMatchObject({ model: 'stand-in-model', droppedQuotes: 0, transcriptCut: false });
    expect(aiReview!.qualification).toHaveLength(7);
  });

  test("a rep sees the review of his own calls, not another rep's; a colleague who shares the record sees the call only", async () => {
    // The fixture's calls were recorded by rep 1, managed by the manager.
    const call = tenant.conversationIds[0]!;
    expect((await detail('rep1', call)).aiReview).not.toBeNull();
    expect((await detail('manager', call)).aiReview).not.toBeNull();
    const other = await detail('rep2', call);
    expect(other.aiReview).toBeNull();
    expect(other.analysis).toBeNull();
  });

  test("the review's coaching points are suggestions for the coach, with their second", async () => {
    const call = tenant.conversationIds[0]!;
    const { items } = (await (await as('manager', `/api/cards/conversations/${call}/suggestions`)).json()) as {
      items: Array<{ kind: string; momentSeconds?: number | null; category: string }>;
    };
    const fromReview = items.filter((item) => item.kind === 'ai_review');
    expect(fromReview.length).toBeGreaterThan(0);
    expect(fromReview[0]).toMatchObject({ category: 'discovery', momentSeconds: expect.any(Number) });
  });

  test('a sync that finds nothing new asks the model nothing', async () => {
    const before = llm.requests.length;
    const reviewJobs = await jobCount(backend.testDb.db, REVIEW_QUEUES.call);
    const logs = () =>
      scalar(`SELECT count(*)::int AS n FROM sync_logs WHERE account_id = $1 AND status = 'succeeded'`, [
        tenant.accountId,
      ]);
    const done = await logs();
    expect((await as('admin', '/api/settings/sync', { method: 'POST' })).status).toBe(202);
    await waitFor(async () => (await logs()) > done, 'the second sync');
    await waitForIdleQueues(backend.testDb.db, SYNC_AND_REVIEW, 'the second sync and its sweep');
    expect(await jobCount(backend.testDb.db, REVIEW_QUEUES.call)).toBe(reviewJobs);
    expect(llm.requests.length).toBe(before);
  });

  const deliver = async (title: string) => {
    const recordingId = 900_000 + Math.floor(Math.random() * 99_999);
    const meeting = { ...fathom.meetings[0]!, recording_id: recordingId, title, created_at: new Date().toISOString() };
    const delivered = await fathom.deliverWebhook({
      url: `${backend.url}/webhooks/fathom/${connectionId}`,
      secret: webhookSecret,
      body: meeting,
      id: `msg_${randomUUID()}`,
    });
    expect(delivered.status).toBe(200);
    let id: string | undefined;
    await waitFor(async () => {
      id = (
        await withSystem(backend.testDb.db, (tx) =>
          tx.query<{ id: string }>(`SELECT id FROM conversations WHERE external_id = $1`, [String(recordingId)]),
        )
      ).rows[0]?.id;
      return id !== undefined;
    }, 'the webhook meeting');
    return id!;
  };

  test('a call pushed by webhook gets its review', async () => {
    const id = await deliver('Pushed with consent');
    await waitFor(async () => (await detail('admin', id)).aiReview !== null, 'the review on the card');
  });

  test('a 429 is tried again as a later job, after the Retry-After the model asked for', async () => {
    llm.script.push({ kind: 'status', status: 429, retryAfter: '2' });
    const title = 'Pushed while the model is rate limited';
    const id = await deliver(title);
    await waitFor(async () => (await detail('admin', id)).aiReview !== null, 'the review after the 429');
    const asked = llm.requests.filter((request) => request.body.messages.some((m) => m.content.includes(title)));
    expect(asked).toHaveLength(2);
    expect(asked[1]!.at - asked[0]!.at).toBeGreaterThanOrEqual(2_000);
  });

  test('a failing model leaves the sync and the rules analysis intact, and the key is in no log', async () => {
    llm.fallback = { kind: 'status', status: 500 };
    const before = llm.requests.length;
    const id = await deliver('Pushed while the model fails');
    await waitFor(async () => llm.requests.length > before, 'the review request');
    const card = await detail('admin', id);
    expect(card.analysis).not.toBeNull();
    expect(card.aiReview).toBeNull();
    expect(
      await scalar(`SELECT count(*)::int AS n FROM webhook_events WHERE account_id = $1 AND status = 'processed'`, [
        tenant.accountId,
      ]),
    ).toBeGreaterThanOrEqual(2);
    await waitFor(
      async () => (await scalar(`SELECT count(*)::int AS n FROM call_reviews WHERE conversation_id = $1`, [id])) === 1,
      'the failure noted',
    );
    expect(backend.log.text()).toContain('ai review');
    expect(backend.log.text()).not.toContain(llm.apiKey);
  });
});
