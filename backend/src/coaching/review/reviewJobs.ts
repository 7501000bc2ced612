import type { PgBoss } from 'pg-boss';
import { withTenant } from '../../db/tenancy.ts';
import type { Logger } from '../../logger.ts';
import { countingFailures, type Metrics } from '../../metrics.ts';
import { readAiConsent } from './aiConsent.ts';
import { reviewCall, type ReviewDeps } from './reviewCall.ts';

export const REVIEW_QUEUES = {
  /** Finds an account's calls that want a review and queues one job each (one queued per account). */
  sweep: 'ai-review-sweep',
  /** Reviews one call (one queued and one running per call). */
  call: 'ai-review-call',
} as const;

/** The AI review's collaborators: present only when LLM_BASE_URL and LLM_MODEL are set. */
export type ReviewServices = ReviewDeps & { logger: Logger; metrics: Metrics };

/** Calls reviewed at the same time by one process: a model is slow and shared, the sync is not to starve. */
export const REVIEW_CONCURRENCY = 2;
/** How many of the newest calls are reviewed when a portal turns the review on. */
export const NEWEST_CALLS = 50;

// The calls that want a (new) review: the newest 50, those stored since consent was given, and
// those reviewed before, each when its content changed since it was last looked at.
const WANTED = `
  SELECT c.id
    FROM conversations c
    LEFT JOIN call_reviews r ON r.account_id = c.account_id AND r.conversation_id = c.id
   WHERE c.account_id = app_account_id()
     AND (r.id IS NULL OR r.content_hash IS DISTINCT FROM c.content_hash)
     AND (r.id IS NOT NULL
          OR c.created_at >= $1::timestamptz
          OR c.id IN (SELECT id FROM conversations WHERE account_id = app_account_id()
                       ORDER BY started_at DESC, id DESC LIMIT ${NEWEST_CALLS}))
   ORDER BY c.started_at DESC`;

export async function createReviewQueues(boss: PgBoss): Promise<void> {
  await boss.createQueue(REVIEW_QUEUES.sweep, { policy: 'stately', retryLimit: 3, retryBackoff: true });
  // The job finishes within the model's 60 s timeout and the database work around it.
  await boss.createQueue(REVIEW_QUEUES.call, {
    policy: 'stately',
    retryLimit: 3,
    retryDelay: 30,
    retryBackoff: true,
    expireInSeconds: 300,
  });
}

/** Queues a look for calls to review in one account (after a sync stored calls, or consent). */
export function requestReviewSweep(boss: PgBoss, accountId: string): Promise<string | null> {
  return boss.send(REVIEW_QUEUES.sweep, { accountId }, { singletonKey: accountId });
}

const sendReview = (boss: PgBoss, accountId: string, conversationId: string, startAfter?: number) =>
  boss.send(
    REVIEW_QUEUES.call,
    { accountId, conversationId },
    { singletonKey: conversationId, ...(startAfter ? { startAfter } : {}) },
  );

export async function startReviewWorkers(boss: PgBoss, services: ReviewServices): Promise<void> {
  const { db, logger, metrics } = services;
  await boss.work<{ accountId: string }>(
    REVIEW_QUEUES.sweep,
    { batchSize: 1, pollingIntervalSeconds: 2 },
    countingFailures(metrics, REVIEW_QUEUES.sweep, async ([job]) => {
      const { accountId } = job!.data;
      const ids = await withTenant(db, { accountId }, async (tx) => {
        const consent = await readAiConsent(tx);
        if (!consent.enabled) return [];
        return (await tx.query<{ id: string }>(WANTED, [consent.since ?? 'infinity'])).rows.map((row) => row.id);
      });
      for (const id of ids) await sendReview(boss, accountId, id);
      return { queued: ids.length };
    }),
  );
  await boss.work<{ accountId: string; conversationId: string }>(
    REVIEW_QUEUES.call,
    { localConcurrency: REVIEW_CONCURRENCY, batchSize: 1, pollingIntervalSeconds: 1 },
    countingFailures(metrics, REVIEW_QUEUES.call, async ([job]) => {
      const { accountId, conversationId } = job!.data;
      const result = await reviewCall(services, { accountId, conversationId });
      // Later, as its own job: the worker is free meanwhile, and Retry-After is honoured.
      if (result.outcome === 'retry' || result.outcome === 'over_budget')
        await sendReview(boss, accountId, conversationId, Math.ceil(result.retryInSeconds));
      if (result.outcome !== 'unchanged' && result.outcome !== 'no_consent')
        logger.info({ accountId, conversationId, ...result }, 'ai review');
      return result;
    }),
  );
}
