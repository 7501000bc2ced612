/**
 * Fathom's external API, the operations this app uses.
 *
 * Why not the official SDK (`fathom-typescript` 0.0.37)? We read it (its source ships in the
 * package) and it runs fine as ESM under Node 24, takes a base URL (`serverURL`), both auth
 * schemes and even a security callback. But it cannot meet the rules this client must keep:
 * - retries are off by default, and when on they are bounded by elapsed time rather than
 *   attempts, sleep on real timers (`setTimeout`, `Date.now`), and cannot be injected, so
 *   neither fast tests nor a bounded worst case;
 * - there is no client-side limiter and no use of the `RateLimit-*` headers, so a history
 *   sync would live on 429s; and it retries 429/5xx on POST /webhooks too (duplicate hooks);
 * - its response schemas are strict zod 3 objects with closed enums and required fields
 *   (`calendar_invitees_domains_type`, `share_url`, …): one new value from Fathom and the
 *   whole page fails to parse;
 * - its transcript call requires `destination_url`, i.e. the asynchronous callback mode,
 *   while the API answers the transcript directly without it, which is what we want.
 * So this is a small client on `fetch` (request.ts), with our own lenient schemas
 * (schemas.ts). Field names follow Fathom's docs and the SDK's generated models.
 */
import { z } from 'zod';
import { FathomUpstreamFailed } from './errors.ts';
import { createFathomTransport, type FathomTransport, type FathomTransportOptions } from './request.ts';
import {
  meetingListSchema,
  recordingSummarySchema,
  recordingTranscriptSchema,
  webhookSchema,
  type Meeting,
  type MeetingList,
  type MeetingSummary,
  type TranscriptItem,
  type Webhook,
  type WebhookTrigger,
} from './schemas.ts';

export type FathomClientOptions = FathomTransportOptions;

export type ListMeetingsOptions = {
  /** From the previous page's `next_cursor`. */
  cursor?: string | null;
  /** Only meetings created after this moment. */
  createdAfter?: Date | null;
  /** Not available to OAuth connections: use getTranscript / getSummary instead. */
  includeTranscript?: boolean;
  includeSummary?: boolean;
  includeActionItems?: boolean;
  includeCrmMatches?: boolean;
};

export type CreateWebhookInput = {
  destinationUrl: string;
  triggeredFor: WebhookTrigger[];
  includeTranscript?: boolean;
  includeSummary?: boolean;
  includeActionItems?: boolean;
  includeCrmMatches?: boolean;
};

export type FathomClient = {
  /** One page of meetings, newest first; calendar invitees always come with them. */
  listMeetings(options?: ListMeetingsOptions): Promise<MeetingList>;
  /** Every meeting, page after page. */
  meetings(options?: Omit<ListMeetingsOptions, 'cursor'>): AsyncGenerator<Meeting, void, undefined>;
  getTranscript(recordingId: number): Promise<TranscriptItem[]>;
  /** Null when Fathom has no summary for the recording. */
  getSummary(recordingId: number): Promise<MeetingSummary | null>;
  createWebhook(input: CreateWebhookInput): Promise<Webhook>;
  deleteWebhook(id: string): Promise<void>;
  /**
   * A cheap authenticated call; resolves when Fathom accepts the credentials, else throws
   * FathomAuthRejected with Fathom's reason. (`/meetings` has no page-size parameter, so
   * this is one plain page without transcripts or summaries.)
   */
  verifyCredentials(): Promise<void>;
};

export function createFathomClient(options: FathomClientOptions): FathomClient {
  return fathomClientOver(createFathomTransport(options));
}

/** The operations over a given transport (the transport owns auth, pacing and retries). */
export function fathomClientOver(send: FathomTransport): FathomClient {
  async function listMeetings(options: ListMeetingsOptions = {}): Promise<MeetingList> {
    const heavy = Boolean(options.includeTranscript || options.includeSummary);
    const body = await send({
      operation: 'to list meetings',
      method: 'GET',
      path: '/meetings',
      weight: heavy ? 'heavy' : 'light',
      query: {
        cursor: options.cursor ?? undefined,
        created_after: options.createdAfter ? options.createdAfter.toISOString() : undefined,
        include_transcript: flag(options.includeTranscript),
        include_summary: flag(options.includeSummary),
        include_action_items: flag(options.includeActionItems),
        include_crm_matches: flag(options.includeCrmMatches),
      },
    });
    return read('to list meetings', meetingListSchema, body);
  }

  return {
    listMeetings,

    async *meetings(options = {}) {
      const seen = new Set<string>();
      let cursor: string | null = null;
      for (;;) {
        const page = await listMeetings({ ...options, cursor });
        yield* page.items;
        const next = page.next_cursor ?? null;
        if (!next) return;
        // A cursor that comes back again would page forever.
        if (seen.has(next))
          throw new FathomUpstreamFailed('to list meetings', 'the same page cursor came back twice', null);
        seen.add(next);
        cursor = next;
      }
    },

    async getTranscript(recordingId) {
      const body = await send({
        operation: `to return the transcript of recording ${recordingId}`,
        method: 'GET',
        path: `/recordings/${encodeURIComponent(String(recordingId))}/transcript`,
        weight: 'heavy',
      });
      return read('to return a transcript', recordingTranscriptSchema, body).transcript;
    },

    async getSummary(recordingId) {
      const body = await send({
        operation: `to return the summary of recording ${recordingId}`,
        method: 'GET',
        path: `/recordings/${encodeURIComponent(String(recordingId))}/summary`,
        weight: 'heavy',
      });
      return read('to return a summary', recordingSummarySchema, body).summary ?? null;
    },

    async createWebhook(input) {
      const body = await send({
        operation: 'to create a webhook',
        method: 'POST',
        path: '/webhooks',
        weight: 'light',
        body: {
          destination_url: input.destinationUrl,
          triggered_for: input.triggeredFor,
          include_transcript: input.includeTranscript ?? false,
          include_summary: input.includeSummary ?? false,
          include_action_items: input.includeActionItems ?? false,
          include_crm_matches: input.includeCrmMatches ?? false,
        },
      });
      return read('to create a webhook', webhookSchema, body);
    },

    async deleteWebhook(id) {
      await send({
        operation: 'to delete a webhook',
        method: 'DELETE',
        path: `/webhooks/${encodeURIComponent(id)}`,
        weight: 'light',
      });
    },

    async verifyCredentials() {
      await listMeetings();
    },
  };
}

function flag(value: boolean | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

function read<T extends z.ZodType>(operation: string, schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  const where = first && first.path.length ? `${first.path.join('.')}: ` : '';
  throw new FathomUpstreamFailed(
    operation,
    `the answer had an unexpected shape (${where}${first?.message ?? 'invalid'})`,
    200,
  );
}
