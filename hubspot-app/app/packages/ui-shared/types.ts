// What the backend answers, the one declaration of it: the backend declares its answers with these
// types (`import type` from backend/src; HubSpot builds the UI only from hubspot-app/app, so the
// source lives here), so `npm run typecheck` fails when an answer drifts from what the UI reads.
// tests/backend/http/settingsContract.test.ts also holds the real settings answers to these types
// field by field, and the UI tests' fake backend only accepts bodies of these types
// (tests/hubspot-app/fakeBackend.ts).

import type { CoachingCategory } from './coachingCategories.ts';

export type Role = 'admin' | 'manager' | 'rep';

/** Every error answer: `{ error, message }` with a 4xx or 5xx status. */
export type ErrorBody = { error: string; message: string };

// ---- settings page (/api/settings/*, admins only) ----

/** How Fathom's own consent page can be opened, or why it cannot (Fathom OAuth not configured). */
export type OAuthOffer =
  { available: true; connectUrl: string; expiresInSeconds: number } | { available: false; reason: string };

/** GET|DELETE /api/settings/fathom (PUT adds `syncJobId`). */
export type FathomStatus = {
  connected: boolean;
  connectionId: string | null;
  authType: 'api_key' | 'oauth' | null;
  status: 'active' | 'needs_reauth' | 'revoked' | 'error' | null;
  webhookRegistered: boolean;
  lastSyncedAt: string | null;
  lastError: string | null;
  backfillSince: string | null;
  backfillCompletedAt: string | null;
  oauth: OAuthOffer;
};
export type FathomConnected = FathomStatus & { syncJobId: string | null };

export type SyncLog = {
  id: string;
  kind: 'backfill' | 'incremental' | 'webhook';
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  durationSeconds: number | null;
  pages: number;
  meetingsNew: number;
  meetingsUpdated: number;
  meetingsUnchanged: number;
  errors: number;
  errorMessages: string[];
  /** A backfill's start date ("Import calls since"), null for the whole history or another kind of run. */
  since: string | null;
  /** The oldest call start the run has stored so far: a backfill moves from now back to `since`. */
  reachedAt: string | null;
};
/** GET /api/settings/sync-logs */
export type SyncLogs = { items: SyncLog[]; nextCursor: string | null; nextScheduledRun: string | null };
/** POST /api/settings/sync (202): `jobId` is null when a sync was already queued. */
export type SyncStarted = { jobId: string | null; alreadyQueued: boolean };

export type Person = {
  id: string;
  hubspotUserId: number | null;
  email: string;
  displayName: string | null;
  role: Role;
  managerHubspotUserId: number | null;
};
/** GET /api/settings/roles; PUT answers the changed Person. */
export type People = { items: Person[]; nextCursor: string | null };
/** POST /api/settings/roles/import */
export type UsersImported = { found: number; added: number };

// ---- cards (/api/cards/*) ----

export type ConversationItem = {
  id: string;
  title: string;
  startedAt: string;
  durationSeconds: number;
  participants: Array<{ name: string | null; email: string | null; isExternal: boolean }>;
  score: number | null;
  openActionItems: number;
};
/** Whether new calls are arriving: a connection Fathom stopped accepting needs an admin. */
export type FathomState = 'connected' | 'needs_reauth' | 'not_connected';
/** GET /api/cards/conversations */
export type ConversationPage = {
  items: ConversationItem[];
  nextCursor: string | null;
  viewer: { role: Role };
  fathom?: FathomState;
  /** For an admin while Fathom is not connected: HubSpot's Connected apps page on the portal's own domain (EU: app-eu1). */
  settingsUrl?: string;
};
/** One rule of the score: its weight, what it measured, and the points it earned (see docs/analysis.md). */
export type ScoreComponent = {
  name: string;
  rule: string;
  weight: number;
  value: number | boolean | null;
  points: number | null;
  contribution: number | null;
};
/** GET /api/cards/conversations/:id */
export type ConversationDetail = {
  id: string;
  title: string;
  startedAt: string;
  durationSeconds?: number;
  url: string | null;
  summaryMarkdown: string | null;
  actionItems: Array<{
    description: string;
    completed: boolean;
    timestampSeconds?: number | null;
    playbackUrl?: string | null;
  }>;
  keyMoments?: Array<{ seconds: number; label: string; playbackUrl: string | null }>;
  participants?: Array<{ name: string | null; email: string | null; isExternal: boolean }>;
  analysis: {
    score: number | null;
    metrics: {
      talkRatio?: { rep?: number | null };
      questions?: { total?: number };
      longestRepMonologueSeconds?: number | null;
      scoreBreakdown?: ScoreComponent[];
      topics?: Array<{ name: string; count: number }>;
      nextSteps?: { agreed: boolean | null };
    };
  } | null;
  transcriptExcerpt: Array<{
    position: number;
    speaker: string;
    text: string;
    startSeconds: number | null;
    playbackUrl?: string | null;
  }>;
  /** The AI review, when the portal has one for this call and the caller sees the call's analysis. */
  aiReview?: AiReview | null;
};

/** Words of the call, checked to occur verbatim in its transcript, and the second they were said at. */
export type AiQuote = { text: string; seconds: number | null; playbackUrl: string | null };
export type QualificationElement =
  'metrics' | 'economicBuyer' | 'decisionCriteria' | 'decisionProcess' | 'identifiedPain' | 'champion' | 'competition';
/** What a model said about a call (see docs/analysis.md, "The AI review"). */
export type AiReview = {
  model: string;
  reviewedAt: string;
  /** MEDDICC, each element covered, partly or missing, with the words that show it. */
  qualification: Array<{
    element: QualificationElement;
    status: 'covered' | 'partly' | 'missing';
    evidence: AiQuote[];
  }>;
  objections: Array<{ objection: string; handling: string; handledWell: boolean; quote: AiQuote }>;
  risks: Array<{ risk: string; quote: AiQuote }>;
  /** At most three. `echoes`: past coaching of the portal that worked, which this point repeats. */
  coachingPoints: Array<{
    title: string;
    advice: string;
    category: CoachingCategory;
    quote: AiQuote;
    echoes: { messageId: string; body: string } | null;
  }>;
  /** Quotes the model gave that are not in the transcript: dropped, never shown. */
  droppedQuotes: number;
  /** The transcript was longer than the model's budget: the key moments were kept. */
  transcriptCut: boolean;
};
/** GET /api/cards/summary: what a deal or company card shows above its calls. */
export type RecordSummary = {
  calls: number;
  lastCallAt: string | null;
  averageScore: number | null;
  /** The last five calls' average against the five before them: up, down, flat, or null without both. */
  scoreDirection: 'up' | 'down' | 'flat' | null;
  openActionItems: number;
  /** Topics raised across the calls, by the number of calls that raised them. */
  topics: Array<{ name: string; calls: number }>;
};

export type CoachingStatus = 'draft' | 'sent' | 'acknowledged' | 'dismissed';
export type CoachingMessage = {
  id: string;
  status: CoachingStatus;
  category: string;
  body: string;
  conversationId: string;
  conversationTitle: string;
  repUserId: string;
  repEmail: string;
  momentSeconds: number | null;
  momentPlaybackUrl?: string | null;
  authorUserId?: string;
  outcome: {
    result: string;
    measured?: { metricName: string | null; before: number | null; after: number | null };
  } | null;
};
export type Viewer = { role: Role; userId: string };
/** GET /api/cards/conversations/:id/suggestions (coaches): from the analysis, or from past coaching that worked. */
export type Suggestion =
  | { id: string; kind: 'analysis'; category: string; reason: string }
  | { id: string; kind: 'past_coaching'; category: string; reason: string; body: string; conversationTitle: string }
  | { id: string; kind: 'ai_review'; category: string; reason: string; body: string; momentSeconds: number | null };
export type Suggestions = { items: Suggestion[]; nextCursor: null };
/**
 * The record's calls a coach may write coaching about (his reps' calls for a manager, anyone's
 * but his own for an admin), newest first, at most 20; `calls`: how many calls the record has.
 */
export type Coachable = { calls: number; items: Array<{ id: string; title: string; startedAt: string }> };
/**
 * GET /api/cards/coaching (GET /api/home/coaching answers it without `viewer`: the rep's own
 * coaching). `coachable` is there for managers and admins only.
 */
export type CoachingList = { items: CoachingMessage[]; nextCursor: null; viewer: Viewer; coachable?: Coachable };
/** GET /api/cards/coaching/trend: the rep's recent calls, oldest first. */
export type Trend = { points: Array<{ startedAt: string; score: number | null; repTalkRatio: number | null }> };

/**
 * GET|PUT /api/settings/ai: the portal's consent to the AI review. `available`: the operator
 * configured a model (LLM_*); `model` and `destination` (the API's origin, where transcripts go)
 * are null without one.
 */
export type AiSettings = { enabled: boolean; available: boolean; model: string | null; destination: string | null };

/**
 * GET|PUT /api/settings/writeback: call data written to HubSpot's contacts, deals and companies.
 * `missingScopes`: the write scopes the portal did not grant at install (then nothing is written
 * until an admin reinstalls the app); empty when all are granted.
 */
export type WritebackSettings = { enabled: boolean; includeScores: boolean; missingScopes: string[] };

/** GET /api/settings/data: how long an uninstalled portal's data is kept (the operator sets it). */
export type DataRetention = { uninstallGraceHours: number };

/** The settings API, answer type by "METHOD path" (the UI tests' fake backend answers by these). */
export type SettingsAnswers = {
  'GET /api/settings/data': DataRetention;
  'GET /api/settings/fathom': FathomStatus;
  'PUT /api/settings/fathom': FathomConnected;
  'DELETE /api/settings/fathom': FathomStatus;
  'GET /api/settings/sync-logs': SyncLogs;
  'POST /api/settings/sync': SyncStarted;
  'GET /api/settings/roles': People;
  'PUT /api/settings/roles': Person;
  'POST /api/settings/roles/import': UsersImported;
  'GET /api/settings/ai': AiSettings;
  'PUT /api/settings/ai': AiSettings;
  'GET /api/settings/writeback': WritebackSettings;
  'PUT /api/settings/writeback': WritebackSettings;
};

// ---- home page (/api/home/*) ----

/** One rep on the home page, for the period asked. */
export type RepOverview = {
  id: string;
  hubspotUserId: number | null;
  email: string;
  name: string | null;
  calls: number;
  averageScore: number | null;
  /** The same average over the period of the same length just before `from`: the score's direction. */
  previousAverageScore: number | null;
  coaching: { sent: number; acknowledged: number; applied: number };
  uncoachedCalls: number;
};
/** GET /api/home/team */
export type TeamOverview = {
  items: RepOverview[];
  nextCursor: string | null;
  period: { from: string; to: string };
  viewer: Viewer;
};
export type QueueItem = {
  id: string;
  title: string;
  startedAt: string;
  durationSeconds: number;
  score: number | null;
  rep: { id: string; hubspotUserId: number | null; email: string; name: string | null };
};
/** GET /api/home/queue: calls not coached yet, newest first. */
export type CoachingQueue = { items: QueueItem[]; nextCursor: string | null };
