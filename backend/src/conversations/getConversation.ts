import type { AiReview } from '../../../hubspot-app/app/packages/ui-shared/types.ts';
import type { StoredReview } from '../coaching/review/groundedReview.ts';
import type { Queryable } from '../db/database.ts';
import type { OneStatementRead } from '../db/tenancy.ts';
import { NotFound } from '../errors.ts';
import { playbackUrlAt } from './playback.ts';

export type TranscriptLine = {
  position: number;
  speaker: string;
  isExternal: boolean | null;
  text: string;
  startSeconds: number | null;
  playbackUrl: string | null;
};

export type ActionItem = {
  description: string;
  completed: boolean;
  timestampSeconds: number | null;
  assigneeEmail: string | null;
  playbackUrl: string | null;
};

/** A moment of the call worth jumping to: where a topic or a next step came up. */
export type KeyMoment = { seconds: number; label: string; playbackUrl: string | null };

export type ConversationDetail = {
  id: string;
  title: string;
  startedAt: string;
  endedAt: string | null;
  durationSeconds: number;
  url: string | null;
  shareUrl: string | null;
  recordedBy: { userId: string | null; name: string | null; email: string | null };
  summaryMarkdown: string | null;
  language: string | null;
  actionItems: ActionItem[];
  keyMoments: KeyMoment[];
  participants: Array<{ name: string | null; email: string | null; isExternal: boolean }>;
  analysis: {
    analyserVersion: string;
    score: number | null;
    metrics: Record<string, unknown>;
    computedAt: string;
  } | null;
  /** Segments around the analysis' key moments (or the opening of the call), never the whole transcript. */
  transcriptExcerpt: TranscriptLine[];
  /** The AI review where the caller sees the call's analysis; null without one. */
  aiReview: AiReview | null;
};

const EXCERPT_CONTEXT = 2;
const EXCERPT_MAX_LINES = 40;
const LINE_MAX_CHARS = 600;

// The call, its analysis where row level security shows it, and the excerpt (JSON lines, in
// order): one SQL function, card_conversation_detail (db/functions), which picks the segments
// around the analysis' first key moments (conversation_key_moments) in the database. The tenant
// read (getConversation) and the card's one-statement read (conversationDetailRead) select from it.
const DETAIL_COLUMNS =
  'id, title, started_at, ended_at, duration_seconds, url, share_url, recorded_by_user_id, recorded_by_name, ' +
  'recorded_by_email, summary_markdown, language, action_items, participants, analyser_version, score, metrics, ' +
  'computed_at, excerpt';
// The card's read (card_conversation_detail_reviewed) adds the review; the tenant read has none.
const CARD_DETAIL_COLUMN_TYPES =
  'id uuid, title text, started_at timestamptz, ended_at timestamptz, duration_seconds integer, url text, ' +
  'share_url text, recorded_by_user_id uuid, recorded_by_name text, recorded_by_email text, summary_markdown text, ' +
  'language text, action_items jsonb, participants jsonb, analyser_version text, score smallint, metrics jsonb, ' +
  'computed_at timestamptz, excerpt jsonb, ai_review jsonb';
const DETAIL_PARAMS = [EXCERPT_MAX_LINES, EXCERPT_CONTEXT] as const;

export type ConversationRow = {
  id: string;
  title: string;
  started_at: Date;
  ended_at: Date | null;
  duration_seconds: number;
  url: string | null;
  share_url: string | null;
  recorded_by_user_id: string | null;
  recorded_by_name: string | null;
  recorded_by_email: string | null;
  summary_markdown: string | null;
  language: string | null;
  action_items: Array<Partial<Omit<ActionItem, 'playbackUrl'>>>;
  participants: ConversationDetail['participants'];
  analyser_version: string | null;
  score: number | null;
  metrics: Record<string, unknown> | null;
  computed_at: Date | null;
  excerpt: Array<Omit<TranscriptLine, 'playbackUrl'>>;
  /** Only the card's one-statement read (card_conversation_detail_reviewed) carries the review. */
  ai_review?: { model: string; reviewedAt: string; review: StoredReview } | null;
};

const TOPIC_LABELS: Record<string, string> = { nextSteps: 'Next step' };
const labelOf = (name: string) =>
  TOPIC_LABELS[name] ??
  name.charAt(0).toUpperCase() +
    name
      .slice(1)
      .replace(/([A-Z])/g, ' $1')
      .toLowerCase();

/** The topic and next-step moments of an analysis, labelled, earliest first, each second once. */
export function labelledMoments(
  metrics: Record<string, unknown> | null,
  callUrl: string | null,
  max = 20,
): KeyMoment[] {
  const bySecond = new Map<number, string>();
  const add = (label: string, moments: unknown) => {
    if (!Array.isArray(moments)) return;
    for (const moment of moments) {
      const seconds = typeof moment === 'number' ? moment : (moment as { seconds?: unknown })?.seconds;
      if (typeof seconds === 'number' && Number.isFinite(seconds) && !bySecond.has(seconds))
        bySecond.set(seconds, label);
    }
  };
  const topics = metrics?.topics;
  if (Array.isArray(topics))
    for (const topic of topics as Array<{ name?: unknown; moments?: unknown }>)
      add(labelOf(String(topic.name)), topic.moments);
  add(labelOf('nextSteps'), (metrics?.nextSteps as { moments?: unknown } | undefined)?.moments);
  return [...bySecond.entries()]
    .sort(([x], [y]) => x - y)
    .slice(0, max)
    .map(([seconds, label]) => ({ seconds, label, playbackUrl: playbackUrlAt(callUrl, seconds) }));
}

/** One call of the tenant, as the detail card shows it. */
export async function getConversation(tx: Queryable, conversationId: string): Promise<ConversationDetail> {
  const { rows } = await tx.query<ConversationRow>(
    `SELECT ${DETAIL_COLUMNS} FROM card_conversation_detail($1, $2, $3)`,
    [conversationId, ...DETAIL_PARAMS],
  );
  return conversationDetailOf(rows);
}

/** The detail card's read as the caller, in one statement (readAsCaller in db/tenancy.ts). */
export function conversationDetailRead(conversationId: string): OneStatementRead {
  return {
    read: 'card_conversation_detail_reviewed',
    columns: CARD_DETAIL_COLUMN_TYPES,
    params: [conversationId, ...DETAIL_PARAMS],
  };
}

/** The call of getConversation's or conversationDetailRead's rows (not found: no row, or one without an id). */
export function conversationDetailOf(rows: readonly ConversationRow[]): ConversationDetail {
  const row = rows[0];
  if (!row?.id) throw new NotFound('No such conversation in this portal.');
  return {
    id: row.id,
    title: row.title,
    startedAt: row.started_at.toISOString(),
    endedAt: row.ended_at?.toISOString() ?? null,
    durationSeconds: row.duration_seconds,
    url: row.url,
    shareUrl: row.share_url,
    recordedBy: { userId: row.recorded_by_user_id, name: row.recorded_by_name, email: row.recorded_by_email },
    summaryMarkdown: row.summary_markdown,
    language: row.language,
    actionItems: row.action_items.map((item) => ({
      description: String(item.description ?? ''),
      completed: item.completed === true,
      timestampSeconds: item.timestampSeconds ?? null,
      assigneeEmail: item.assigneeEmail ?? null,
      playbackUrl: playbackUrlAt(row.url, item.timestampSeconds ?? null),
    })),
    keyMoments: labelledMoments(row.metrics, row.url),
    participants: row.participants,
    analysis: row.analyser_version
      ? {
          analyserVersion: row.analyser_version,
          score: row.score,
          metrics: row.metrics ?? {},
          computedAt: row.computed_at!.toISOString(),
        }
      : null,
    transcriptExcerpt: row.excerpt.map((line) => ({
      position: line.position,
      speaker: line.speaker,
      isExternal: line.isExternal,
      text: line.text.length > LINE_MAX_CHARS ? `${line.text.slice(0, LINE_MAX_CHARS - 1)}…` : line.text,
      startSeconds: line.startSeconds,
      playbackUrl: playbackUrlAt(row.url, line.startSeconds),
    })),
    aiReview: row.ai_review ? aiReviewOf(row.ai_review, row.url) : null,
  };
}

/** A stored review as the card shows it: each quote with its link into the recording. */
export function aiReviewOf(
  stored: { model: string; reviewedAt: string; review: StoredReview },
  callUrl: string | null,
): AiReview {
  const linked = (quote: { text: string; seconds: number | null }) => ({
    ...quote,
    playbackUrl: playbackUrlAt(callUrl, quote.seconds),
  });
  const { review } = stored;
  return {
    model: stored.model,
    reviewedAt: new Date(stored.reviewedAt).toISOString(),
    qualification: review.qualification.map((item) => ({ ...item, evidence: item.evidence.map(linked) })),
    objections: review.objections.map((item) => ({ ...item, quote: linked(item.quote) })),
    risks: review.risks.map((item) => ({ ...item, quote: linked(item.quote) })),
    coachingPoints: review.coachingPoints.map((item) => ({ ...item, quote: linked(item.quote) })),
    droppedQuotes: review.droppedQuotes,
    transcriptCut: review.transcriptCut,
  };
}
