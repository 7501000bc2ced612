/**
 * The shapes of Fathom's external API (https://developers.fathom.ai, and the field names of
 * its OpenAPI-generated SDK `fathom-typescript`), as far as this app relies on them.
 *
 * Every object is loose: Fathom adds fields over time, and a new field (or a new value of a
 * field we only display) must not make a whole page of meetings unreadable. Only what the
 * sync cannot do without is required: a recording id and its timestamps. Fields Fathom marks
 * "coming soon" or that it fills only on request (`include_*`) are optional and nullable.
 */
import { z } from 'zod';

const nullableString = z.string().nullable().optional();

/** `recorded_by`: the Fathom user who recorded the call. */
export const recordedBySchema = z.looseObject({
  name: nullableString,
  email: nullableString,
  email_domain: nullableString,
  team: nullableString,
});
export type RecordedBy = z.infer<typeof recordedBySchema>;

/** One entry of `calendar_invitees`. */
export const calendarInviteeSchema = z.looseObject({
  name: nullableString,
  email: nullableString,
  email_domain: nullableString,
  is_external: z.boolean().nullable().optional(),
  /** The transcript speaker Fathom matched to this invitee ("coming soon" in Fathom's docs). */
  matched_speaker_display_name: nullableString,
});
export type CalendarInvitee = z.infer<typeof calendarInviteeSchema>;

/** One utterance of a transcript; `timestamp` is "HH:MM:SS" from the start of the recording. */
export const transcriptItemSchema = z.looseObject({
  speaker: z.looseObject({
    display_name: z.string(),
    /** May be null or absent: fall back to `calendar_invitees[].matched_speaker_display_name`. */
    matched_calendar_invitee_email: nullableString,
  }),
  text: z.string(),
  timestamp: nullableString,
});
export type TranscriptItem = z.infer<typeof transcriptItemSchema>;

/** `default_summary`, and the body of `/recordings/{id}/summary`. */
export const summarySchema = z.looseObject({
  template_name: nullableString,
  markdown_formatted: nullableString,
});
export type MeetingSummary = z.infer<typeof summarySchema>;

export const actionItemSchema = z.looseObject({
  description: z.string(),
  user_generated: z.boolean().nullable().optional(),
  completed: z.boolean().nullable().optional(),
  /** "HH:MM:SS" from the start of the recording. */
  recording_timestamp: nullableString,
  recording_playback_url: nullableString,
  assignee: z.looseObject({ name: nullableString, email: nullableString, team: nullableString }).nullable().optional(),
});
export type ActionItem = z.infer<typeof actionItemSchema>;

/**
 * Records of the CRM Fathom itself is linked to (its own HubSpot/Salesforce integration).
 * Fathom identifies them only by `record_url`; `error` is set when no CRM is connected.
 */
export const crmMatchesSchema = z.looseObject({
  contacts: z
    .array(z.looseObject({ name: nullableString, email: nullableString, record_url: nullableString }))
    .optional(),
  companies: z.array(z.looseObject({ name: nullableString, record_url: nullableString })).optional(),
  deals: z
    .array(
      z.looseObject({ name: nullableString, amount: z.number().nullable().optional(), record_url: nullableString }),
    )
    .optional(),
  error: nullableString,
});
export type CrmMatches = z.infer<typeof crmMatchesSchema>;

export const meetingSchema = z.looseObject({
  title: z.string(),
  /** The calendar event's title. */
  meeting_title: nullableString,
  recording_id: z.number().int(),
  url: nullableString,
  share_url: nullableString,
  created_at: z.string(),
  scheduled_start_time: nullableString,
  scheduled_end_time: nullableString,
  recording_start_time: nullableString,
  recording_end_time: nullableString,
  /** "only_internal" | "one_or_more_external" today; kept open so a new value does not fail a page. */
  calendar_invitees_domains_type: nullableString,
  transcript_language: nullableString,
  calendar_invitees: z.array(calendarInviteeSchema).default([]),
  recorded_by: recordedBySchema.nullable().optional(),
  transcript: z.array(transcriptItemSchema).nullable().optional(),
  default_summary: summarySchema.nullable().optional(),
  action_items: z.array(actionItemSchema).nullable().optional(),
  crm_matches: crmMatchesSchema.nullable().optional(),
});
export type Meeting = z.infer<typeof meetingSchema>;

export const meetingListSchema = z.looseObject({
  items: z.array(meetingSchema),
  limit: z.number().nullable().optional(),
  next_cursor: nullableString,
});
export type MeetingList = z.infer<typeof meetingListSchema>;

/** `GET /recordings/{id}/transcript` without `destination_url` answers the transcript itself. */
export const recordingTranscriptSchema = z.looseObject({ transcript: z.array(transcriptItemSchema) });

/** `GET /recordings/{id}/summary` without `destination_url`. */
export const recordingSummarySchema = z.looseObject({ summary: summarySchema.nullable() });

/** Which recordings fire a webhook. */
export const WEBHOOK_TRIGGERS = [
  'my_recordings',
  'shared_external_recordings',
  'my_shared_with_team_recordings',
  'shared_team_recordings',
] as const;
export type WebhookTrigger = (typeof WEBHOOK_TRIGGERS)[number];

/** The answer of `POST /webhooks`; `secret` ("whsec_…") signs every delivery. */
export const webhookSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  url: z.string(),
  secret: z.string(),
  created_at: nullableString,
  include_transcript: z.boolean().nullable().optional(),
  include_summary: z.boolean().nullable().optional(),
  include_action_items: z.boolean().nullable().optional(),
  include_crm_matches: z.boolean().nullable().optional(),
  triggered_for: z.array(z.string()).nullable().optional(),
});
export type Webhook = z.infer<typeof webhookSchema>;
