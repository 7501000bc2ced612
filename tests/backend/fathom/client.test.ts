import { afterEach, describe, expect, test } from '@jest/globals';
import { createFathomClient, type FathomClientOptions } from '../../../backend/src/fathom/client.ts';
import { FathomAuthRejected } from '../../../backend/src/fathom/errors.ts';
import type { Meeting } from '../../../backend/src/fathom/schemas.ts';
import { startFathomStandIn, type FathomStandIn, type StandInOptions } from '../../support/fathomStandIn.ts';
import { fakeClock } from './fakeClock.ts';

let standIn: FathomStandIn | null = null;

afterEach(async () => {
  await standIn?.close();
  standIn = null;
});

async function setUp(standInOptions: StandInOptions = {}, clientOptions: Partial<FathomClientOptions> = {}) {
  standIn = await startFathomStandIn(standInOptions);
  const fathom = standIn;
  const client = createFathomClient({
    baseUrl: fathom.baseUrl,
    credentials: () => ({ kind: 'apiKey', apiKey: fathom.apiKey }),
    clock: fakeClock(),
    ...clientOptions,
  });
  return { fathom, client };
}

async function all(iterable: AsyncIterable<Meeting>): Promise<Meeting[]> {
  const out: Meeting[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('the Fathom client', () => {
  test('paging through several pages returns every meeting once, newest first', async () => {
    const { fathom, client } = await setUp({ count: 45, pageSize: 10 });

    const meetings = await all(client.meetings());

    const ids = meetings.map((meeting) => meeting.recording_id);
    expect(ids).toHaveLength(45);
    expect(new Set(ids).size).toBe(45);
    expect(new Set(ids)).toEqual(new Set(fathom.meetings.map((meeting) => meeting.recording_id)));
    const created = meetings.map((meeting) => meeting.created_at);
    expect(created).toEqual([...created].sort().reverse());
    expect(fathom.callCount('GET /meetings')).toBe(5);
    // Every page after the first asked for the cursor the previous page handed out.
    expect(fathom.requests.map((request) => request.query.has('cursor'))).toEqual([false, true, true, true, true]);
  });

  test('created_after bounds the history and the include flags are sent', async () => {
    const { fathom, client } = await setUp({ count: 12, pageSize: 5 });
    const sorted = [...fathom.meetings].sort((a, b) => b.created_at.localeCompare(a.created_at));
    const bound = new Date(sorted[4]!.created_at); // the 5th newest: the four newer ones are after it

    const meetings = await all(
      client.meetings({
        createdAfter: bound,
        includeTranscript: true,
        includeSummary: true,
        includeActionItems: true,
        includeCrmMatches: true,
      }),
    );

    expect(meetings.map((meeting) => meeting.recording_id)).toEqual(
      sorted.slice(0, 4).map((meeting) => meeting.recording_id),
    );
    const query = fathom.requests[0]!.query;
    expect(query.get('created_after')).toBe(bound.toISOString());
    expect(query.get('include_transcript')).toBe('true');
    const first = meetings[0]!;
    expect(first.transcript?.[0]).toEqual(
      expect.objectContaining({
        speaker: expect.objectContaining({ display_name: expect.any(String) }),
        timestamp: '00:00:00',
      }),
    );
    expect(first.default_summary?.markdown_formatted).toContain('## Meeting Purpose');
    expect(first.action_items?.[0]?.description).toBe('Send pricing for forty seats');
    expect(first.crm_matches?.contacts?.[0]?.email).toBe(
      first.calendar_invitees.find((invitee) => invitee.is_external)?.email,
    );
    expect(first.recorded_by?.email).toBe('rep.one@seller.example');
  });

  test('meetings listed without includes carry their calendar invitees but no transcript', async () => {
    const { client } = await setUp({ count: 3, inviteeEmails: ['buyer@client.example'] });

    const page = await client.listMeetings();

    expect(page.items).toHaveLength(3);
    expect(page.next_cursor).toBeNull();
    for (const meeting of page.items) {
      expect(meeting.transcript ?? null).toBeNull();
      expect(meeting.calendar_invitees.map((invitee) => invitee.email)).toContain('buyer@client.example');
    }
  });

  test('a field Fathom adds later does not break reading a page', async () => {
    const { fathom, client } = await setUp({ count: 2 });
    fathom.updateMeeting(fathom.meetings[0]!.recording_id, {
      calendar_invitees_domains_type: 'something_new' as never,
      ...{ brand_new_field: 1 },
    });

    const page = await client.listMeetings();

    expect(page.items).toHaveLength(2);
    expect(page.items.find((meeting) => meeting.recording_id === fathom.meetings[0]!.recording_id)).toHaveProperty(
      'brand_new_field',
      1,
    );
  });

  test('a title edited upstream shows on the next read', async () => {
    const { fathom, client } = await setUp({ count: 3 });
    const target = fathom.meetings[1]!.recording_id;

    fathom.updateMeeting(target, { title: 'Renamed in Fathom' });

    const page = await client.listMeetings();
    expect(page.items.find((meeting) => meeting.recording_id === target)?.title).toBe('Renamed in Fathom');
  });

  test("a recording's transcript and summary come from /recordings", async () => {
    const { fathom, client } = await setUp({ count: 2, segmentsPerMeeting: 4 });
    const meeting = fathom.meetings[0]!;

    const transcript = await client.getTranscript(meeting.recording_id);
    const summary = await client.getSummary(meeting.recording_id);

    expect(transcript).toHaveLength(4);
    expect(transcript.map((item) => item.timestamp)).toEqual(['00:00:00', '00:00:15', '00:00:30', '00:00:45']);
    // The generator leaves every third guest speaker unmatched: the fallback case.
    expect(transcript[1]!.speaker.matched_calendar_invitee_email).toBeNull();
    expect(summary?.template_name).toBe('General');
    expect(fathom.callCount('GET /recordings/:id/transcript')).toBe(1);
    expect(fathom.callCount('GET /recordings/:id/summary')).toBe(1);
  });

  test('a webhook is created with its whsec_ secret, then deleted', async () => {
    const { fathom, client } = await setUp({ count: 1 });

    const webhook = await client.createWebhook({
      destinationUrl: 'https://app.example/webhooks/fathom/42',
      triggeredFor: ['my_recordings', 'shared_team_recordings'],
      includeTranscript: true,
      includeSummary: true,
      includeActionItems: true,
      includeCrmMatches: true,
    });

    expect(webhook.secret).toMatch(/^whsec_/);
    expect(webhook.url).toBe('https://app.example/webhooks/fathom/42');
    expect(fathom.webhooks.get(webhook.id)).toEqual(
      expect.objectContaining({
        triggered_for: ['my_recordings', 'shared_team_recordings'],
        include_transcript: true,
        include_crm_matches: true,
      }),
    );

    await client.deleteWebhook(webhook.id);
    expect(fathom.webhooks.size).toBe(0);
  });

  test('an OAuth connection uses a bearer token, refreshed once when Fathom refuses it', async () => {
    standIn = await startFathomStandIn({ count: 2, accessTokens: ['fresh-token'] });
    const asked: boolean[] = [];
    const client = createFathomClient({
      baseUrl: standIn.baseUrl,
      clock: fakeClock(),
      credentials: ({ rejected }) => {
        asked.push(rejected);
        return { kind: 'bearer', accessToken: rejected ? 'fresh-token' : 'stale-token' };
      },
    });

    const page = await client.listMeetings();

    expect(page.items).toHaveLength(2);
    expect(asked).toEqual([false, true]);
    expect(standIn.requests.map((request) => request.auth)).toEqual(['bearer', 'bearer']);
  });

  test('a bearer token refused even after the refresh is an auth rejection', async () => {
    standIn = await startFathomStandIn({ count: 1, accessTokens: [] });
    const client = createFathomClient({
      baseUrl: standIn.baseUrl,
      clock: fakeClock(),
      credentials: () => ({ kind: 'bearer', accessToken: 'revoked' }),
    });

    await expect(client.listMeetings()).rejects.toBeInstanceOf(FathomAuthRejected);
    expect(standIn.callCount()).toBe(2);
  });

  test("verifying a good key makes one cheap call; a wrong key is refused with Fathom's reason", async () => {
    const { fathom, client } = await setUp({ count: 1 });
    await client.verifyCredentials();
    expect(fathom.requests[0]!.query.has('include_transcript')).toBe(false);

    const wrong = createFathomClient({
      baseUrl: fathom.baseUrl,
      clock: fakeClock(),
      credentials: () => ({ kind: 'apiKey', apiKey: 'not-the-key-123' }),
    });
    const error = await wrong.verifyCredentials().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FathomAuthRejected);
    expect((error as FathomAuthRejected).reason).toContain('invalid API key');
    expect((error as FathomAuthRejected).upstreamStatus).toBe(401);
  });
});
