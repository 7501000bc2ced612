import { describe, expect, test } from '@jest/globals';
import { analyseConversation } from '../../../../backend/src/coaching/analysis/ruleBasedAnalyser.ts';
import { CARL, DIAL_IN, RITA, say } from './transcript.ts';

describe('talk ratio', () => {
  test('a segment without an end lasts until the next one starts, and the last one until the call ends', () => {
    const analysis = analyseConversation({
      durationSeconds: 100,
      segments: [say(RITA, 0, 'Hello.'), say(CARL, 30, 'Hi.'), say(RITA, 50, 'So.')],
    });
    // Rita 0–30 and 50–100 = 30 + 50 = 80 s; Carl 30–50 = 20 s; 80 / 100 = 0.8.
    expect(analysis.timing).toBe('timestamps');
    expect(analysis.talkRatio).toEqual({ rep: 0.8, customer: 0.2, unknown: 0 });
    expect(analysis.speakers.map((s) => [s.name, s.seconds, s.share])).toEqual([
      ['Rita Rep', 80, 0.8],
      ['Carl Customer', 20, 0.2],
    ]);
  });

  test('two people talking at once split the shared seconds instead of counting them twice', () => {
    const analysis = analyseConversation({
      durationSeconds: 15,
      segments: [say(RITA, 0, 'Let me explain.', 10), say(CARL, 8, 'Sorry, one thing.', 15)],
    });
    // 0–8 Rita alone = 8; 8–10 both, 1 s each; 10–15 Carl alone = 5. Rita 9, Carl 6, of 15 s.
    expect(analysis.speakers.map((s) => s.seconds)).toEqual([9, 6]);
    expect(analysis.talkRatio).toEqual({ rep: 0.6, customer: 0.4, unknown: 0 });
  });

  test('a short interjection inside a long segment neither loses nor doubles time', () => {
    const analysis = analyseConversation({
      durationSeconds: 40,
      segments: [say(RITA, 0, 'A long answer.', 30), say(CARL, 10, 'Mm-hmm.', 12), say(RITA, 30, 'And more.')],
    });
    // Rita 0–10 (10) + half of 10–12 (1) + 12–30 (18) + 30–40 (10) = 39; Carl 1. 39 + 1 = the 40 s call.
    expect(analysis.speakers.map((s) => s.seconds)).toEqual([39, 1]);
    expect(analysis.talkRatio).toEqual({ rep: 0.975, customer: 0.025, unknown: 0 });
  });

  test('segments given out of order are read in the order they were spoken', () => {
    const analysis = analyseConversation({
      durationSeconds: 100,
      segments: [say(RITA, 50, 'So.'), say(RITA, 0, 'Hello.'), say(CARL, 30, 'Hi.')],
    });
    // The same call as the first test: Rita 80 s of 100.
    expect(analysis.talkRatio.rep).toBe(0.8);
  });

  test('a speaker whose side is unknown counts as unknown, not as either side', () => {
    const analysis = analyseConversation({
      durationSeconds: 100,
      segments: [say(RITA, 0, 'Welcome.'), say(DIAL_IN, 60, 'Hello?'), say(CARL, 80, 'Hi all.')],
    });
    // Rita 0–60 = 60, the dial-in 60–80 = 20, Carl 80–100 = 20, of 100 s.
    expect(analysis.talkRatio).toEqual({ rep: 0.6, customer: 0.2, unknown: 0.2 });
    expect(analysis.notes.join(' ')).toMatch(/Dial-in 1/);
  });

  test("one unmatched item of a known speaker takes that speaker's side", () => {
    const analysis = analyseConversation({
      durationSeconds: 100,
      segments: [say({ ...RITA, isExternal: null }, 0, 'Welcome.'), say(CARL, 50, 'Hi.'), say(RITA, 75, 'Right.')],
    });
    // Rita is the rep by her later item: 0–50 + 75–100 = 75 of 100.
    expect(analysis.talkRatio).toEqual({ rep: 0.75, customer: 0.25, unknown: 0 });
  });

  test('without timestamps the ratio comes from word counts, and says so', () => {
    const analysis = analyseConversation({
      durationSeconds: null,
      segments: [
        say(RITA, null, 'one two three four five six'),
        say(CARL, null, 'seven eight'),
        say(RITA, null, 'nine ten'),
      ],
    });
    // Rita 6 + 2 = 8 words, Carl 2, of 10.
    expect(analysis.timing).toBe('words');
    expect(analysis.talkRatio).toEqual({ rep: 0.8, customer: 0.2, unknown: 0 });
    expect(analysis.speakers.map((s) => [s.seconds, s.words])).toEqual([
      [null, 8],
      [null, 2],
    ]);
    expect(analysis.notes.join(' ')).toMatch(/by words/);
  });

  test('one segment without a start is enough to fall back to words', () => {
    const analysis = analyseConversation({
      durationSeconds: 60,
      segments: [say(RITA, 0, 'one two three'), say(CARL, null, 'four')],
    });
    // Rita 3 words, Carl 1: 3 / 4 = 0.75.
    expect(analysis.timing).toBe('words');
    expect(analysis.talkRatio.rep).toBe(0.75);
  });
});
