import type { Queryable } from '../db/database.ts';
import { Forbidden, NotFound } from '../errors.ts';
import { isCoach, type Caller } from '../users/caller.ts';

export type Suggestion =
  | { kind: 'analysis'; category: string; reason: string }
  | {
      kind: 'past_coaching';
      category: string;
      reason: string;
      body: string;
      messageId: string;
      conversationTitle: string;
      rank: number;
    }
  | { kind: 'ai_review'; category: string; reason: string; body: string; momentSeconds: number | null };

export type Metrics = {
  talkRatio?: { rep?: number | null };
  longestRepMonologueSeconds?: number | null;
  questions?: { total?: number; open?: number };
  fillers?: { perRepMinute?: number | null };
  nextSteps?: { agreed?: boolean | null };
  topics?: Array<{ name: string; count: number }>;
};

// The team's norm: the median rep talk ratio of the account's recent analysed calls.
const TEAM_NORM = `
  SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY (metrics -> 'talkRatio' ->> 'rep')::float8) AS talk
    FROM (SELECT metrics FROM conversation_analyses
           WHERE account_id = app_account_id() AND metrics -> 'talkRatio' ->> 'rep' IS NOT NULL
           ORDER BY computed_at DESC LIMIT 200) recent`;

// Past coaching that worked, on calls whose transcript (or whose message) matches this call's topics.
const SIMILAR = `
  SELECT m.id, m.category, m.body, c.title,
         ts_rank(coalesce(c.transcript_search, ''::tsvector), q) + 2 * ts_rank(m.search, q) AS rank
    FROM coaching_messages m
    JOIN coaching_outcomes o ON o.account_id = m.account_id AND o.message_id = m.id AND o.result = 'applied'
    JOIN conversations c ON c.account_id = m.account_id AND c.id = m.conversation_id,
         websearch_to_tsquery('english', $2) q
   WHERE m.account_id = $3 AND m.conversation_id <> $1
     AND (c.transcript_search @@ q OR m.search @@ q)
   ORDER BY rank DESC, m.created_at DESC
   LIMIT 3`;

export type PastCoaching = { id: string; category: string; body: string; title: string; rank: number };

/** The topics a call's rules analysis found, as search terms ("decision makers"). */
export const topicTerms = (metrics: Metrics | null | undefined): string[] =>
  (metrics?.topics ?? []).filter((topic) => topic.count > 0).map((topic) => topic.name.replace(/_/g, ' '));

/**
 * Up to three past coaching messages of the account whose outcome was `applied`, on other calls
 * whose transcript (or whose message) matches any of the terms: Postgres full-text search, best
 * first. As a user, row level security also narrows them to the coaching he may see; the AI
 * review's job reads them as system work (backend work of a tenant sees no coaching).
 */
export async function pastCoachingThatWorked(
  tx: Queryable,
  accountId: string,
  conversationId: string,
  terms: readonly string[],
): Promise<PastCoaching[]> {
  if (!terms.length) return [];
  return (await tx.query<PastCoaching>(SIMILAR, [conversationId, [...new Set(terms)].join(' or '), accountId])).rows;
}

const percent = (value: number) => `${Math.round(value * 100)}%`;

/**
 * What a manager might coach on a call: findings of its analysis measured against the team,
 * and past coaching with a good outcome on similar calls (Postgres full-text search).
 */
export async function suggestCoaching(tx: Queryable, caller: Caller, conversationId: string): Promise<Suggestion[]> {
  if (!isCoach(caller)) throw new Forbidden('Only managers and admins get coaching suggestions.');
  const row = (
    await tx.query<{ title: string; metrics: Metrics | null }>(
      `SELECT c.title, an.metrics FROM conversations c
       LEFT JOIN conversation_analyses an ON an.account_id = c.account_id AND an.conversation_id = c.id
      WHERE c.account_id = app_account_id() AND c.id = $1`,
      [conversationId],
    )
  ).rows[0];
  if (!row) throw new NotFound('No such conversation in this portal.');
  const metrics = row.metrics ?? {};
  const norm = (await tx.query<{ talk: number | null }>(TEAM_NORM)).rows[0]?.talk ?? 0.5;
  const suggestions: Suggestion[] = [];

  const talk = metrics.talkRatio?.rep;
  if (typeof talk === 'number' && talk > Math.max(norm + 0.1, 0.6)) {
    suggestions.push({
      kind: 'analysis',
      category: 'talk_ratio',
      reason: `The rep talked ${percent(talk)} of the time; the team's norm is ${percent(norm)}.`,
    });
  }
  const monologue = metrics.longestRepMonologueSeconds;
  if (typeof monologue === 'number' && monologue > 150) {
    suggestions.push({
      kind: 'analysis',
      category: 'talk_ratio',
      reason: `The longest monologue lasted ${Math.round(monologue)} s; over 2½ minutes buyers tune out.`,
    });
  }
  if (metrics.nextSteps?.agreed === false) {
    suggestions.push({
      kind: 'analysis',
      category: 'next_steps',
      reason: 'No next step (a date, a meeting, a commitment) came up at the end of the call.',
    });
  }
  const questions = metrics.questions?.total;
  if (typeof questions === 'number' && questions < 3) {
    suggestions.push({
      kind: 'analysis',
      category: 'discovery',
      reason: `The rep asked ${questions} question${questions === 1 ? '' : 's'}; aim for at least one every two minutes.`,
    });
  }
  const fillers = metrics.fillers?.perRepMinute;
  if (typeof fillers === 'number' && fillers > 4) {
    suggestions.push({
      kind: 'analysis',
      category: 'other',
      reason: `${fillers.toFixed(1)} filler words per minute the rep spoke.`,
    });
  }

  // The AI review's coaching points (where the caller sees the call's analysis: row level security).
  const review = (
    await tx.query<{
      points: Array<{ title: string; advice: string; category: string; quote: { seconds: number | null } }>;
    }>(
      `SELECT review -> 'coachingPoints' AS points FROM call_reviews
        WHERE account_id = app_account_id() AND conversation_id = $1 AND review IS NOT NULL`,
      [conversationId],
    )
  ).rows[0];
  for (const point of review?.points ?? []) {
    suggestions.push({
      kind: 'ai_review',
      category: point.category,
      reason: point.title,
      body: point.advice,
      momentSeconds: point.quote.seconds === null ? null : Math.floor(point.quote.seconds),
    });
  }

  const terms = [...topicTerms(metrics), ...suggestions.map((s) => s.category.replace(/_/g, ' '))];
  for (const past of await pastCoachingThatWorked(tx, caller.accountId, conversationId, terms)) {
    suggestions.push({
      kind: 'past_coaching',
      category: past.category,
      reason: `Worked before on "${past.title}".`,
      body: past.body,
      messageId: past.id,
      conversationTitle: past.title,
      rank: Math.round(past.rank * 1000) / 1000,
    });
  }
  return suggestions;
}
