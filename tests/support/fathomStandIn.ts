/**
 * A local stand-in for Fathom's external API (https://api.fathom.ai/external/v1), speaking its
 * real shapes, for every test that talks to Fathom: it holds generated meetings, pages them
 * newest first with `next_cursor`, serves transcripts and summaries, registers webhooks, checks
 * the API key, counts calls per endpoint, and injects faults (429, 5xx, slow answers, dropped
 * connections) on demand or at random from a seeded generator. It can also deliver a webhook,
 * signed the Standard Webhooks way with the reference `standardwebhooks` package.
 *
 * With `oauth` it is also Fathom's OAuth server for public apps (`/oauth2/authorize`, which
 * consents at once and redirects back, and `/oauth2/token`): single-use codes bound to the
 * redirect URI, expiring access tokens, and refresh tokens that rotate — a spent one is
 * refused with invalid_grant. As Fathom documents, OAuth tokens may not ask `/meetings` for
 * transcripts or summaries.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { TriggeredFor } from 'fathom-typescript/sdk/models/shared';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { listen, type Listening } from './http.ts';

export type StandInInvitee = {
  name: string | null;
  email: string | null;
  email_domain: string | null;
  is_external: boolean;
  matched_speaker_display_name: string | null;
};

export type StandInTranscriptItem = {
  speaker: { display_name: string; matched_calendar_invitee_email: string | null };
  text: string;
  timestamp: string;
};

export type StandInActionItem = {
  description: string;
  user_generated: boolean;
  completed: boolean;
  recording_timestamp: string;
  recording_playback_url: string;
  assignee: { name: string | null; email: string | null; team: string | null };
};

export type StandInSummary = { template_name: string | null; markdown_formatted: string | null };

export type StandInCrmMatches = {
  contacts: Array<{ name: string; email: string; record_url: string }>;
  companies: Array<{ name: string; record_url: string }>;
  deals: Array<{ name: string; amount: number; record_url: string }>;
  error: string | null;
};

/** A meeting with everything Fathom can return; `/meetings` leaves out what was not asked for. */
export type StandInMeeting = {
  title: string;
  meeting_title: string | null;
  recording_id: number;
  url: string;
  share_url: string;
  created_at: string;
  scheduled_start_time: string;
  scheduled_end_time: string;
  recording_start_time: string;
  recording_end_time: string;
  calendar_invitees_domains_type: 'only_internal' | 'one_or_more_external';
  transcript_language: string;
  calendar_invitees: StandInInvitee[];
  recorded_by: { name: string; email: string; email_domain: string; team: string | null };
  transcript: StandInTranscriptItem[];
  default_summary: StandInSummary | null;
  action_items: StandInActionItem[];
  crm_matches: StandInCrmMatches;
};

export type GenerateOptions = {
  count?: number;
  segmentsPerMeeting?: number;
  /** External invitees, taken in turn: meeting i invites `inviteeEmails[i % n]`. */
  inviteeEmails?: string[];
  /** Reps who record, taken in turn. */
  recorderEmails?: string[];
  /** The newest meeting's creation time; each older one is an hour earlier. */
  newest?: Date;
  firstRecordingId?: number;
};

const LINES = [
  'Thanks for making the time today, how is the quarter going?',
  'Honestly the main problem is our reps spend hours on manual notes.',
  'What does your current process look like after a call?',
  'We copy things into the CRM by hand, and half of it gets lost.',
  'How many people on the team would use this every day?',
  'About forty, but pricing is the big question for us.',
  'Understood. Our pricing is per seat, and there is an annual discount.',
  'We are also looking at a competitor, so we need to compare.',
  'Makes sense. Could we agree on next steps: a trial for two teams?',
  'Yes, let us schedule a follow-up next Tuesday with our manager.',
];

function hhmmss(totalSeconds: number): string {
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return [h, m, s].map((part) => String(part).padStart(2, '0')).join(':');
}

function nameFromEmail(email: string): string {
  const local = email.split('@')[0] ?? email;
  return local
    .split(/[._-]/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join(' ');
}

/** The same input always gives the same meetings (ids, times, texts). */
export function generateMeetings(options: GenerateOptions = {}): StandInMeeting[] {
  const count = options.count ?? 25;
  const segments = options.segmentsPerMeeting ?? 6;
  const invitees = options.inviteeEmails ?? ['jane.buyer@customer.example', 'omar.lead@prospect.example'];
  const recorders = options.recorderEmails ?? ['rep.one@seller.example'];
  const newest = (options.newest ?? new Date('2026-03-02T15:00:00Z')).getTime();
  const firstId = options.firstRecordingId ?? 100_001;
  const meetings: StandInMeeting[] = [];
  for (let i = 0; i < count; i++) {
    const recordingId = firstId + i;
    const recorderEmail = recorders[i % recorders.length]!;
    const recorderName = nameFromEmail(recorderEmail);
    const guestEmail = invitees[i % invitees.length] ?? null;
    const guestName = guestEmail ? nameFromEmail(guestEmail) : 'Guest';
    const guestDomain = guestEmail?.split('@')[1] ?? null;
    // Older meetings have lower ids: meeting i was created i hours before the newest.
    const created = newest - (count - 1 - i) * 3_600_000;
    const start = created - 35 * 60_000;
    const durationSeconds = 30 * 60;
    // Every third meeting: Fathom did not match the guest's speaker to an email (the fallback case).
    const guestMatched = i % 3 !== 0;
    const transcript: StandInTranscriptItem[] = [];
    for (let s = 0; s < segments; s++) {
      const rep = s % 2 === 0;
      transcript.push({
        speaker: {
          display_name: rep ? recorderName : guestName,
          matched_calendar_invitee_email: rep ? recorderEmail : guestMatched ? guestEmail : null,
        },
        text: LINES[(s + i) % LINES.length]!,
        timestamp: hhmmss(s * 15),
      });
    }
    const url = `https://fathom.video/calls/${recordingId}`;
    meetings.push({
      title: `Discovery call #${i + 1}`,
      meeting_title: `Acme <> ${guestDomain ?? 'guest'} #${i + 1}`,
      recording_id: recordingId,
      url,
      share_url: `https://fathom.video/share/share-${recordingId}`,
      created_at: new Date(created).toISOString(),
      scheduled_start_time: new Date(start).toISOString(),
      scheduled_end_time: new Date(start + durationSeconds * 1000).toISOString(),
      recording_start_time: new Date(start + 60_000).toISOString(),
      recording_end_time: new Date(start + 60_000 + durationSeconds * 1000).toISOString(),
      calendar_invitees_domains_type: guestEmail ? 'one_or_more_external' : 'only_internal',
      transcript_language: 'en',
      calendar_invitees: [
        {
          name: recorderName,
          email: recorderEmail,
          email_domain: recorderEmail.split('@')[1] ?? null,
          is_external: false,
          matched_speaker_display_name: recorderName,
        },
        ...(guestEmail
          ? [
              {
                name: guestName,
                email: guestEmail,
                email_domain: guestDomain,
                is_external: true,
                matched_speaker_display_name: guestName,
              },
            ]
          : []),
      ],
      recorded_by: {
        name: recorderName,
        email: recorderEmail,
        email_domain: recorderEmail.split('@')[1] ?? '',
        team: 'Sales',
      },
      transcript,
      default_summary: {
        template_name: 'General',
        markdown_formatted: `## Meeting Purpose\nDiscovery call #${i + 1} with ${guestName}.\n\n## Key Takeaways\n- Manual notes cost the team hours.\n- Pricing and a competitor are open questions.`,
      },
      action_items: [
        {
          description: 'Send pricing for forty seats',
          user_generated: false,
          completed: false,
          recording_timestamp: hhmmss(90),
          recording_playback_url: `${url}#t=90`,
          assignee: { name: recorderName, email: recorderEmail, team: 'Sales' },
        },
        {
          description: 'Schedule the follow-up with their manager',
          user_generated: false,
          completed: i % 2 === 0,
          recording_timestamp: hhmmss(135),
          recording_playback_url: `${url}#t=135`,
          assignee: { name: recorderName, email: recorderEmail, team: 'Sales' },
        },
      ],
      crm_matches: {
        contacts: guestEmail
          ? [
              {
                name: guestName,
                email: guestEmail,
                record_url: `https://app.hubspot.com/contacts/1234/record/0-1/${5000 + i}`,
              },
            ]
          : [],
        companies: [],
        deals: [],
        error: null,
      },
    });
  }
  return meetings;
}

/** What to do to a request instead of (or before) answering it. */
export type Fault =
  | { kind: 'rate-limit'; retryAfterSeconds?: number }
  | { kind: 'server-error'; status?: number }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'drop' }
  /** Do the work (e.g. rotate a refresh token), then drop the connection instead of answering. */
  | { kind: 'lose-answer' };

export type StandInOAuth = {
  clientId: string;
  clientSecret: string;
  /** Lifetime of issued access tokens (stand-in clock); 3600 by default. */
  accessTokenTtlSeconds?: number;
  /** The admin's answer on the consent page; 'grant' by default. */
  consent?: 'grant' | 'deny';
};

export type StandInOptions = GenerateOptions & {
  meetings?: StandInMeeting[];
  apiKey?: string;
  /** Further API keys it accepts besides `apiKey` (several accounts, each with its own key). */
  apiKeys?: string[];
  /** Bearer tokens accepted as OAuth access tokens. */
  accessTokens?: string[];
  pageSize?: number;
  /**
   * Enforce Fathom's budget per account: more than `limit` calls (or `heavyLimit` heavy ones:
   * per-recording transcripts and summaries, or /meetings with them) within `windowMs` get 429.
   * Off by default.
   */
  rateLimit?: { limit: number; windowMs: number; heavyLimit?: number };
  oauth?: StandInOAuth;
  /** The stand-in's clock (rate limit window, request log); `Date.now` by default. */
  now?: () => number;
  /** Echo the presented key in auth errors, as a careless API might, to test that we scrub it. */
  echoKeyInErrors?: boolean;
};

export type LoggedRequest = {
  endpoint: string;
  method: string;
  path: string;
  query: URLSearchParams;
  at: number;
  auth: 'apiKey' | 'bearer' | 'none';
  /** The form of a POST to /oauth2/token. */
  form?: URLSearchParams;
  /** The answer's status (undefined while unanswered or when dropped). */
  status?: number;
};

export type StandInWebhook = {
  id: string;
  url: string;
  secret: string;
  created_at: string;
  include_transcript: boolean;
  include_summary: boolean;
  include_action_items: boolean;
  include_crm_matches: boolean;
  triggered_for: string[];
};

export type FathomStandIn = {
  /** Use as FATHOM_API_BASE. */
  baseUrl: string;
  /** Use as FATHOM_AUTH_BASE. */
  authBaseUrl: string;
  /** The refresh token most recently issued (OAuth), and every access token still valid. */
  oauthState(): { latestRefreshToken: string | null; liveAccessTokens: string[]; spentRefreshTokens: number };
  /** Makes every issued access token expire now (as time passing would). */
  expireAccessTokens(): void;
  /** Revokes the grant: every token issued so far stops working (refresh answers invalid_grant). */
  revokeGrants(): void;
  apiKey: string;
  meetings: StandInMeeting[];
  webhooks: Map<string, StandInWebhook>;
  requests: LoggedRequest[];
  /** Calls to an endpoint ("GET /meetings", "GET /recordings/:id/transcript", …), or all calls. */
  callCount(endpoint?: string): number;
  /** Calls made with each API key (accepted or not), by key. */
  callsByApiKey(): Map<string, number>;
  /** The next `count` calls (to `endpoint`, if given) meet this fault. */
  failNext(count: number, fault: Fault, endpoint?: string): void;
  /** From now on each call meets one of `faults` with this probability, drawn from a seeded generator. */
  failRandomly(options: { probability: number; seed: number; faults: Fault[] }): void;
  clearFaults(): void;
  /** Changes a meeting upstream (e.g. its title), as an edit in Fathom would. */
  updateMeeting(recordingId: number, change: Partial<StandInMeeting>): StandInMeeting;
  addMeeting(meeting: StandInMeeting): void;
  /** POSTs `body` (a meeting) to `url`, signed with `secret`; answers the receiver's status and body. */
  deliverWebhook(options: DeliverOptions): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
};

export type DeliverOptions = {
  url: string;
  secret: string;
  body: unknown;
  /** `webhook-id`; a resend keeps the same one. Random by default. */
  id?: string;
  /** Seconds since the epoch; now by default. */
  timestamp?: number;
};

/** Standard Webhooks headers for `payload`, computed by the reference implementation. */
export function signWebhook(
  secret: string,
  id: string,
  timestampSeconds: number,
  payload: string,
): Record<string, string> {
  const signature = new StandardWebhook(secret).sign(id, new Date(timestampSeconds * 1000), payload);
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': signature };
}

/** Mulberry32: a tiny seeded generator, so random faults replay the same way. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const API_PREFIX = '/external/v1';

export async function startFathomStandIn(options: StandInOptions = {}): Promise<FathomStandIn> {
  const apiKey = options.apiKey ?? 'fathom-test-key-0123456789';
  const accessTokens = new Set(options.accessTokens ?? []);
  const pageSize = options.pageSize ?? 10;
  const now = options.now ?? Date.now;
  const meetings = options.meetings ?? generateMeetings(options);
  const webhooks = new Map<string, StandInWebhook>();
  const requests: LoggedRequest[] = [];
  const counts = new Map<string, number>();
  const keyCounts = new Map<string, number>();
  const acceptedKeys = new Set([apiKey, ...(options.apiKeys ?? [])]);
  const queued: Array<{ fault: Fault; endpoint?: string }> = [];
  let random: { probability: number; next: () => number; faults: Fault[] } | null = null;
  const arrivals = new Map<string, { all: number[]; heavy: number[] }>();
  const codes = new Map<string, { redirectUri: string; expiresAt: number; used: boolean }>();
  const accessTokenExpiry = new Map<string, { expiresAt: number; grant: string }>();
  const refreshTokens = new Map<string, { grant: string; spent: boolean }>();
  const revokedGrants = new Set<string>();
  let latestRefreshToken: string | null = null;
  let oauthSeq = 0;
  const losing = new WeakSet<http.ServerResponse>();
  const requestOf = new WeakMap<http.ServerResponse, LoggedRequest>();
  const timers = new Set<NodeJS.Timeout>();
  let webhookSeq = 0;

  function endpointOf(method: string, path: string): string {
    if (path === '/meetings') return `${method} /meetings`;
    if (/^\/recordings\/[^/]+\/transcript$/.test(path)) return `${method} /recordings/:id/transcript`;
    if (/^\/recordings\/[^/]+\/summary$/.test(path)) return `${method} /recordings/:id/summary`;
    if (path === '/webhooks') return `${method} /webhooks`;
    if (/^\/webhooks\/[^/]+$/.test(path)) return `${method} /webhooks/:id`;
    if (path.startsWith('/oauth2/')) return `${method} ${path}`;
    return `${method} ${path}`;
  }

  function takeFault(endpoint: string): Fault | null {
    const index = queued.findIndex((entry) => !entry.endpoint || entry.endpoint === endpoint);
    if (index >= 0) return queued.splice(index, 1)[0]!.fault;
    if (random && random.next() < random.probability) {
      return random.faults[Math.floor(random.next() * random.faults.length)] ?? null;
    }
    return null;
  }

  function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.destroyed || res.writableEnded) return;
    if (losing.has(res)) {
      res.socket?.destroy();
      return;
    }
    const logged = requestOf.get(res);
    if (logged) logged.status = status;
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { ...(text ? { 'content-type': 'application/json' } : {}), ...headers });
    res.end(text);
  }

  function windowOf(principal: string) {
    let window = arrivals.get(principal);
    if (!window) arrivals.set(principal, (window = { all: [], heavy: [] }));
    const { windowMs } = options.rateLimit!;
    const t = now();
    window.all = window.all.filter((at) => at + windowMs > t);
    window.heavy = window.heavy.filter((at) => at + windowMs > t);
    return window;
  }

  function rateLimitHeaders(principal?: string): Record<string, string> {
    if (!options.rateLimit || !principal) return {};
    const { limit, windowMs } = options.rateLimit;
    const inWindow = windowOf(principal).all;
    const reset = inWindow.length ? Math.ceil((inWindow[0]! + windowMs - now()) / 1000) : Math.ceil(windowMs / 1000);
    return {
      'ratelimit-limit': String(limit),
      'ratelimit-remaining': String(Math.max(0, limit - inWindow.length)),
      'ratelimit-reset': String(reset),
    };
  }

  function visible(meeting: StandInMeeting, query: URLSearchParams): Record<string, unknown> {
    const on = (name: string) => query.get(name) === 'true';
    return {
      ...meeting,
      transcript: on('include_transcript') ? meeting.transcript : null,
      default_summary: on('include_summary') ? meeting.default_summary : null,
      action_items: on('include_action_items') ? meeting.action_items : null,
      crm_matches: on('include_crm_matches') ? meeting.crm_matches : null,
    };
  }

  async function readBody(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  function route(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    path: string,
    query: URLSearchParams,
    body: string,
    principal: string,
  ): void {
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/meetings') {
      if (
        principal.startsWith('oauth:') &&
        (query.get('include_transcript') === 'true' || query.get('include_summary') === 'true')
      ) {
        return send(res, 400, {
          error:
            'include_transcript and include_summary are not available to OAuth apps: use /recordings/{id}/transcript and /recordings/{id}/summary',
        });
      }
      const after = query.get('created_after');
      let list = [...meetings].sort((a, b) => b.created_at.localeCompare(a.created_at));
      if (after !== null) {
        const bound = Date.parse(after);
        if (Number.isNaN(bound)) return send(res, 400, { error: 'created_after must be an ISO 8601 timestamp' });
        list = list.filter((meeting) => Date.parse(meeting.created_at) > bound);
      }
      const cursor = query.get('cursor');
      let offset = 0;
      if (cursor) {
        offset = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
        if (!Number.isInteger(offset) || offset < 0) return send(res, 400, { error: 'Invalid cursor' });
      }
      const items = list.slice(offset, offset + pageSize).map((meeting) => visible(meeting, query));
      const nextOffset = offset + pageSize;
      const next_cursor = nextOffset < list.length ? Buffer.from(String(nextOffset)).toString('base64url') : null;
      return send(res, 200, { limit: pageSize, next_cursor, items }, rateLimitHeaders(principal));
    }
    const recording = /^\/recordings\/([^/]+)\/(transcript|summary)$/.exec(path);
    if (method === 'GET' && recording) {
      const meeting = meetings.find((candidate) => String(candidate.recording_id) === recording[1]);
      if (!meeting) return send(res, 404, { error: 'Recording not found' });
      if (recording[2] === 'transcript')
        return send(res, 200, { transcript: meeting.transcript }, rateLimitHeaders(principal));
      return send(res, 200, { summary: meeting.default_summary }, rateLimitHeaders(principal));
    }
    if (method === 'POST' && path === '/webhooks') {
      let input: Record<string, unknown>;
      try {
        input = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return send(res, 400, { error: 'Body must be JSON' });
      }
      const triggers = input.triggered_for;
      if (typeof input.destination_url !== 'string' || !/^https?:\/\//.test(input.destination_url)) {
        return send(res, 400, { error: 'destination_url must be a valid URI' });
      }
      if (!Array.isArray(triggers) || triggers.length === 0)
        return send(res, 400, { error: 'triggered_for must not be empty' });
      // Fathom's enum, from its SDK (generated from Fathom's OpenAPI document).
      const known: unknown[] = Object.values(TriggeredFor);
      if (!triggers.every((trigger) => known.includes(trigger))) {
        return send(res, 400, { error: `triggered_for: each must be one of ${known.join(', ')}` });
      }
      webhookSeq += 1;
      const webhook: StandInWebhook = {
        id: `wh_${webhookSeq}`,
        url: input.destination_url,
        secret: `whsec_${randomBytes(24).toString('base64')}`,
        created_at: new Date(now()).toISOString(),
        include_transcript: input.include_transcript === true,
        include_summary: input.include_summary === true,
        include_action_items: input.include_action_items === true,
        include_crm_matches: input.include_crm_matches === true,
        triggered_for: triggers.map(String),
      };
      webhooks.set(webhook.id, webhook);
      return send(res, 201, webhook, rateLimitHeaders(principal));
    }
    const webhookPath = /^\/webhooks\/([^/]+)$/.exec(path);
    if (method === 'DELETE' && webhookPath) {
      if (!webhooks.delete(decodeURIComponent(webhookPath[1]!))) return send(res, 404, { error: 'Webhook not found' });
      return send(res, 204, undefined, rateLimitHeaders(principal));
    }
    return send(res, 404, { error: 'Not found' });
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const body = await readBody(req);
    if (!url.pathname.startsWith(API_PREFIX)) return send(res, 404, { error: 'Not found' });
    const path = url.pathname.slice(API_PREFIX.length) || '/';
    const method = req.method ?? 'GET';
    const endpoint = endpointOf(method, path);
    const presentedKey = req.headers['x-api-key'];
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const logged: LoggedRequest = {
      endpoint,
      method,
      path,
      query: url.searchParams,
      at: now(),
      auth: presentedKey ? 'apiKey' : bearer ? 'bearer' : 'none',
    };
    requests.push(logged);
    requestOf.set(res, logged);
    counts.set(endpoint, (counts.get(endpoint) ?? 0) + 1);
    if (typeof presentedKey === 'string') keyCounts.set(presentedKey, (keyCounts.get(presentedKey) ?? 0) + 1);

    const fault = takeFault(endpoint);
    if (fault?.kind === 'lose-answer') losing.add(res);
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'rate-limit') {
      const seconds = fault.retryAfterSeconds ?? 1;
      return send(
        res,
        429,
        { error: 'Rate limit exceeded' },
        { 'retry-after': String(seconds), 'ratelimit-remaining': '0', 'ratelimit-reset': String(seconds) },
      );
    }
    if (fault?.kind === 'server-error') return send(res, fault.status ?? 500, { error: 'Internal server error' });
    if (fault?.kind === 'slow') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, fault.delayMs);
        timers.add(timer);
      });
      if (res.destroyed) return;
    }

    if (path.startsWith('/oauth2/')) return oauthRoute(req, res, path, url.searchParams, body);

    const keyOk = typeof presentedKey === 'string' && acceptedKeys.has(presentedKey);
    const issued = bearer !== undefined ? accessTokenExpiry.get(bearer) : undefined;
    const tokenOk =
      bearer !== undefined &&
      (accessTokens.has(bearer) ||
        (issued !== undefined && issued.expiresAt > now() && !revokedGrants.has(issued.grant)));
    if (!keyOk && !tokenOk) {
      const shown = options.echoKeyInErrors ? ` '${String(presentedKey ?? bearer ?? '')}'` : '';
      const what = bearer !== undefined ? 'invalid or expired access token' : 'invalid API key';
      return send(res, 401, { error: `Unauthorized: ${what}${shown}. Generate a new key in Settings > API Access.` });
    }
    // Fathom's budget is per account: an API key's, or an OAuth grant's (whatever token it is on).
    const principal = keyOk ? `key:${String(presentedKey)}` : `oauth:${issued?.grant ?? bearer}`;

    if (options.rateLimit) {
      const { limit, heavyLimit } = options.rateLimit;
      const window = windowOf(principal);
      const heavy =
        /\/(transcript|summary)$/.test(path) ||
        url.searchParams.get('include_transcript') === 'true' ||
        url.searchParams.get('include_summary') === 'true';
      const full =
        window.all.length >= limit
          ? window.all
          : heavy && heavyLimit !== undefined && window.heavy.length >= heavyLimit
            ? window.heavy
            : null;
      if (full) {
        const wait = Math.max(1, Math.ceil((full[0]! + options.rateLimit.windowMs - now()) / 1000));
        return send(
          res,
          429,
          { error: 'Rate limit exceeded' },
          { 'retry-after': String(wait), ...rateLimitHeaders(principal) },
        );
      }
      window.all.push(now());
      if (heavy) window.heavy.push(now());
    }

    route(req, res, path, url.searchParams, body, principal);
  }

  function issueTokens(grant: string) {
    oauthSeq += 1;
    const accessToken = `fathom-at-${oauthSeq}-${randomBytes(8).toString('hex')}`;
    const refreshToken = `fathom-rt-${oauthSeq}-${randomBytes(8).toString('hex')}`;
    const ttl = options.oauth?.accessTokenTtlSeconds ?? 3600;
    accessTokenExpiry.set(accessToken, { expiresAt: now() + ttl * 1000, grant });
    refreshTokens.set(refreshToken, { grant, spent: false });
    latestRefreshToken = refreshToken;
    return {
      access_token: accessToken,
      refresh_token: refreshToken,
      expires_in: ttl,
      token_type: 'Bearer',
      scope: 'public_api',
    };
  }

  function oauthRoute(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    path: string,
    query: URLSearchParams,
    body: string,
  ): void {
    const oauth = options.oauth;
    if (!oauth) return send(res, 404, { error: 'Not found' });
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/oauth2/authorize') {
      const redirectUri = query.get('redirect_uri');
      if (query.get('client_id') !== oauth.clientId || !redirectUri)
        return send(res, 400, { error: 'invalid_request', error_description: 'unknown client_id or no redirect_uri' });
      const back = new URL(redirectUri);
      const state = query.get('state');
      if (state !== null) back.searchParams.set('state', state);
      if (query.get('response_type') !== 'code') back.searchParams.set('error', 'unsupported_response_type');
      else if (!(query.get('scope') ?? '').split(' ').includes('public_api'))
        back.searchParams.set('error', 'invalid_scope');
      else if (oauth.consent === 'deny') back.searchParams.set('error', 'access_denied');
      else {
        const code = `fathom-code-${randomBytes(12).toString('hex')}`;
        codes.set(code, { redirectUri, expiresAt: now() + 60_000, used: false });
        back.searchParams.set('code', code);
      }
      res.writeHead(302, { location: back.toString() });
      res.end();
      return;
    }
    if (method === 'POST' && path === '/oauth2/token') {
      const form = new URLSearchParams(body);
      const logged = requestOf.get(res);
      if (logged) logged.form = form;
      if (form.get('client_id') !== oauth.clientId || form.get('client_secret') !== oauth.clientSecret) {
        return send(res, 401, { error: 'invalid_client' });
      }
      if (form.get('grant_type') === 'authorization_code') {
        const code = codes.get(form.get('code') ?? '');
        if (!code || code.used || code.expiresAt <= now() || code.redirectUri !== form.get('redirect_uri'))
          return send(res, 400, { error: 'invalid_grant' });
        code.used = true;
        return send(res, 200, issueTokens(`grant-${randomBytes(6).toString('hex')}`));
      }
      if (form.get('grant_type') === 'refresh_token') {
        const presented = refreshTokens.get(form.get('refresh_token') ?? '');
        if (!presented || presented.spent || revokedGrants.has(presented.grant))
          return send(res, 400, { error: 'invalid_grant' });
        presented.spent = true;
        return send(res, 200, issueTokens(presented.grant));
      }
      return send(res, 400, { error: 'unsupported_grant_type' });
    }
    return send(res, 404, { error: 'Not found' });
  }

  const listening: Listening = await listen((req, res) => {
    handle(req, res).catch(() => send(res, 500, { error: 'stand-in failure' }));
  });

  return {
    baseUrl: `${listening.url}${API_PREFIX}`,
    authBaseUrl: `${listening.url}${API_PREFIX}`,
    oauthState: () => ({
      latestRefreshToken,
      liveAccessTokens: [...accessTokenExpiry]
        .filter(([, t]) => t.expiresAt > now() && !revokedGrants.has(t.grant))
        .map(([token]) => token),
      spentRefreshTokens: [...refreshTokens.values()].filter((t) => t.spent).length,
    }),
    expireAccessTokens() {
      for (const token of accessTokenExpiry.values()) token.expiresAt = Math.min(token.expiresAt, now());
    },
    revokeGrants() {
      for (const token of refreshTokens.values()) revokedGrants.add(token.grant);
    },
    apiKey,
    meetings,
    webhooks,
    requests,
    callCount: (endpoint) => (endpoint ? (counts.get(endpoint) ?? 0) : requests.length),
    callsByApiKey: () => new Map(keyCounts),
    failNext(count, fault, endpoint) {
      for (let i = 0; i < count; i++) queued.push(endpoint ? { fault, endpoint } : { fault });
    },
    failRandomly({ probability, seed, faults }) {
      random = { probability, next: seededRandom(seed), faults };
    },
    clearFaults() {
      queued.length = 0;
      random = null;
    },
    updateMeeting(recordingId, change) {
      const meeting = meetings.find((candidate) => candidate.recording_id === recordingId);
      if (!meeting) throw new Error(`The stand-in has no recording ${recordingId}`);
      Object.assign(meeting, change);
      return meeting;
    },
    addMeeting(meeting) {
      meetings.push(meeting);
    },
    async deliverWebhook({ url, secret, body, id, timestamp }) {
      const payload = JSON.stringify(body);
      const headers = signWebhook(
        secret,
        id ?? `msg_${randomBytes(12).toString('hex')}`,
        timestamp ?? Math.floor(now() / 1000),
        payload,
      );
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: payload,
      });
      return { status: response.status, body: await response.text() };
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await listening.close();
    },
  };
}
