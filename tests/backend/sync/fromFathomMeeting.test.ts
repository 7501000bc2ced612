import { describe, expect, test } from '@jest/globals';
import { meetingSchema } from '../../../backend/src/fathom/schemas.ts';
import {
  fromFathomMeeting,
  hmsToSeconds,
  hubspotIdsFromCrmMatches,
} from '../../../backend/src/sync/fromFathomMeeting.ts';

// A meeting as Fathom's GET /meetings returns it with every include_* flag on.
const meeting = meetingSchema.parse({
  title: 'Acme discovery',
  meeting_title: 'Acme <> Seller',
  recording_id: 123456,
  url: 'https://fathom.video/calls/123456',
  share_url: 'https://fathom.video/share/xyz',
  created_at: '2026-11-02T15:31:00Z',
  scheduled_start_time: '2026-11-02T15:00:00Z',
  scheduled_end_time: '2026-11-02T15:30:00Z',
  recording_start_time: '2026-11-02T15:01:00Z',
  recording_end_time: '2026-11-02T15:29:30Z',
  calendar_invitees_domains_type: 'one_or_more_external',
  transcript_language: 'en',
  calendar_invitees: [
    {
      name: 'Rita Rep',
      email: 'rita@seller.example.com',
      email_domain: 'seller.example.com',
      is_external: false,
      matched_speaker_display_name: 'Rita Rep',
    },
    {
      name: 'Bob Buyer',
      email: 'Bob@Acme.example.com',
      email_domain: 'acme.example.com',
      is_external: true,
      matched_speaker_display_name: 'Bob B.',
    },
  ],
  recorded_by: {
    name: 'Rita Rep',
    email: 'rita@seller.example.com',
    email_domain: 'seller.example.com',
    team: 'Sales',
  },
  transcript: [
    {
      speaker: { display_name: 'Rita Rep', matched_calendar_invitee_email: 'rita@seller.example.com' },
      text: 'Hi Bob!',
      timestamp: '00:00:05',
    },
    { speaker: { display_name: 'Bob B.', matched_calendar_invitee_email: null }, text: 'Hi.', timestamp: '00:00:09' },
    {
      speaker: { display_name: 'Guest', matched_calendar_invitee_email: null },
      text: 'Hello from the phone.',
      timestamp: '01:02:03',
    },
  ],
  default_summary: { template_name: 'General', markdown_formatted: '## Summary' },
  action_items: [
    {
      description: 'Send pricing',
      user_generated: false,
      completed: false,
      recording_timestamp: '00:25:00',
      assignee: { name: 'Rita Rep', email: 'rita@seller.example.com', team: null },
    },
  ],
  crm_matches: {
    contacts: [
      { name: 'Bob', email: 'bob@acme.example.com', record_url: 'https://app.hubspot.com/contacts/4242/contact/901' },
      { name: 'Elsewhere', email: 'x@y.z', record_url: 'https://app.hubspot.com/contacts/9999/contact/5' },
    ],
    deals: [
      { name: 'Acme deal', amount: 1000, record_url: 'https://app-eu1.hubspot.com/contacts/4242/record/0-3/777' },
    ],
    companies: [{ name: 'Acme', record_url: 'https://app.hubspot.com/contacts/4242/company/55' }],
  },
});

describe('mapping a Fathom meeting', () => {
  test('keeps what the cards and the analysis need, with Fathom ids as strings', () => {
    const incoming = fromFathomMeeting(meeting, 4242);
    expect(incoming).toMatchObject({
      externalId: '123456',
      title: 'Acme discovery',
      startedAt: new Date('2026-11-02T15:01:00Z'),
      endedAt: new Date('2026-11-02T15:29:30Z'),
      durationSeconds: 1710, // 28 min 30 s
      recordedBy: { name: 'Rita Rep', email: 'rita@seller.example.com' },
      summaryMarkdown: '## Summary',
      language: 'en',
      actionItems: [
        {
          description: 'Send pricing',
          completed: false,
          timestampSeconds: 1500,
          assigneeEmail: 'rita@seller.example.com',
        },
      ],
      participants: [
        { name: 'Rita Rep', email: 'rita@seller.example.com', isExternal: false },
        { name: 'Bob Buyer', email: 'bob@acme.example.com', isExternal: true },
      ],
    });
  });

  test("a speaker's email comes from Fathom's match, else from the invitee matched to his display name", () => {
    expect(fromFathomMeeting(meeting, 4242).segments).toEqual([
      { speakerName: 'Rita Rep', speakerEmail: 'rita@seller.example.com', text: 'Hi Bob!', startSeconds: 5 },
      { speakerName: 'Bob B.', speakerEmail: 'bob@acme.example.com', text: 'Hi.', startSeconds: 9 },
      { speakerName: 'Guest', speakerEmail: null, text: 'Hello from the phone.', startSeconds: 3723 },
    ]);
  });

  test("Fathom's CRM matches become HubSpot ids, for this portal only", () => {
    expect(fromFathomMeeting(meeting, 4242).crmMatches).toEqual({
      contactIds: [901],
      dealIds: [777],
      companyIds: [55],
    });
    expect(hubspotIdsFromCrmMatches(meeting.crm_matches, 1)).toEqual({ contactIds: [], dealIds: [], companyIds: [] });
    expect(hubspotIdsFromCrmMatches({ error: 'no CRM connected' }, 4242)).toEqual({
      contactIds: [],
      dealIds: [],
      companyIds: [],
    });
  });

  test('without recording times the duration is where the transcript ends', () => {
    const bare = meetingSchema.parse({
      ...meeting,
      recording_start_time: null,
      recording_end_time: null,
      calendar_invitees: [],
    });
    const incoming = fromFathomMeeting(bare, 4242);
    expect(incoming.startedAt).toEqual(new Date('2026-11-02T15:00:00Z'));
    expect(incoming.durationSeconds).toBe(3723);
    // The recorder is always a participant, on our side.
    expect(incoming.participants).toEqual([{ name: 'Rita Rep', email: 'rita@seller.example.com', isExternal: false }]);
  });

  test('timestamps parse as HH:MM:SS or MM:SS; anything else is unknown', () => {
    expect([
      hmsToSeconds('01:02:03'),
      hmsToSeconds('02:03'),
      hmsToSeconds('x'),
      hmsToSeconds(null),
      hmsToSeconds('1:-1'),
    ]).toEqual([3723, 123, null, null, null]);
  });
});
