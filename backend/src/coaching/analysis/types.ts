/** One transcript item. Fathom gives only a start; a null end means "until the next one starts". */
export type SegmentInput = {
  speakerName: string;
  speakerEmail: string | null;
  /** false = the rep's side (the recording team), true = the customer's, null = not known. */
  isExternal: boolean | null;
  text: string;
  startSeconds: number | null;
  endSeconds: number | null;
};

/**
 * An account's extra phrases, merged with the built-in ones (never replacing them). The key
 * `nextSteps` extends the next-step phrases; every other key is a topic (`pricing`,
 * `competitors`, `objections`, `timeline`, `decisionMakers`, or a new one of the account's own).
 */
export type TrackerLists = Readonly<Record<string, readonly string[] | undefined>>;

export type ConversationInput = {
  durationSeconds: number | null;
  language?: string | null;
  segments: readonly SegmentInput[];
  trackers?: TrackerLists;
};

export type Side = 'rep' | 'customer' | 'unknown';

/**
 * How talk time was measured: from the segments' timestamps, from word counts when some
 * segment has no start, or not at all (no segments).
 */
export type Timing = 'timestamps' | 'words' | 'none';

/** Where in the call something was said: `segment` is the index in the input's segments. */
export type Moment = { seconds: number | null; segment: number; side: Side; phrases: string[] };

export type QuestionKind = 'open' | 'closed' | 'unknown';

export type SpeakerShare = {
  name: string;
  email: string | null;
  side: Side;
  /** null when timing is not 'timestamps'. */
  seconds: number | null;
  words: number;
  /** This speaker's part of all talk (by seconds, or by words when timing is 'words'); 0..1. */
  share: number | null;
};

export type ScoreComponentName =
  'talkRatio' | 'longestMonologue' | 'questions' | 'openQuestions' | 'interactivity' | 'fillers' | 'nextSteps';

export type ScoreComponent = {
  name: ScoreComponentName;
  /** The rule in words, for the UI ("rep talks 35–55% of the time"). */
  rule: string;
  weight: number;
  /** The metric the rule was applied to; null when it could not be measured. */
  value: number | boolean | null;
  /** How well the rule was met, 0..1; null when not measured (then the weight is left out). */
  points: number | null;
  /** Score points this component earned; the contributions add up to the score (before rounding). */
  contribution: number | null;
};

/** The stored analysis (jsonb): plain data only. */
export type ConversationAnalysis = {
  analyserVersion: string;
  /** 0..100, or null when there is nothing to judge (no segments, or no rep speaker identified). */
  score: number | null;
  scoreBreakdown: ScoreComponent[];
  timing: Timing;
  language: string | null;
  /** The call's length used for per-minute rates: durationSeconds, or the last segment's end. */
  callSeconds: number | null;
  speakers: SpeakerShare[];
  /** Parts of all talk, 0..1, adding up to 1; rep and customer are null when no side is known. */
  talkRatio: { rep: number | null; customer: number | null; unknown: number | null };
  /** Consecutive segments of the same rep speaker merged; null without timestamps or rep. */
  longestRepMonologueSeconds: number | null;
  longestRepMonologue: { speakerName: string; startSeconds: number; segment: number } | null;
  interactivity: { speakerSwitches: number; perMinute: number | null };
  /** Questions the rep asked. */
  questions: {
    total: number;
    open: number;
    closed: number;
    unknown: number;
    moments: Array<{ seconds: number | null; segment: number; kind: QuestionKind; text: string }>;
  };
  /** Fillers the rep said; null counts when the language is not English. */
  fillers: { total: number | null; perRepMinute: number | null; byWord: Record<string, number> };
  /** Date, meeting or commitment language in the last 20% of the call, by either side. */
  nextSteps: { agreed: boolean | null; moments: Moment[] };
  topics: Array<{ name: string; count: number; moments: Moment[] }>;
  /** Why some numbers are missing or estimated, in plain sentences. */
  notes: string[];
};

/** Computes a conversation's analysis; the rule-based one today, an LLM-based one later. */
export interface ConversationAnalyser {
  readonly version: string;
  analyse(input: ConversationInput): ConversationAnalysis;
}
