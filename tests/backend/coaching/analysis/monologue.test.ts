import { describe, expect, test } from '@jest/globals';
import { analyseConversation } from '../../../../backend/src/coaching/analysis/ruleBasedAnalyser.ts';
import { CARL, RITA, RON, say } from './transcript.ts';

describe('longest rep monologue', () => {
  test('consecutive segments of the same rep merge into one monologue', () => {
    const analysis = analyseConversation({
      durationSeconds: 220,
      segments: [
        say(RITA, 0, 'First part.'),
        say(RITA, 40, 'Second part.'),
        say(CARL, 100, 'I see.'),
        say(RITA, 130, 'Shorter.'),
        say(CARL, 150, 'OK.'),
        say(RITA, 160, 'Last words.'),
      ],
    });
    // Runs: Rita 0–100 (two items merged) = 100; Rita 130–150 = 20; Rita 160–220 = 60. Longest 100.
    expect(analysis.longestRepMonologueSeconds).toBe(100);
    expect(analysis.longestRepMonologue).toEqual({ speakerName: 'Rita Rep', startSeconds: 0, segment: 0 });
  });

  test('two different reps speaking in turn are two monologues', () => {
    const analysis = analyseConversation({
      durationSeconds: 80,
      segments: [say(RITA, 0, 'Intro.'), say(RON, 30, 'Technical part.'), say(CARL, 70, 'Thanks.')],
    });
    // Rita 0–30 = 30, Ron 30–70 = 40; not 70 merged.
    expect(analysis.longestRepMonologueSeconds).toBe(40);
    expect(analysis.longestRepMonologue?.speakerName).toBe('Ron Rep');
  });

  test("the customer's long stretches are not the rep's monologue", () => {
    const analysis = analyseConversation({
      durationSeconds: 230,
      segments: [say(CARL, 0, 'Our whole story.'), say(RITA, 200, 'Thanks for sharing.')],
    });
    // Carl 0–200 does not count; Rita 200–230 = 30.
    expect(analysis.longestRepMonologueSeconds).toBe(30);
  });

  test('is not measured without timestamps', () => {
    const analysis = analyseConversation({ durationSeconds: 300, segments: [say(RITA, null, 'A long pitch.')] });
    expect(analysis.longestRepMonologueSeconds).toBeNull();
    expect(analysis.longestRepMonologue).toBeNull();
  });
});
