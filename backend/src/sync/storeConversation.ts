import { createHash } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import type { IncomingConversation } from './incoming.ts';
import { speakerSides } from './speakerSides.ts';

export type StoreResult = { conversationId: string; change: 'new' | 'updated' | 'unchanged' };

/** What the stored analysis needs; coaching/analysis provides it. */
export type AnalyseFn = (conversation: IncomingConversation) => { version: string; score: number | null; metrics: Record<string, unknown> };

function contentHash(conversation: IncomingConversation): string {
  return createHash('sha256').update(JSON.stringify(conversation)).digest('hex');
}

// The upsert only writes when the content changed; `inserted` tells a new row from an update.
const UPSERT_CONVERSATION = `
  INSERT INTO conversations AS c
    (account_id, provider, external_id, title, meeting_title, url, share_url, started_at, ended_at,
     duration_seconds, recorded_by_user_id, recorded_by_email, recorded_by_name, summary_markdown,
     language, action_items, content_hash)
  VALUES (app_account_id(), 'fathom', $1, $2, $3, $4, $5, $6, $7, $8,
          (SELECT id FROM users WHERE account_id = app_account_id() AND email = $9),
          $9, $10, $11, $12, $13, $14)
  ON CONFLICT (account_id, provider, external_id) DO UPDATE SET
    title = EXCLUDED.title, meeting_title = EXCLUDED.meeting_title, url = EXCLUDED.url,
    share_url = EXCLUDED.share_url, started_at = EXCLUDED.started_at, ended_at = EXCLUDED.ended_at,
    duration_seconds = EXCLUDED.duration_seconds,
    recorded_by_user_id = coalesce(EXCLUDED.recorded_by_user_id, c.recorded_by_user_id),
    recorded_by_email = EXCLUDED.recorded_by_email, recorded_by_name = EXCLUDED.recorded_by_name,
    summary_markdown = EXCLUDED.summary_markdown, language = EXCLUDED.language,
    action_items = EXCLUDED.action_items, content_hash = EXCLUDED.content_hash, updated_at = now()
  WHERE c.content_hash IS DISTINCT FROM EXCLUDED.content_hash
  RETURNING id, (xmax = 0) AS inserted`;

const INSERT_PARTICIPANTS = `
  INSERT INTO conversation_participants (account_id, conversation_id, participant_key, name, email, is_external)
  SELECT app_account_id(), $1, p.key, p.name, p.email, p.is_external
    FROM unnest($2::text[], $3::text[], $4::text[], $5::boolean[]) AS p(key, name, email, is_external)
  ON CONFLICT (account_id, conversation_id, participant_key) DO NOTHING`;

const INSERT_SEGMENTS = `
  INSERT INTO transcript_segments (account_id, conversation_id, position, speaker_name, speaker_email, is_external, text, start_seconds)
  SELECT app_account_id(), $1, s.position - 1, s.speaker_name, s.speaker_email, s.is_external, s.text, s.start_seconds
    FROM unnest($2::text[], $3::text[], $4::boolean[], $5::text[], $6::numeric[])
         WITH ORDINALITY AS s(speaker_name, speaker_email, is_external, text, start_seconds, position)`;

const INSERT_FATHOM_LINKS = `
  INSERT INTO conversation_crm_links (account_id, conversation_id, object_type, object_id, source)
  SELECT app_account_id(), $1, l.object_type, l.object_id, 'fathom'
    FROM unnest($2::text[], $3::bigint[]) AS l(object_type, object_id)
  ON CONFLICT (account_id, conversation_id, object_type, object_id) DO NOTHING`;

const UPSERT_ANALYSIS = `
  INSERT INTO conversation_analyses (account_id, conversation_id, analyser_version, score, metrics)
  VALUES (app_account_id(), $1, $2, $3, $4)
  ON CONFLICT (account_id, conversation_id) DO UPDATE SET
    analyser_version = EXCLUDED.analyser_version, score = EXCLUDED.score,
    metrics = EXCLUDED.metrics, computed_at = now()`;

function participantKey(participant: { name: string | null; email: string | null }): string {
  return participant.email ? participant.email.toLowerCase() : `name:${participant.name ?? 'unknown'}`;
}

/**
 * Stores one meeting of the current tenant (run inside withTenant): the conversation, its
 * participants, transcript, Fathom's CRM matches and its analysis. Keyed on the Fathom recording
 * id, so storing the same meeting twice writes nothing the second time, and an edited meeting
 * updates in place.
 */
export async function storeConversation(
  tx: Queryable,
  conversation: IncomingConversation,
  analyse: AnalyseFn,
): Promise<StoreResult> {
  const hash = contentHash(conversation);
  const { rows } = await tx.query<{ id: string; inserted: boolean }>(UPSERT_CONVERSATION, [
    conversation.externalId,
    conversation.title,
    conversation.meetingTitle,
    conversation.url,
    conversation.shareUrl,
    conversation.startedAt,
    conversation.endedAt,
    Math.max(0, Math.round(conversation.durationSeconds)),
    conversation.recordedBy.email?.toLowerCase() ?? null,
    conversation.recordedBy.name,
    conversation.summaryMarkdown,
    conversation.language,
    JSON.stringify(conversation.actionItems),
    hash,
  ]);
  const written = rows[0];
  if (!written) {
    const { rows: existing } = await tx.query<{ id: string }>(
      `SELECT id FROM conversations WHERE account_id = app_account_id() AND provider = 'fathom' AND external_id = $1`,
      [conversation.externalId],
    );
    return { conversationId: existing[0]!.id, change: 'unchanged' };
  }
  const conversationId = written.id;
  if (!written.inserted) {
    await tx.query('DELETE FROM conversation_participants WHERE account_id = app_account_id() AND conversation_id = $1', [conversationId]);
    await tx.query('DELETE FROM transcript_segments WHERE account_id = app_account_id() AND conversation_id = $1', [conversationId]);
  }

  const participants = conversation.participants;
  await tx.query(INSERT_PARTICIPANTS, [
    conversationId,
    participants.map(participantKey),
    participants.map((p) => p.name),
    participants.map((p) => p.email?.toLowerCase() ?? null),
    participants.map((p) => p.isExternal),
  ]);

  const sideOf = speakerSides(conversation);
  const segments = conversation.segments;
  if (segments.length) {
    await tx.query(INSERT_SEGMENTS, [
      conversationId,
      segments.map((s) => s.speakerName),
      segments.map((s) => s.speakerEmail?.toLowerCase() ?? null),
      segments.map(sideOf),
      segments.map((s) => s.text),
      segments.map((s) => s.startSeconds),
    ]);
  }

  const links = [
    ...conversation.crmMatches.contactIds.map((id) => ['contacts', id] as const),
    ...conversation.crmMatches.dealIds.map((id) => ['deals', id] as const),
    ...conversation.crmMatches.companyIds.map((id) => ['companies', id] as const),
  ];
  if (links.length) {
    await tx.query(INSERT_FATHOM_LINKS, [conversationId, links.map(([type]) => type), links.map(([, id]) => id)]);
  }

  await tx.query(
    `UPDATE conversations SET transcript_search = to_tsvector('english', $2) WHERE account_id = app_account_id() AND id = $1`,
    [conversationId, `${conversation.title} ${segments.map((segment) => segment.text).join(' ')}`],
  );

  const analysis = analyse(conversation);
  await tx.query(UPSERT_ANALYSIS, [conversationId, analysis.version, analysis.score, JSON.stringify(analysis.metrics)]);
  await tx.query('SELECT refresh_conversation_cards($1::uuid[])', [[conversationId]]);

  return { conversationId, change: written.inserted ? 'new' : 'updated' };
}
