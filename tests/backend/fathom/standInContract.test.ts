import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  GetRecordingSummaryResponseBody$inboundSchema,
  GetRecordingTranscriptResponseBody$inboundSchema,
} from 'fathom-typescript/sdk/models/operations';
import {
  Meeting$inboundSchema,
  MeetingListResponse$inboundSchema,
  Webhook$inboundSchema,
} from 'fathom-typescript/sdk/models/shared';
import { startFathomStandIn, type FathomStandIn } from '../../support/fathomStandIn.ts';

// Fathom's official SDK (fathom-typescript) is generated from Fathom's published OpenAPI document;
// its zod schemas are what a real answer must satisfy. Every test that talks to Fathom talks to
// the stand-in, so the stand-in's answers are parsed here with those schemas: it cannot drift
// from Fathom's shapes without this failing.
let fathom: FathomStandIn;
beforeAll(async () => {
  fathom = await startFathomStandIn({ count: 7, pageSize: 3 });
});
afterAll(() => fathom.close());

// The schemas ignore fields they do not know; Fathom does not send any, so neither may the stand-in.
const fieldsOf = (schema: unknown) =>
  Object.keys((schema as { _def: { schema: { shape: object } } })._def.schema.shape).sort();
const onlyKnownFields = (schema: unknown, answer: unknown) =>
  expect(Object.keys(answer as object).sort()).toEqual(fieldsOf(schema));

const call = async (path: string, init: { method?: string; body?: unknown } = {}) => {
  const response = await fetch(`${fathom.baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'x-api-key': fathom.apiKey, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as unknown };
};

describe("the Fathom stand-in answers in Fathom's published shapes (the SDK's schemas)", () => {
  test('GET /meetings, every page, with and without transcripts, summaries, action items and CRM matches', async () => {
    for (const include of [
      '',
      '&include_transcript=true&include_summary=true&include_action_items=true&include_crm_matches=true',
    ]) {
      let cursor: string | null = null;
      let seen = 0;
      do {
        const page = await call(`/meetings?${cursor ? `cursor=${cursor}` : ''}${include}`);
        expect(page.status).toBe(200);
        const parsed = MeetingListResponse$inboundSchema.parse(page.body);
        onlyKnownFields(MeetingListResponse$inboundSchema, page.body);
        for (const item of (page.body as { items: unknown[] }).items) onlyKnownFields(Meeting$inboundSchema, item);
        seen += parsed.items.length;
        cursor = parsed.nextCursor;
        if (include)
          expect(
            parsed.items.every((m) => m.transcript?.length && m.defaultSummary && m.actionItems && m.crmMatches),
          ).toBe(true);
      } while (cursor);
      expect(seen).toBe(7);
    }
  });

  test('GET /recordings/{id}/transcript and /recordings/{id}/summary', async () => {
    const id = fathom.meetings[0]!.recording_id;
    const transcript = await call(`/recordings/${id}/transcript`);
    expect(transcript.status).toBe(200);
    expect(GetRecordingTranscriptResponseBody$inboundSchema.parse(transcript.body).transcript.length).toBeGreaterThan(
      0,
    );
    const summary = await call(`/recordings/${id}/summary`);
    expect(summary.status).toBe(200);
    expect(GetRecordingSummaryResponseBody$inboundSchema.parse(summary.body).summary?.markdownFormatted).toEqual(
      expect.any(String),
    );
  });

  test('POST /webhooks answers a webhook, and a delivered webhook body is a meeting', async () => {
    const created = await call('/webhooks', {
      method: 'POST',
      body: {
        destination_url: 'https://example.com/webhooks/fathom/1',
        triggered_for: ['my_recordings'],
        include_transcript: true,
      },
    });
    expect(created.status).toBe(201);
    expect(Webhook$inboundSchema.parse(created.body)).toMatchObject({ url: 'https://example.com/webhooks/fathom/1' });
    onlyKnownFields(Webhook$inboundSchema, created.body);
    // What Fathom pushes when a meeting's content is ready: the meeting, as /meetings lists it.
    expect(() => Meeting$inboundSchema.parse(fathom.meetings[0])).not.toThrow();
    onlyKnownFields(Meeting$inboundSchema, fathom.meetings[0]);
  });

  test('POST /webhooks refuses what Fathom refuses: a trigger outside its enum', async () => {
    const refused = await call('/webhooks', {
      method: 'POST',
      body: { destination_url: 'https://example.com/webhooks/fathom/2', triggered_for: ['all_recordings'] },
    });
    expect(refused.status).toBe(400);
  });
});
