import type { Queryable } from '../db/database.ts';
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
};

const EXCERPT_CONTEXT = 2;
const EXCERPT_MAX_LINES = 40;
const LINE_MAX_CHARS = 600;

const CONVERSATION_SQL = `
  SELECT c.id, c.title, c.started_at, c.ended_at, c.duration_seconds, c.url, c.share_url, c.recorded_by_user_id,
         c.recorded_by_name, c.recorded_by_email, c.summary_markdown, c.language, c.action_items,
         c.card_participants AS participants, an.analyser_version, an.score, an.metrics, an.computed_at
    FROM conversations c
    LEFT JOIN conversation_analyses an ON an.account_id = c.account_id AND an.conversation_id = c.id
   WHERE c.account_id = app_account_id() AND c.id = $1`;

// The segments within EXCERPT_CONTEXT positions of a segment that covers one of the moments.
const EXCERPT_SQL = `
  WITH anchors AS (
    SELECT DISTINCT ON (m.seconds) s.position
      FROM unnest($2::numeric[]) AS m(seconds)
      JOIN transcript_segments s ON s.account_id = app_account_id() AND s.conversation_id = $1
                                AND s.start_seconds <= m.seconds
     ORDER BY m.seconds, s.start_seconds DESC
  )
  SELECT s.position, s.speaker_name, s.is_external, s.text, s.start_seconds
    FROM transcript_segments s
   WHERE s.account_id = app_account_id() AND s.conversation_id = $1
     AND (cardinality($2::numeric[]) = 0 AND s.position < $3
          OR EXISTS (SELECT 1 FROM anchors a WHERE s.position BETWEEN a.position - $4 AND a.position + $4))
   ORDER BY s.position
   LIMIT $3`;

type ConversationRow = {
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
};

/** Seconds into the call worth showing: the moments the analysis found, earliest first. */
export function keyMoments(metrics: Record<string, unknown> | null, max = 5): number[] {
  const found: number[] = [];
  const topics = metrics?.topics;
  if (Array.isArray(topics)) {
    for (const topic of topics) {
      const moments = (topic as { moments?: unknown }).moments;
      if (!Array.isArray(moments)) continue;
      for (const moment of moments) {
        const seconds = typeof moment === 'number' ? moment : (moment as { seconds?: unknown })?.seconds;
        if (typeof seconds === 'number' && Number.isFinite(seconds)) found.push(seconds);
      }
    }
  }
  return [...new Set(found)].sort((x, y) => x - y).slice(0, max);
}

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

export async function getConversation(tx: Queryable, conversationId: string): Promise<ConversationDetail> {
  const { rows } = await tx.query<ConversationRow>(CONVERSATION_SQL, [conversationId]);
  const row = rows[0];
  if (!row) throw new NotFound('No such conversation in this portal.');
  const moments = keyMoments(row.metrics);
  const { rows: lines } = await tx.query<{
    position: number;
    speaker_name: string;
    is_external: boolean | null;
    text: string;
    start_seconds: number | null;
  }>(EXCERPT_SQL, [conversationId, moments, EXCERPT_MAX_LINES, EXCERPT_CONTEXT]);
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
    transcriptExcerpt: lines.map((line) => ({
      position: line.position,
      speaker: line.speaker_name,
      isExternal: line.is_external,
      text: line.text.length > LINE_MAX_CHARS ? `${line.text.slice(0, LINE_MAX_CHARS - 1)}…` : line.text,
      startSeconds: line.start_seconds,
      playbackUrl: playbackUrlAt(row.url, line.start_seconds === null ? null : Number(line.start_seconds)),
    })),
  };
}
