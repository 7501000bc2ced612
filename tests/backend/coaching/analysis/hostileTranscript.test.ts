import { describe, expect, test } from '@jest/globals';
import { countFillers } from '../../../../backend/src/coaching/analysis/fillers.ts';
import { questionKind } from '../../../../backend/src/coaching/analysis/questions.ts';
import { analyseConversation, MAX_MOMENTS } from '../../../../backend/src/coaching/analysis/ruleBasedAnalyser.ts';
import { MAX_SEGMENT_TEXT, MAX_TRANSCRIPT_TEXT } from '../../../../backend/src/coaching/analysis/timeline.ts';
import { CARL, RITA, say } from './transcript.ts';

// A security bound, not a benchmark: these inputs took 17 s (128 KB) to about 18 minutes (1 MB)
// when a rule re-scanned the text from its start on every match. Each input is timed against a
// floor measured in the same test (an eighth of it, or what the budget reads), never against a clock
// figure, so a loaded machine slows both sides alike: a linear rule takes about 8 times its
// eighth (up to 23 seen on a loaded machine), a quadratic one 64 times.
const LINEAR_RATIO_BOUND = 32;
// Work the transcript budget bounds: segments past it are not read, so eight times the segments
// cost about what those the budget reads cost.
const CAPPED_RATIO_BOUND = 6;
const MB = 1024 * 1024;
const repeatedTo = (unit: string, bytes: number) => unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);

/** The fastest of five runs, in ms (the least disturbed by the rest of the machine). */
const fastest = (work: () => unknown): number => {
  let best = Infinity;
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    work();
    best = Math.min(best, performance.now() - started);
  }
  return best;
};
/** How many times `work` costs more than `floor`; a floor under 1 ms counts as 1 ms. */
const ratio = (work: () => unknown, floor: () => unknown) => fastest(work) / Math.max(1, fastest(floor));

describe('a hostile transcript', () => {
  test.each([
    ['like, ', 'like'],
    ['you know, ', 'you know'],
    ['I mean, ', 'I mean'],
    ['um ', 'um'],
  ])('the filler rule reads a megabyte of "%s" in linear time', (unit, word) => {
    const text = repeatedTo(unit, MB);
    const eighth = text.slice(0, MB / 8);
    expect(
      ratio(
        () => countFillers(text),
        () => countFillers(eighth),
      ),
    ).toBeLessThan(LINEAR_RATIO_BOUND);
    expect(countFillers(text)[word]).toBeGreaterThan(MB / unit.length - 2);
  });

  test('a question of a megabyte of lead-ins is read in linear time', () => {
    const question = `${'so '.repeat(MB / 3)}what now?`;
    const eighth = `${'so '.repeat(MB / 24)}what now?`;
    expect(
      ratio(
        () => questionKind(question),
        () => questionKind(eighth),
      ),
    ).toBeLessThan(LINEAR_RATIO_BOUND);
    expect(questionKind(question)).toBe('open');
  });

  test.each([
    ['like, ', 'one long aside'],
    ['so? ', 'a megabyte of questions'],
    ['follow up next week, ', 'a megabyte of next steps and topics'],
  ])('one rep segment of a megabyte (%s: %s) is analysed in linear time, and says what it read', (unit) => {
    const withRepSegment = (text: string) => ({
      durationSeconds: 600,
      language: 'en',
      segments: [say(CARL, 0, 'Hello, what is this about?'), say(RITA, 5, text), say(CARL, 590, 'Thanks, bye.')],
    });
    const input = withRepSegment(repeatedTo(unit, MB));
    const eighth = withRepSegment(repeatedTo(unit, MB / 8));
    expect(
      ratio(
        () => analyseConversation(input),
        () => analyseConversation(eighth),
      ),
    ).toBeLessThan(LINEAR_RATIO_BOUND);
    const analysis = analyseConversation(input);
    expect(analysis.notes.join(' ')).toMatch(/read from the first 20,000 characters of each segment/);
    // The stored analysis stays small whatever the transcript holds.
    expect(analysis.questions.moments.length).toBeLessThanOrEqual(MAX_MOMENTS);
    expect(JSON.stringify(analysis).length).toBeLessThan(200_000);
    // Talk time still counts the whole segment.
    expect(analysis.talkRatio.rep).toBeGreaterThan(0.9);
  });

  test('many long segments cost at most the transcript budget', () => {
    const segment = repeatedTo('like, ', MAX_SEGMENT_TEXT);
    const segments = Array.from({ length: 200 }, (_, i) => say(i % 2 ? CARL : RITA, i * 3, segment));
    const withinBudget = segments.slice(0, 25);
    const cost = ratio(
      () => analyseConversation({ durationSeconds: 600, segments }),
      () => analyseConversation({ durationSeconds: 600, segments: withinBudget }),
    );
    expect(cost).toBeLessThan(CAPPED_RATIO_BOUND);
    const analysis = analyseConversation({ durationSeconds: 600, segments });
    // The budget holds the first 25 segments (Rita's are the even ones: 13 of them); later ones are not read.
    expect(MAX_TRANSCRIPT_TEXT / MAX_SEGMENT_TEXT).toBe(25);
    expect(analysis.fillers.byWord.like).toBe(countFillers(segment).like! * 13);
  });

  test('a long segment is read to its first 20,000 characters only, whatever room the transcript has left', () => {
    // The transcript's own budget (500,000 characters) would take most of a megabyte: the segment's
    // cap is what keeps one segment from costing more than its share.
    const segment = repeatedTo('like, ', MB);
    const analysis = analyseConversation({ durationSeconds: 600, segments: [say(RITA, 0, segment)] });
    expect(MAX_SEGMENT_TEXT).toBe(20_000);
    expect(analysis.fillers.byWord.like).toBe(countFillers(segment.slice(0, MAX_SEGMENT_TEXT)).like);
  });

  test('an ordinary transcript is read whole, with no note about its length', () => {
    const analysis = analyseConversation({
      durationSeconds: 120,
      segments: [
        say(RITA, 0, 'What brings you here? Um, like, our pricing is simple.'),
        say(CARL, 60, 'Friday works.'),
      ],
    });
    expect(analysis.notes.join(' ')).not.toMatch(/very long/);
    expect(analysis.fillers.total).toBe(2);
  });
});
