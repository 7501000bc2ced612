import type { FathomClient } from '../fathom/client.ts';
import { fromFathomMeeting } from './fromFathomMeeting.ts';
import type { MeetingSource } from './ports.ts';

/**
 * Meetings from Fathom for one connection. An API key gets whole meetings in one call per page;
 * an OAuth token may not include transcripts and summaries in /meetings, so those are fetched
 * per recording (the client paces them within Fathom's per-minute limits).
 */
export function fathomMeetingSource(
  client: FathomClient,
  options: { hubId: number; authType: 'api_key' | 'oauth' },
): MeetingSource {
  const wholeMeetings = options.authType === 'api_key';
  return {
    async listPage({ cursor, createdAfter }) {
      const page = await client.listMeetings({
        cursor,
        createdAfter,
        includeTranscript: wholeMeetings,
        includeSummary: wholeMeetings,
        includeActionItems: true,
        includeCrmMatches: true,
      });
      const meetings = [];
      for (const meeting of page.items) {
        if (wholeMeetings) {
          meetings.push(fromFathomMeeting(meeting, options.hubId));
          continue;
        }
        const transcript = await client.getTranscript(meeting.recording_id);
        const summary = await client.getSummary(meeting.recording_id);
        meetings.push(fromFathomMeeting({ ...meeting, transcript, default_summary: summary }, options.hubId));
      }
      return { meetings, nextCursor: page.next_cursor ?? null };
    },
  };
}
