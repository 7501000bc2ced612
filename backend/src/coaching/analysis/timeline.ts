import type { ConversationInput, Side, Timing } from './types.ts';

export type Speaker = { key: string; name: string; email: string | null; side: Side };

export type TimedSegment = {
  /** Index in the input's segments. */
  index: number;
  speaker: Speaker;
  text: string;
  words: number;
  /** null unless timing is 'timestamps'. */
  start: number | null;
  end: number | null;
  /** Where the segment begins and ends as parts of the call, 0..1 (by time, else by words). */
  from: number;
  to: number;
};

export type Timeline = {
  timing: Timing;
  /** Segments whose text the text rules read only in part (see MAX_SEGMENT_TEXT, MAX_TRANSCRIPT_TEXT). */
  cappedSegments: number;
  callSeconds: number | null;
  /** In spoken order (by start when timed, else as given). */
  segments: TimedSegment[];
  speakers: Speaker[];
};

const seconds = (value: number | null | undefined): number | null =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;

/**
 * What one transcript may cost. The text rules (fillers, questions, topics, next steps) run a
 * hundred-odd patterns over every character, so they read at most the first MAX_SEGMENT_TEXT
 * characters of a segment and MAX_TRANSCRIPT_TEXT characters of a whole transcript; the rest
 * still counts for talk time and words. A three-hour call is about 160,000 characters and a
 * Fathom segment a few sentences, so real transcripts are read whole; a hostile one (a
 * megabyte in one segment) costs a bounded, linear amount.
 */
export const MAX_SEGMENT_TEXT = 20_000;
export const MAX_TRANSCRIPT_TEXT = 500_000;

export function countWords(text: string): number {
  return text.split(/\s+/).filter((token) => /[\p{L}\p{N}]/u.test(token)).length;
}

// The same person may be matched by email on some items and by name only on others; the email
// wins when present.
const speakerKey = (name: string, email: string | null) =>
  email?.trim() ? email.trim().toLowerCase() : `name:${name.trim()}`;

/**
 * Who spoke, and when. A speaker's side is the first non-null isExternal among his segments,
 * so one unmatched item does not split a person into two sides.
 */
export function buildTimeline(input: ConversationInput): Timeline {
  const speakers = new Map<string, Speaker>();
  for (const segment of input.segments) {
    const key = speakerKey(segment.speakerName, segment.speakerEmail);
    let speaker = speakers.get(key);
    if (!speaker) {
      speaker = { key, name: segment.speakerName, email: segment.speakerEmail?.trim() || null, side: 'unknown' };
      speakers.set(key, speaker);
    }
    if (speaker.side === 'unknown' && segment.isExternal !== null && segment.isExternal !== undefined) {
      speaker.side = segment.isExternal ? 'customer' : 'rep';
    }
  }

  const duration = seconds(input.durationSeconds);
  const timing: Timing =
    input.segments.length === 0
      ? 'none'
      : input.segments.every((s) => seconds(s.startSeconds) !== null)
        ? 'timestamps'
        : 'words';

  let budget = MAX_TRANSCRIPT_TEXT;
  let cappedSegments = 0;
  const readable = (text: string) => {
    const length = Math.min(text.length, MAX_SEGMENT_TEXT, budget);
    budget -= length;
    if (length === text.length) return text;
    cappedSegments += 1;
    return text.slice(0, length);
  };
  const base = input.segments.map((segment, index) => ({
    index,
    speaker: speakers.get(speakerKey(segment.speakerName, segment.speakerEmail))!,
    text: readable(segment.text),
    words: countWords(segment.text),
    start: timing === 'timestamps' ? seconds(segment.startSeconds)! : null,
    givenEnd: seconds(segment.endSeconds),
  }));

  if (timing === 'timestamps') {
    base.sort((x, y) => x.start! - y.start!);
    const ends = base.map((segment, i) => {
      const start = segment.start!;
      if (segment.givenEnd !== null && segment.givenEnd >= start) return segment.givenEnd;
      const next = base[i + 1];
      if (next) return next.start!;
      // The last item ends with the call; with no duration it has no measurable length.
      return duration !== null && duration > start ? duration : start;
    });
    const callSeconds = ends.reduce((max, end) => Math.max(max, end), duration ?? 0) || null;
    const segments = base.map((segment, i) => {
      const end = ends[i]!;
      const from = callSeconds ? segment.start! / callSeconds : i / base.length;
      const to = callSeconds ? end / callSeconds : (i + 1) / base.length;
      return {
        index: segment.index,
        speaker: segment.speaker,
        text: segment.text,
        words: segment.words,
        start: segment.start,
        end,
        from,
        to,
      };
    });
    return { timing, cappedSegments, callSeconds, segments, speakers: [...speakers.values()] };
  }

  const totalWords = base.reduce((sum, segment) => sum + segment.words, 0);
  let wordsBefore = 0;
  const segments = base.map((segment, i) => {
    const from = totalWords ? wordsBefore / totalWords : i / base.length;
    wordsBefore += segment.words;
    const to = totalWords ? wordsBefore / totalWords : (i + 1) / base.length;
    return {
      index: segment.index,
      speaker: segment.speaker,
      text: segment.text,
      words: segment.words,
      start: null,
      end: null,
      from,
      to,
    };
  });
  return { timing, cappedSegments, callSeconds: duration || null, segments, speakers: [...speakers.values()] };
}
