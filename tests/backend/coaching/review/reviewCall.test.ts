// The AI review of one call against an OpenAI-compatible stand-in: what is asked, what is kept,
// and how each way a model fails (429, 500, slow, not JSON, invented quotes) ends.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { ruleBasedAnalyser } from '../../../../backend/src/coaching/analysis/ruleBasedAnalyser.ts';
import { saveAiConsent } from '../../../../backend/src/coaching/review/aiConsent.ts';
import type { StoredReview } from '../../../../backend/src/coaching/review/groundedReview.ts';
import { MAX_ATTEMPTS, reviewCall, type ReviewDeps } from '../../../../backend/src/coaching/review/reviewCall.ts';
import { openAiReviewModel } from '../../../../backend/src/coaching/review/reviewModel.ts';
import { withSystem, withTenant } from '../../../../backend/src/db/tenancy.ts';
import { seedDemo } from '../../../../backend/src/seed/seedDemo.ts';
import { analyseFnFor } from '../../../../backend/src/sync/analyseMeeting.ts';
import { createMigratedDatabase, type TestDatabase } from '../../../support/database.ts';
import { startOpenAiStandIn, type ChatRequest, type OpenAiStandIn } from '../../../support/openAiStandIn.ts';
import { INVENTED, answerWith, goodAnswer, inventedAnswer, promptLines } from '../../../support/reviewAnswers.ts';

let testDb: TestDatabase;
let llm: OpenAiStandIn;
let deps: ReviewDeps;
let accountId: string;
let calls: string[];
let answer: (request: ChatRequest) => string = goodAnswer;

beforeAll(async () => {
  testDb = await createMigratedDatabase();
  await seedDemo(testDb.db, { hubId: 4545, conversations: 12, analyse: analyseFnFor(ruleBasedAnalyser) });
  ({ accountId, calls } = await withSystem(testDb.db, async (tx) => ({
    accountId: (await tx.query<{ id: string }>('SELECT id FROM accounts')).rows[0]!.id,
    calls: (await tx.query<{ id: string }>('SELECT id FROM conversations ORDER BY started_at DESC')).rows.map(
      (r) => r.id,
    ),
  })));
  await withTenant(testDb.db, { accountId }, (tx) => saveAiConsent(tx, true));
  llm = await startOpenAiStandIn({ answer: (request) => answer(request) });
  deps = {
    db: testDb.db,
    model: openAiReviewModel(
      { baseUrl: llm.baseUrl, model: 'test-model', apiKey: llm.apiKey, dailyTokens: 1_000_000 },
      { timeoutMs: 400 },
    ),
    dailyTokens: 1_000_000,
  };
});
afterAll(async () => {
  await llm.close();
  await testDb.drop();
});
beforeEach(() => {
  answer = goodAnswer;
  llm.script.length = 0;
  llm.fallback = { kind: 'answer' };
});

const review = async (conversationId: string) =>
  (
    await withSystem(testDb.db, (tx) =>
      tx.query<{ status: string; review: StoredReview | null; failure: string | null; attempts: number }>(
        'SELECT status, review, failure, attempts FROM call_reviews WHERE conversation_id = $1',
        [conversationId],
      ),
    )
  ).rows[0];
const transcriptOf = async (conversationId: string) =>
  (
    await withSystem(testDb.db, (tx) =>
      tx.query<{ text: string; start_seconds: string }>(
        'SELECT text, start_seconds FROM transcript_segments WHERE conversation_id = $1 ORDER BY position',
        [conversationId],
      ),
    )
  ).rows;
const reviewOf = (conversationId: string) => reviewCall(deps, { accountId, conversationId });

describe('a model that answers well', () => {
  test('the review keeps its findings, each quote found in the transcript with the second of its line', async () => {
    const before = llm.requests.length;
    const outcome = await reviewOf(calls[0]!);
    expect(outcome).toMatchObject({ outcome: 'reviewed', droppedQuotes: 0 });
    expect(llm.requests.length).toBe(before + 1);
    const stored = (await review(calls[0]!))!;
    expect(stored.status).toBe('reviewed');
    const lines = await transcriptOf(calls[0]!);
    const quotes = [
      ...stored.review!.qualification.flatMap((q) => q.evidence),
      ...stored.review!.objections.map((o) => o.quote),
      ...stored.review!.coachingPoints.map((p) => p.quote),
    ];
    expect(quotes.length).toBeGreaterThan(3);
    for (const quote of quotes) {
      const line = lines.find((l) => l.text.toLowerCase().includes(quote.text.toLowerCase().replace(/\s+/g, ' ')));
      expect(line).toBeDefined();
      expect(quote.seconds).toBe(Number(line!.start_seconds));
    }
    expect(stored.review!.qualification.map((q) => q.element)).toEqual([
      'metrics',
      'economicBuyer',
      'decisionCriteria',
      'decisionProcess',
      'identifiedPain',
      'champion',
      'competition',
    ]);
  });

  test('one chat completion: strict json_schema, the key as a bearer token, the transcript and the past coaching that worked', async () => {
    const target = calls[1]!;
    // Coaching that worked, on another call, about a topic this call raised.
    const topic = (
      await withSystem(testDb.db, (tx) =>
        tx.query<{ name: string }>(
          `SELECT t ->> 'name' AS name FROM conversation_analyses, jsonb_array_elements(metrics -> 'topics') t
            WHERE conversation_id = $1 AND (t ->> 'count')::int > 0 LIMIT 1`,
          [target],
        ),
      )
    ).rows[0]!.name;
    const body = `When ${topic.replace(/_/g, ' ')} comes up, pause and ask what is behind it (worked for Rita).`;
    const messageId = await withSystem(testDb.db, async (tx) => {
      const ids = (
        await tx.query<{ admin: string; rep: string }>(
          `SELECT (SELECT id FROM users WHERE email = 'ada.admin@demo.example.com') AS admin,
                  (SELECT id FROM users WHERE email = 'rita.rep@demo.example.com') AS rep`,
        )
      ).rows[0]!;
      const id = (
        await tx.query<{ id: string }>(
          `INSERT INTO coaching_messages (account_id, conversation_id, author_user_id, rep_user_id, category, body, status, sent_at)
           VALUES ($1, $2, $3, $4, 'objection_handling', $5, 'sent', now()) RETURNING id`,
          [accountId, calls[5], ids.admin, ids.rep, body],
        )
      ).rows[0]!.id;
      await tx.query(
        `INSERT INTO coaching_outcomes (account_id, message_id, result, recorded_by_user_id) VALUES ($1, $2, 'applied', $3)`,
        [accountId, id, ids.admin],
      );
      return id;
    });
    answer = (request) => {
      const lines = promptLines(request);
      return answerWith(
        lines.slice(0, 3).map((l) => ({ quote: l.text, seconds: l.seconds })),
        'P1',
      );
    };
    await reviewOf(target);
    const sent = llm.requests.at(-1)!;
    expect(sent.authorization).toBe(`Bearer ${llm.apiKey}`);
    expect(sent.body.model).toBe('test-model');
    expect(sent.body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'call_review', strict: true, schema: expect.objectContaining({ type: 'object' }) },
    });
    const prompt = sent.body.messages.map((m) => m.content).join('\n');
    expect(prompt).toContain(body);
    for (const line of (await transcriptOf(target)).slice(0, 5)) expect(prompt).toContain(line.text);
    const point = (await review(target))!.review!.coachingPoints[0]!;
    expect(point.echoes).toEqual({ messageId, body });
  });

  test('the same transcript again asks the model nothing', async () => {
    await reviewOf(calls[2]!);
    const before = llm.requests.length;
    expect(await reviewOf(calls[2]!)).toEqual({ outcome: 'unchanged' });
    expect(llm.requests.length).toBe(before);
  });
});

describe('a model that does not answer well', () => {
  test('invented quotes never reach the review, nor the findings that rest on them', async () => {
    answer = inventedAnswer;
    expect(await reviewOf(calls[3]!)).toMatchObject({ outcome: 'reviewed', droppedQuotes: 8 });
    const stored = (await review(calls[3]!))!;
    expect(JSON.stringify(stored.review)).not.toContain(INVENTED.slice(0, 20));
    expect(stored.review!.objections).toEqual([]);
    expect(stored.review!.risks).toEqual([]);
    expect(stored.review!.coachingPoints).toEqual([]);
    expect(stored.review!.qualification.flatMap((q) => q.evidence)).toEqual([]);
  });

  test('text that is not JSON: no review, the rules analysis stays, and the call is not asked again', async () => {
    llm.script.push({ kind: 'text', content: 'Sure! Here is my review of the call: the rep did great.' });
    expect(await reviewOf(calls[4]!)).toEqual({ outcome: 'failed', failure: 'not schema' });
    expect(await review(calls[4]!)).toMatchObject({ status: 'failed', review: null });
    const analysis = await withSystem(testDb.db, (tx) =>
      tx.query('SELECT score FROM conversation_analyses WHERE conversation_id = $1', [calls[4]]),
    );
    expect(analysis.rows).toHaveLength(1);
    const before = llm.requests.length;
    expect(await reviewOf(calls[4]!)).toEqual({ outcome: 'unchanged' });
    expect(llm.requests.length).toBe(before);
  });

  test('JSON of another shape is not the schema either', async () => {
    llm.script.push({ kind: 'text', content: JSON.stringify({ summary: 'good call', score: 9 }) });
    expect(await reviewOf(calls[6]!)).toEqual({ outcome: 'failed', failure: 'not schema' });
  });

  test('429 with Retry-After: tried again after the seconds it asked, then reviewed', async () => {
    llm.script.push({ kind: 'status', status: 429, retryAfter: '7' });
    expect(await reviewOf(calls[7]!)).toEqual({
      outcome: 'retry',
      failure: 'rate_limited (HTTP 429)',
      retryInSeconds: 7,
    });
    expect(await review(calls[7]!)).toMatchObject({ status: 'retrying', review: null });
    expect(await reviewOf(calls[7]!)).toMatchObject({ outcome: 'reviewed' });
  });

  test('500s: retried with a growing backoff, then given up until the transcript changes', async () => {
    llm.fallback = { kind: 'status', status: 500 };
    const waits: number[] = [];
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      const outcome = await reviewOf(calls[8]!);
      expect(outcome).toMatchObject({ outcome: 'retry', failure: 'server_error (HTTP 500)' });
      waits.push((outcome as { retryInSeconds: number }).retryInSeconds);
    }
    expect(waits).toEqual([30, 120, 480]);
    expect(await reviewOf(calls[8]!)).toEqual({ outcome: 'failed', failure: 'server_error (HTTP 500)' });
    expect(await review(calls[8]!)).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    const before = llm.requests.length;
    expect(await reviewOf(calls[8]!)).toEqual({ outcome: 'unchanged' });
    expect(llm.requests.length).toBe(before);
  });

  test('a model slower than the timeout: given up on at the timeout, tried again later', async () => {
    llm.script.push({ kind: 'slow', delayMs: 3_000 });
    const started = Date.now();
    expect(await reviewOf(calls[9]!)).toMatchObject({ outcome: 'retry', failure: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2_500);
  });
});

describe('what is never sent', () => {
  test('a portal without consent sends nothing', async () => {
    await withTenant(testDb.db, { accountId }, (tx) => saveAiConsent(tx, false));
    const before = llm.requests.length;
    expect(await reviewOf(calls[10]!)).toEqual({ outcome: 'no_consent' });
    expect(llm.requests.length).toBe(before);
    await withTenant(testDb.db, { accountId }, (tx) => saveAiConsent(tx, true));
  });

  test("past the day's token budget nothing is sent until the next day", async () => {
    const before = llm.requests.length;
    const outcome = await reviewCall({ ...deps, dailyTokens: 2_000 }, { accountId, conversationId: calls[11]! });
    expect(outcome).toMatchObject({ outcome: 'over_budget' });
    expect((outcome as { retryInSeconds: number }).retryInSeconds).toBeLessThanOrEqual(86_400);
    expect(llm.requests.length).toBe(before);
  });

  test('the tokens spent are counted per account and day, as the model reported them', async () => {
    const spent = (
      await withSystem(testDb.db, (tx) => tx.query<{ tokens: string }>('SELECT tokens FROM ai_token_usage'))
    ).rows;
    expect(spent).toHaveLength(1);
    expect(Number(spent[0]!.tokens)).toBeGreaterThan(1000);
  });

  test('the key is in no row of the database', async () => {
    // As the database's owner, like a dump: every row of every table, the job queue's too.
    const dump = await (async (tx) => {
      const tables = (
        await tx.query<{ nspname: string; relname: string }>(
          `SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname IN ('public', 'pgboss') AND c.relkind = 'r'`,
        )
      ).rows;
      let text = '';
      for (const { nspname, relname } of tables)
        text += JSON.stringify((await tx.query(`SELECT * FROM "${nspname}"."${relname}"`)).rows);
      return text;
    })(testDb.db);
    expect(dump.length).toBeGreaterThan(1000);
    expect(dump).not.toContain(llm.apiKey);
  });
});
