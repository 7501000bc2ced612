import { createHash } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import type { IncomingConversation } from './incoming.ts';
import { linksForCall } from './dealWindow.ts';
import type { CrmLink } from './ports.ts';
import { searchText } from './searchText.ts';
import { speakerSides } from './speakerSides.ts';

/** What the stored analysis needs; coaching/analysis provides it. */
export type AnalyseFn = (conversation: IncomingConversation) => Analysis;
export type Analysis = { version: string; score: number | null; metrics: Record<string, unknown> };

/** A HubSpot record an external participant's email matched (our own matching, not Fathom's). */
export type EmailLink = CrmLink & { email: string };

/**
 * A meeting ready to store: everything that costs CPU (the analysis, the content hash, the
 * search text) is computed by prepareMeetings before the storage transaction opens, so a slow
 * or hostile meeting never holds a transaction (or, on the embedded database, its only
 * connection) open while it is analysed.
 */
export type PreparedMeeting = {
  conversation: IncomingConversation;
  hash: string;
  searchText: string;
  analysis: Analysis;
  emailLinks: EmailLink[];
  /** Some external participant's email is not looked up yet: the meeting is marked for linking later. */
  linksPending: boolean;
};

export type StoreResult = { conversationId: string; change: 'new' | 'updated' | 'unchanged' };
export type StoredMeeting = StoreResult & { externalId: string };
/** A meeting the database refused; the others of its page are stored all the same. */
export type MeetingNotStored = { externalId: string; message: string };
export type StoreOutcome = { stored: StoredMeeting[]; notStored: MeetingNotStored[] };

/** The emails (lower case, each once) of a meeting's external participants: what is looked up in HubSpot. */
export function externalEmails(conversation: Pick<IncomingConversation, 'participants'>): string[] {
  const emails = new Set<string>();
  for (const participant of conversation.participants)
    if (participant.isExternal && participant.email) emails.add(participant.email.toLowerCase());
  return [...emails];
}

/**
 * Analyses and hashes meetings, and picks the HubSpot records of their external participants
 * from `links` (by lower-case email). Emails in `notLookedUp` are not linked now: their meetings
 * are marked `linksPending`. Pure: no database, no network.
 */
export function prepareMeetings(
  meetings: readonly IncomingConversation[],
  analyse: AnalyseFn,
  links: ReadonlyMap<string, readonly CrmLink[]> = new Map(),
  notLookedUp: ReadonlySet<string> = new Set(),
): PreparedMeeting[] {
  return meetings.map((conversation) => {
    const emailLinks: EmailLink[] = [];
    let linksPending = false;
    for (const email of externalEmails(conversation)) {
      if (notLookedUp.has(email)) linksPending = true;
      for (const link of linksForCall(links.get(email) ?? [], conversation.startedAt))
        emailLinks.push({ ...link, email });
    }
    return {
      linksPending,
      conversation,
      hash: createHash('sha256').update(JSON.stringify(conversation)).digest('hex'),
      searchText: searchText(conversation),
      analysis: analyse(conversation),
      emailLinks,
    };
  });
}

// One statement per table for the whole batch. The upsert writes only meetings whose content
// changed and returns them; `inserted` tells a new row from an update. It also writes what the
// card list shows (conversations' card_* columns) from the same input, so a stored call is written
// once: participants as the participants table will hold them (the first of each key, external
// first, then by key), open action items, and the analysis' score.
const UPSERT_CONVERSATIONS = `
  INSERT INTO conversations AS c
    (account_id, provider, external_id, title, meeting_title, url, share_url, started_at, ended_at,
     duration_seconds, recorded_by_user_id, recorded_by_email, recorded_by_name, summary_markdown,
     language, action_items, content_hash, transcript_search, card_participants, card_open_action_items, card_score)
  SELECT app_account_id(), 'fathom', m.external_id, m.title, m.meeting_title, m.url, m.share_url, m.started_at, m.ended_at,
         m.duration_seconds, (SELECT u.id FROM users u WHERE u.account_id = app_account_id() AND u.email = m.recorded_by_email),
         m.recorded_by_email, m.recorded_by_name, m.summary_markdown, m.language, m.action_items::jsonb, m.content_hash,
         to_tsvector('english', m.search_text),
         coalesce((SELECT jsonb_agg(jsonb_build_object('name', p.name, 'email', p.email, 'isExternal', p.is_external)
                                    ORDER BY p.is_external DESC, p.key)
                     FROM (SELECT DISTINCT ON (x.key) x.key, x.name, x.email, x.is_external
                             FROM ROWS FROM (jsonb_to_recordset(m.participants::jsonb)
                                               AS (key text, name text, email text, "isExternal" boolean))
                                  WITH ORDINALITY AS x(key, name, email, is_external, ord)
                            ORDER BY x.key, x.ord) p), '[]'::jsonb),
         CASE WHEN jsonb_typeof(m.action_items::jsonb) = 'array'
              THEN (SELECT count(*)::int FROM jsonb_array_elements(m.action_items::jsonb) ai
                     WHERE ai -> 'completed' IS DISTINCT FROM 'true'::jsonb)
              ELSE 0 END,
         m.score
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[],
                $8::int[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
                $16::text[], $17::smallint[])
         AS m(external_id, title, meeting_title, url, share_url, started_at, ended_at, duration_seconds,
              recorded_by_email, recorded_by_name, summary_markdown, language, action_items, content_hash, search_text,
              participants, score)
  ON CONFLICT (account_id, provider, external_id) DO UPDATE SET
    title = EXCLUDED.title, meeting_title = EXCLUDED.meeting_title, url = EXCLUDED.url,
    share_url = EXCLUDED.share_url, started_at = EXCLUDED.started_at, ended_at = EXCLUDED.ended_at,
    duration_seconds = EXCLUDED.duration_seconds,
    recorded_by_user_id = coalesce(EXCLUDED.recorded_by_user_id, c.recorded_by_user_id),
    recorded_by_email = EXCLUDED.recorded_by_email, recorded_by_name = EXCLUDED.recorded_by_name,
    summary_markdown = EXCLUDED.summary_markdown, language = EXCLUDED.language,
    action_items = EXCLUDED.action_items, content_hash = EXCLUDED.content_hash,
    transcript_search = EXCLUDED.transcript_search, card_participants = EXCLUDED.card_participants,
    card_open_action_items = EXCLUDED.card_open_action_items, card_score = EXCLUDED.card_score, updated_at = now()
  WHERE c.content_hash IS DISTINCT FROM EXCLUDED.content_hash
  RETURNING id, external_id, (xmax = 0) AS inserted`;

const EXISTING_IDS = `
  SELECT id, external_id FROM conversations
   WHERE account_id = app_account_id() AND provider = 'fathom' AND external_id = ANY($1::text[])`;

const CLEAR_PARTICIPANTS = `DELETE FROM conversation_participants WHERE account_id = app_account_id() AND conversation_id = ANY($1::uuid[])`;
const CLEAR_SEGMENTS = `DELETE FROM transcript_segments WHERE account_id = app_account_id() AND conversation_id = ANY($1::uuid[])`;

// The children of a batch in one statement (one round trip): data-modifying CTEs run to
// completion whether or not the outer query reads them, and an empty array inserts nothing.
const INSERT_CHILDREN = `
  WITH participants AS (
    INSERT INTO conversation_participants (account_id, conversation_id, participant_key, name, email, is_external)
    SELECT app_account_id(), p.conversation_id, p.key, p.name, p.email, p.is_external
      FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::boolean[]) AS p(conversation_id, key, name, email, is_external)
    ON CONFLICT (account_id, conversation_id, participant_key) DO NOTHING
  ), segments AS (
    INSERT INTO transcript_segments (account_id, conversation_id, position, speaker_name, speaker_email, is_external, text, start_seconds)
    SELECT app_account_id(), s.conversation_id, s.position, s.speaker_name, s.speaker_email, s.is_external, s.text, s.start_seconds
      FROM unnest($6::uuid[], $7::int[], $8::text[], $9::text[], $10::boolean[], $11::text[], $12::numeric[])
           AS s(conversation_id, position, speaker_name, speaker_email, is_external, text, start_seconds)
  ), links AS (
    INSERT INTO conversation_crm_links (account_id, conversation_id, object_type, object_id, source, matched_email)
    SELECT app_account_id(), l.conversation_id, l.object_type, l.object_id, l.source, l.email
      FROM unnest($13::uuid[], $14::text[], $15::bigint[], $16::text[], $17::text[]) AS l(conversation_id, object_type, object_id, source, email)
    ON CONFLICT (account_id, conversation_id, object_type, object_id) DO NOTHING
  ), analyses AS (
    INSERT INTO conversation_analyses (account_id, conversation_id, analyser_version, score, metrics)
    SELECT app_account_id(), a.conversation_id, a.version, a.score, a.metrics::jsonb
      FROM unnest($18::uuid[], $19::text[], $20::smallint[], $21::text[]) AS a(conversation_id, version, score, metrics)
    ON CONFLICT (account_id, conversation_id) DO UPDATE SET
      analyser_version = EXCLUDED.analyser_version, score = EXCLUDED.score,
      metrics = EXCLUDED.metrics, computed_at = now()
  ), pending AS (
    INSERT INTO conversation_links_pending (account_id, conversation_id)
    SELECT app_account_id(), unnest($22::uuid[])
    ON CONFLICT DO NOTHING
  )
  SELECT 1`;

const participantKey = (participant: { name: string | null; email: string | null }) =>
  participant.email ? participant.email.toLowerCase() : `name:${participant.name ?? 'unknown'}`;

/** A participant as the upsert's card field reads it (and as conversation_participants stores it). */
const participantRow = (person: IncomingConversation['participants'][number]) => ({
  key: participantKey(person),
  name: person.name,
  email: person.email?.toLowerCase() ?? null,
  isExternal: person.isExternal,
});

const column = <T, V>(rows: readonly T[], pick: (row: T) => V): V[] => rows.map(pick);

/** The batch, in a handful of statements whatever its size. Throws when the database refuses any of it. */
async function writeBatch(tx: Queryable, batch: readonly PreparedMeeting[]): Promise<StoredMeeting[]> {
  const m = batch.map((prepared) => prepared.conversation);
  const { rows: written } = await tx.query<{ id: string; external_id: string; inserted: boolean }>(
    UPSERT_CONVERSATIONS,
    [
      column(m, (c) => c.externalId),
      column(m, (c) => c.title),
      column(m, (c) => c.meetingTitle),
      column(m, (c) => c.url),
      column(m, (c) => c.shareUrl),
      column(m, (c) => c.startedAt),
      column(m, (c) => c.endedAt),
      column(m, (c) => Math.max(0, Math.round(c.durationSeconds))),
      column(m, (c) => c.recordedBy.email?.toLowerCase() ?? null),
      column(m, (c) => c.recordedBy.name),
      column(m, (c) => c.summaryMarkdown),
      column(m, (c) => c.language),
      column(m, (c) => JSON.stringify(c.actionItems)),
      column(batch, (p) => p.hash),
      column(batch, (p) => p.searchText),
      column(m, (c) => JSON.stringify(c.participants.map(participantRow))),
      column(batch, (p) => p.analysis.score),
    ],
  );
  const writtenById = new Map(written.map((row) => [row.external_id, row]));
  const unchanged = m.filter((c) => !writtenById.has(c.externalId)).map((c) => c.externalId);
  const idOf = new Map(written.map((row) => [row.external_id, row.id]));
  if (unchanged.length) {
    for (const row of (await tx.query<{ id: string; external_id: string }>(EXISTING_IDS, [unchanged])).rows)
      idOf.set(row.external_id, row.id);
  }
  const updated = written.filter((row) => !row.inserted).map((row) => row.id);
  if (updated.length) {
    await tx.query(CLEAR_PARTICIPANTS, [updated]);
    await tx.query(CLEAR_SEGMENTS, [updated]);
  }

  // Children of the meetings written now (new or changed); an unchanged meeting writes nothing.
  const changed = batch.filter((p) => writtenById.has(p.conversation.externalId));
  const people = changed.flatMap((p) =>
    p.conversation.participants.map((person) => ({
      id: idOf.get(p.conversation.externalId)!,
      ...participantRow(person),
    })),
  );
  const lines = changed.flatMap((p) => {
    const sideOf = speakerSides(p.conversation);
    const id = idOf.get(p.conversation.externalId)!;
    return p.conversation.segments.map((segment, position) => ({ id, position, segment, side: sideOf(segment) }));
  });

  // Fathom's own CRM matches come with the content (written when it changes); our email matches
  // are added to every meeting of the batch, since HubSpot may know a contact it did not before.
  type Link = { id: string; type: string; objectId: number; source: string; email: string | null };
  const links: Link[] = [];
  for (const p of changed) {
    const id = idOf.get(p.conversation.externalId)!;
    const matches = p.conversation.crmMatches;
    for (const objectId of matches.contactIds)
      links.push({ id, type: 'contacts', objectId, source: 'fathom', email: null });
    for (const objectId of matches.dealIds) links.push({ id, type: 'deals', objectId, source: 'fathom', email: null });
    for (const objectId of matches.companyIds)
      links.push({ id, type: 'companies', objectId, source: 'fathom', email: null });
  }
  for (const p of batch) {
    const id = idOf.get(p.conversation.externalId)!;
    for (const link of p.emailLinks)
      links.push({ id, type: link.objectType, objectId: link.objectId, source: link.source, email: link.email });
  }

  if (people.length || lines.length || links.length || changed.length) {
    await tx.query(INSERT_CHILDREN, [
      column(people, (r) => r.id),
      column(people, (r) => r.key),
      column(people, (r) => r.name),
      column(people, (r) => r.email),
      column(people, (r) => r.isExternal),
      column(lines, (r) => r.id),
      column(lines, (r) => r.position),
      column(lines, (r) => r.segment.speakerName),
      column(lines, (r) => r.segment.speakerEmail?.toLowerCase() ?? null),
      column(lines, (r) => r.side),
      column(lines, (r) => r.segment.text),
      column(lines, (r) => r.segment.startSeconds),
      column(links, (l) => l.id),
      column(links, (l) => l.type),
      column(links, (l) => l.objectId),
      column(links, (l) => l.source),
      column(links, (l) => l.email),
      column(changed, (p) => idOf.get(p.conversation.externalId)!),
      column(changed, (p) => p.analysis.version),
      column(changed, (p) => p.analysis.score),
      column(changed, (p) => JSON.stringify(p.analysis.metrics)),
      changed.filter((p) => p.linksPending).map((p) => idOf.get(p.conversation.externalId)!),
    ]);
  }
  return m.map((c) => {
    const row = writtenById.get(c.externalId);
    return {
      externalId: c.externalId,
      conversationId: idOf.get(c.externalId)!,
      change: !row ? 'unchanged' : row.inserted ? 'new' : 'updated',
    };
  });
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 300);

/**
 * Stores prepared meetings of the current tenant (run inside withTenant; `accountId` is that
 * tenant) in a few multi-row statements: conversations, participants, transcript segments, CRM
 * links, analyses and search text. Keyed on the Fathom recording id, so storing the same meeting
 * again writes nothing, and an edited meeting is updated in place.
 *
 * The batch runs under a savepoint. If the database refuses it, each meeting is stored again
 * under a savepoint of its own: a meeting that cannot be stored is reported in `notStored` and
 * the others are stored, so one poisoned meeting never blocks the meetings after it.
 *
 * Both the scheduled sync and the webhook job store through here; anything that must follow
 * storage in the same transaction belongs at the end of this function.
 */
export async function storeMeetings(
  tx: Queryable,
  accountId: string,
  meetings: readonly PreparedMeeting[],
): Promise<StoreOutcome> {
  if (!accountId) throw new Error('storeMeetings needs the tenant it runs as');
  // The same recording twice in one batch (a page and a webhook racing) is stored once, as its last copy.
  const batch = [...new Map(meetings.map((p) => [p.conversation.externalId, p])).values()];
  if (batch.length === 0) return { stored: [], notStored: [] };
  const attempt = async (part: readonly PreparedMeeting[]): Promise<StoredMeeting[] | { error: unknown }> => {
    await tx.query('SAVEPOINT store_meetings');
    try {
      const stored = await writeBatch(tx, part);
      await tx.query('RELEASE SAVEPOINT store_meetings');
      return stored;
    } catch (error) {
      await tx.query('ROLLBACK TO SAVEPOINT store_meetings');
      await tx.query('RELEASE SAVEPOINT store_meetings');
      return { error };
    }
  };
  const whole = await attempt(batch);
  if (Array.isArray(whole)) return { stored: whole, notStored: [] };
  if (batch.length === 1)
    return {
      stored: [],
      notStored: [{ externalId: batch[0]!.conversation.externalId, message: messageOf(whole.error) }],
    };
  const outcome: StoreOutcome = { stored: [], notStored: [] };
  for (const prepared of batch) {
    const one = await attempt([prepared]);
    if (Array.isArray(one)) outcome.stored.push(...one);
    else outcome.notStored.push({ externalId: prepared.conversation.externalId, message: messageOf(one.error) });
  }
  return outcome;
}
