import { phraseMatchers, phrasesIn, type PhraseMatcher } from './phrases.ts';
import type { Timeline } from './timeline.ts';
import type { Moment } from './types.ts';

/** Built-in English date, meeting and commitment phrases; an account's `nextSteps` tracker adds to these. */
export const DEFAULT_NEXT_STEP_PHRASES: readonly string[] = [
  'next step',
  'next steps',
  'next week',
  'next month',
  'tomorrow',
  'end of the week',
  'end of week',
  "let's schedule",
  'schedule a',
  'schedule the',
  'book a',
  'set up a',
  'calendar invite',
  'send an invite',
  'send you an invite',
  "i'll send",
  'i will send',
  "we'll send",
  'send over',
  'follow up',
  "i'll get back",
  'get back to you',
  'circle back',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
];

/** Next steps are agreed at the end of a call, so only its last fifth is read. */
export const NEXT_STEPS_WINDOW_FROM = 0.8;

export function nextStepMatchers(extra: readonly string[], includeDefaults: boolean): PhraseMatcher[] {
  return phraseMatchers([...(includeDefaults ? DEFAULT_NEXT_STEP_PHRASES : []), ...extra]);
}

/**
 * Segments, by either side, with next-step language that reach into the last 20% of the call
 * (by time, or by words without timestamps).
 */
export function findNextSteps(timeline: Timeline, matchers: readonly PhraseMatcher[]): Moment[] {
  const moments: Moment[] = [];
  for (const segment of timeline.segments) {
    if (segment.to <= NEXT_STEPS_WINDOW_FROM && segment.from < NEXT_STEPS_WINDOW_FROM) continue;
    const phrases = phrasesIn(segment.text, matchers);
    if (phrases.length)
      moments.push({ seconds: segment.start, segment: segment.index, side: segment.speaker.side, phrases });
  }
  return moments;
}
