import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../../db/database.ts';
import { withSystem, withTenant } from '../../db/tenancy.ts';
import { labelledMoments } from '../../conversations/getConversation.ts';
import { pastCoachingThatWorked, topicTerms, type Metrics } from '../suggestions.ts';
import { readAiConsent } from './aiConsent.ts';
import { groundedReview } from './groundedReview.ts';
import { reviewMessages } from './prompt.ts';
import type { ReviewLine } from './quotes.ts';
import type { ModelFailure, ReviewModel } from './reviewModel.ts';
import { reserveTokens, secondsUntilNextUtcDay, settleTokens } from './tokenBudget.ts';
import { estimateTokens, fitTranscript } from './transcriptBudget.ts';

export type ReviewDeps = {
  db: Database;
  model: ReviewModel;
  /** LLM_DAILY_TOKENS: what one account may spend a day. */
  dailyTokens: number;
  /** The transcript's share of a request, in tokens (the rest: instructions, past coaching, answer). */
  transcriptTokens?: number;
};

export type ReviewOutcome =
  | { outcome: 'reviewed'; promptTokens: number; completionTokens: number; droppedQuotes: number }
  | { outcome: 'unchanged' | 'no_consent' | 'no_transcript' | 'gone' }
  | { outcome: 'over_budget'; retryInSeconds: number }
  | { outcome: 'retry'; retryInSeconds: number; failure: string }
  | { outcome: 'failed'; failure: string };

/** Attempts of one call and transcript version before the review is given up (until it changes). */
export const MAX_ATTEMPTS = 4;
export const TRANSCRIPT_TOKENS = 12_000;

const CALL = `
  SELECT c.title, c.duration_seconds, c.content_hash, an.metrics,
         r.content_hash AS reviewed_hash, r.transcript_version, r.status, r.attempts
    FROM conversations c
    LEFT JOIN conversation_analyses an ON an.account_id = c.account_id AND an.conversation_id = c.id
    LEFT JOIN call_reviews r ON r.account_id = c.account_id AND r.conversation_id = c.id
   WHERE c.account_id = app_account_id() AND c.id = $1`;

const LINES = `
  SELECT speaker_name AS speaker, is_external AS "isExternal", text, start_seconds::float8 AS "startSeconds"
    FROM transcript_segments WHERE account_id = app_account_id() AND conversation_id = $1 ORDER BY position`;

const SAVE = `
  INSERT INTO call_reviews (account_id, conversation_id, content_hash, transcript_version, status, model, review,
                            prompt_tokens, completion_tokens, attempts, failure)
  VALUES (app_account_id(), $1, $2, $3, $4, $5, $6, $7, $8, 1, $9)
  ON CONFLICT (account_id, conversation_id) DO UPDATE SET
    content_hash = EXCLUDED.content_hash, status = EXCLUDED.status, model = EXCLUDED.model, review = EXCLUDED.review,
    prompt_tokens = EXCLUDED.prompt_tokens, completion_tokens = EXCLUDED.completion_tokens, failure = EXCLUDED.failure,
    attempts = CASE WHEN call_reviews.transcript_version = EXCLUDED.transcript_version
                    THEN call_reviews.attempts + 1 ELSE 1 END,
    transcript_version = EXCLUDED.transcript_version, reviewed_at = now()`;

type CallRow = {
  title: string;
  duration_seconds: number;
  content_hash: string | null;
  metrics: (Metrics & Record<string, unknown>) | null;
  reviewed_hash: string | null;
  transcript_version: string | null;
  status: 'reviewed' | 'retrying' | 'failed' | null;
  attempts: number | null;
};

/** The lines sent to the model make the version: a re-sync with the same transcript asks nothing. */
const versionOf = (lines: readonly ReviewLine[]) => createHash('sha256').update(JSON.stringify(lines)).digest('hex');

const describe = (failure: ModelFailure) =>
  'status' in failure ? `${failure.kind} (HTTP ${failure.status})` : failure.kind.replace('_', ' ');

/** Backoff of a retry when the model named no Retry-After: 30 s, 2 min, 8 min. */
const backoffSeconds = (attempt: number) => 30 * 4 ** Math.max(0, attempt - 1);

/**
 * Reviews one call with the configured model, once per transcript version: reads the call as
 * backend work of its tenant, asks the model in one request within the day's token budget, keeps
 * only the findings whose quotes are in the transcript, and stores the review (or why there is
 * none). Never throws for the model's sake; the sync and the rules analysis never wait on it.
 */
export async function reviewCall(
  deps: ReviewDeps,
  job: { accountId: string; conversationId: string },
): Promise<ReviewOutcome> {
  const { db, model } = deps;
  const tenant = { accountId: job.accountId };
  const read = await withTenant(db, tenant, async (tx) => {
    if (!(await readAiConsent(tx)).enabled) return 'no_consent' as const;
    const call = (await tx.query<CallRow>(CALL, [job.conversationId])).rows[0];
    if (!call) return 'gone' as const;
    const lines = (await tx.query<ReviewLine>(LINES, [job.conversationId])).rows;
    return { call, lines };
  });
  if (typeof read === 'string') return { outcome: read };
  const { call, lines } = read;
  if (!lines.length) return { outcome: 'no_transcript' };
  const version = versionOf(lines);
  if (call.transcript_version === version && call.status !== 'retrying') {
    if (call.reviewed_hash !== call.content_hash)
      await withTenant(db, tenant, (tx) =>
        tx.query(
          `UPDATE call_reviews SET content_hash = $2 WHERE account_id = app_account_id() AND conversation_id = $1`,
          [job.conversationId, call.content_hash],
        ),
      );
    return { outcome: 'unchanged' };
  }

  const pastCoaching = await withSystem(db, (tx) =>
    pastCoachingThatWorked(tx, job.accountId, job.conversationId, topicTerms(call.metrics)),
  );
  const keySeconds = labelledMoments(call.metrics, null, 60).map((moment) => moment.seconds);
  const fitted = fitTranscript(lines, keySeconds, deps.transcriptTokens ?? TRANSCRIPT_TOKENS);
  const messages = reviewMessages({
    title: call.title,
    durationSeconds: call.duration_seconds,
    transcript: fitted.text,
    transcriptCut: fitted.cut,
    pastCoaching,
  });
  const estimate = messages.reduce((sum, m) => sum + estimateTokens(m.content), 0) + model.maxAnswerTokens;
  if (!(await withTenant(db, tenant, (tx) => reserveTokens(tx, estimate, deps.dailyTokens))))
    return { outcome: 'over_budget', retryInSeconds: secondsUntilNextUtcDay() };

  const answer = await model.ask(messages);
  const usage = answer.ok ? answer.usage : answer.kind === 'not_schema' ? answer.usage : null;
  const spent = usage ? usage.promptTokens + usage.completionTokens : estimate;
  const save = (tx: Queryable, status: string, review: unknown, failure: string | null) =>
    tx.query(SAVE, [
      job.conversationId,
      call.content_hash,
      version,
      status,
      model.model,
      review === null ? null : JSON.stringify(review),
      usage?.promptTokens ?? null,
      usage?.completionTokens ?? null,
      failure,
    ]);

  if (answer.ok) {
    const review = groundedReview(answer.answer, lines, pastCoaching, fitted.cut);
    await withTenant(db, tenant, async (tx) => {
      await settleTokens(tx, spent - estimate);
      await save(tx, 'reviewed', review, null);
    });
    return {
      outcome: 'reviewed',
      promptTokens: usage?.promptTokens ?? 0,
      completionTokens: usage?.completionTokens ?? 0,
      droppedQuotes: review.droppedQuotes,
    };
  }
  const failure = describe(answer);
  const attempt = call.transcript_version === version ? (call.attempts ?? 0) + 1 : 1;
  const retryable = answer.kind !== 'not_schema' && answer.kind !== 'refused' && attempt < MAX_ATTEMPTS;
  await withTenant(db, tenant, async (tx) => {
    // A request the model never answered spent nothing we can know of: the reservation goes back.
    await settleTokens(tx, usage ? spent - estimate : -estimate);
    await save(tx, retryable ? 'retrying' : 'failed', null, failure);
  });
  if (!retryable) return { outcome: 'failed', failure };
  const asked = 'retryAfterSeconds' in answer ? answer.retryAfterSeconds : null;
  return { outcome: 'retry', failure, retryInSeconds: Math.min(3600, Math.max(1, asked ?? backoffSeconds(attempt))) };
}
