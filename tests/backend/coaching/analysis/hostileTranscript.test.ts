import { describe, expect, test } from '@jest/globals';
import { countFillers } from '../../../../backend/src/coaching/analysis/fillers.ts';
import { questionKind } from '../../../../backend/src/coaching/analysis/questions.ts';
import { analyseConversation, MAX_MOMENTS } from '../../../../backend/src/coaching/analysis/ruleBasedAnalyser.ts';
import { MAX_SEGMENT_TEXT, MAX_TRANSCRIPT_TEXT } from '../../../../backend/src/coaching/analysis/timeline.ts';
import { CARL, RITA, say } from './transcript.ts';

// A security bound, not a benchmark: these inputs took 17 s (128 KB) to about 18 minutes (1 MB)
// when a rule re-scanned the text from its start on every match. Linear rules take well under a
// second here; 2 s leaves room for a loaded machine and still fails any quadratic rule by far.
const BOUND_MS = 2_000;
// A single rule on a whole megabyte (no cap) gets more room: it is the first thing this file
// times, and a loaded machine slows it most; a quadratic rule still takes minutes.
const RULE_BOUND_MS = 5_000;
const MB = 1024 * 1024;
const repeatedTo = (unit: string, bytes: number) => unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);

const timed = <T>(work: () => T): { result: T; ms: number } => {
  const started = performance.now();
  const result = work();
  return { result, ms: performance.now() - started };
};

describe('a hostile transcript', () => {
  test.each([
    ['like, ', 'like'],
    ['you know, ', 'you know'],
    ['I mean, ', 'I mean'],
    ['um ', 'um'],
  ])('the filler rule reads a megabyte of "%s" in linear time', (unit, word) => {
    const text = repeatedTo(unit, MB);
    const { result, ms } = timed(() => countFillers(text));
    expect(ms).toBeLessThan(RULE_BOUND_MS);
    expect(result[word]).toBeGreaterThan(MB / unit.length - 2);
  });

  test('a question of a megabyte of lead-ins is read in linear time', () => {
    const { result, ms } = timed(() => questionKind(`${'so '.repeat(MB / 3)}what now?`));
    expect(ms).toBeLessThan(RULE_BOUND_MS);
    expect(result).toBe('open');
  });

  test.each([
    ['like, ', 'one long aside'],
    ['so? ', 'a megabyte of questions'],
    ['follow up next week, ', 'a megabyte of next steps and topics'],
  ])('one rep segment of a megabyte (%s: %s) is analysed in under 2 s, and says what it read', (unit) => {
    const input = {
      durationSeconds: 600,
      language: 'en',
      segments: [
        say(CARL, 0, 'Hello, what is this about?'),
        say(RITA, 5, repeatedTo(unit, MB)),
        say(CARL, 590, 'Thanks, bye.'),
      ],
    };
    const { result: analysis, ms } = timed(() => analyseConversation(input));
    expect(ms).toBeLessThan(BOUND_MS);
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
    const { result: analysis, ms } = timed(() => analyseConversation({ durationSeconds: 600, segments }));
    expect(ms).toBeLessThan(BOUND_MS);
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
