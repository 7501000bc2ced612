import type { CrmMatches, Meeting } from '../fathom/schemas.ts';
import type { IncomingConversation } from './incoming.ts';
import type { CrmObjectType } from '../../../hubspot-app/app/packages/ui-shared/crmObjectTypes.ts';

/** "HH:MM:SS" (or "MM:SS") from the start of the recording → seconds; null when absent or malformed. */
export function hmsToSeconds(value: string | null | undefined): number | null {
  if (!value) return null;
  const parts = value.split(':').map(Number);
  if (parts.length < 2 || parts.length > 3 || parts.some((n) => !Number.isFinite(n) || n < 0)) return null;
  return parts.reduce((total, n) => total * 60 + n, 0);
}

// HubSpot record URLs as Fathom's CRM integration reports them, old and new style:
//   /contacts/{portal}/contact/{id}   /contacts/{portal}/deal/{id}   /contacts/{portal}/company/{id}
//   /contacts/{portal}/record/0-1/{id} (contacts)  0-3 (deals)  0-2 (companies)
const RECORD_URL = /\/contacts\/(\d+)\/(?:(contact|deal|company)|record\/(0-1|0-2|0-3))\/(\d+)/;
const TYPE_OF: Record<string, CrmObjectType> = {
  contact: 'contacts',
  deal: 'deals',
  company: 'companies',
  '0-1': 'contacts',
  '0-3': 'deals',
  '0-2': 'companies',
};

/** The HubSpot record ids Fathom matched, only for this portal (Fathom may be linked to another CRM). */
export function hubspotIdsFromCrmMatches(
  matches: CrmMatches | null | undefined,
  hubId: number,
): IncomingConversation['crmMatches'] {
  const ids = { contacts: new Set<number>(), deals: new Set<number>(), companies: new Set<number>() };
  const all = [...(matches?.contacts ?? []), ...(matches?.deals ?? []), ...(matches?.companies ?? [])];
  for (const match of all) {
    const found = RECORD_URL.exec(match.record_url ?? '');
    if (!found || Number(found[1]) !== hubId) continue;
    const type = TYPE_OF[found[2] ?? found[3]!]!;
    ids[type].add(Number(found[4]));
  }
  return { contactIds: [...ids.contacts], dealIds: [...ids.deals], companyIds: [...ids.companies] };
}

/** One Fathom meeting (from /meetings or a webhook) in the sync's own shape. */
export function fromFathomMeeting(meeting: Meeting, hubId: number): IncomingConversation {
  const invitees = meeting.calendar_invitees ?? [];
  const recorder = meeting.recorded_by ?? null;
  const transcript = meeting.transcript ?? [];
  const startedAt = new Date(meeting.recording_start_time ?? meeting.scheduled_start_time ?? meeting.created_at);
  const endedAt = meeting.recording_end_time ? new Date(meeting.recording_end_time) : null;
  const lastUtterance = hmsToSeconds(transcript[transcript.length - 1]?.timestamp);
  const durationSeconds = endedAt
    ? Math.max(0, Math.round((endedAt.getTime() - startedAt.getTime()) / 1000))
    : (lastUtterance ?? 0);

  const recorderDomain = recorder?.email_domain ?? recorder?.email?.split('@')[1] ?? null;
  const participants: IncomingConversation['participants'] = invitees.map((invitee) => ({
    name: invitee.name ?? null,
    email: invitee.email?.toLowerCase() ?? null,
    isExternal:
      invitee.is_external ??
      (recorderDomain !== null && (invitee.email_domain ?? invitee.email?.split('@')[1]) !== recorderDomain),
  }));
  const recorderEmail = recorder?.email?.toLowerCase() ?? null;
  if (recorderEmail && !participants.some((p) => p.email === recorderEmail)) {
    participants.push({ name: recorder?.name ?? null, email: recorderEmail, isExternal: false });
  }

  // A speaker's email: Fathom's own match, else the invitee it matched to that display name.
  const emailBySpeaker = new Map(
    invitees
      .filter((i) => i.matched_speaker_display_name && i.email)
      .map((i) => [i.matched_speaker_display_name!, i.email!.toLowerCase()]),
  );
  if (recorder?.name && recorderEmail && !emailBySpeaker.has(recorder.name))
    emailBySpeaker.set(recorder.name, recorderEmail);

  return {
    externalId: String(meeting.recording_id),
    title: meeting.title || meeting.meeting_title || 'Untitled call',
    meetingTitle: meeting.meeting_title ?? null,
    url: meeting.url ?? null,
    shareUrl: meeting.share_url ?? null,
    startedAt,
    endedAt,
    durationSeconds,
    recordedBy: { name: recorder?.name ?? null, email: recorderEmail },
    summaryMarkdown: meeting.default_summary?.markdown_formatted ?? null,
    language: meeting.transcript_language ?? null,
    actionItems: (meeting.action_items ?? []).map((item) => ({
      description: item.description,
      completed: item.completed ?? false,
      timestampSeconds: hmsToSeconds(item.recording_timestamp),
      assigneeEmail: item.assignee?.email?.toLowerCase() ?? null,
    })),
    participants,
    segments: transcript.map((item) => ({
      speakerName: item.speaker.display_name,
      speakerEmail:
        item.speaker.matched_calendar_invitee_email?.toLowerCase() ??
        emailBySpeaker.get(item.speaker.display_name) ??
        null,
      text: item.text,
      startSeconds: hmsToSeconds(item.timestamp),
    })),
    crmMatches: hubspotIdsFromCrmMatches(meeting.crm_matches, hubId),
  };
}
