import { describe, expect, test } from '@jest/globals';
import { countFillers } from '../../../../backend/src/coaching/analysis/fillers.ts';
import { analyseConversation } from '../../../../backend/src/coaching/analysis/ruleBasedAnalyser.ts';
import { CARL, RITA, say } from './transcript.ts';

describe('filler words', () => {
  test("are counted in the rep's speech, per minute the rep spoke", () => {
    const analysis = analyseConversation({
      durationSeconds: 150,
      segments: [
        say(RITA, 0, 'Um, so, like, we basically, you know, record calls.'),
        say(CARL, 60, 'Um, uh, um, interesting.'),
        say(RITA, 90, "I'd like, if possible, to uh show you. As you know, it's fast. Do you know?"),
        say(RITA, 120, "I mean, it's uh-huh fine. Things I like about it."),
      ],
    });
    // Rita: "Um", "like,", "you know," = 3; "uh" = 1 ("I'd like,", "As you know,", "Do you know?" are
    // not fillers); "I mean," = 1 ("uh-huh" agrees, "like about" is the verb). 5 in all; Carl's do
    // not count. Rita spoke 0–60 + 90–150 = 120 s = 2 minutes: 5 / 2 = 2.5 per minute.
    expect(analysis.fillers).toEqual({
      total: 5,
      perRepMinute: 2.5,
      byWord: { um: 1, like: 1, 'you know': 1, uh: 1, 'I mean': 1 },
    });
  });

  test('spelling variants count as the same filler', () => {
    // "Ummm" and "erm" are um; "uhh" and "er" are uh.
    expect(countFillers('Ummm, erm, uhh, er, well.')).toEqual({ um: 2, uh: 2 });
  });

  test('are not counted in other languages, where "um" may be a word', () => {
    const analysis = analyseConversation({
      durationSeconds: 60,
      language: 'pt-BR',
      segments: [say(RITA, 0, 'Tenho um problema, um só.')],
    });
    expect(analysis.fillers).toEqual({ total: null, perRepMinute: null, byWord: {} });
    expect(analysis.notes.join(' ')).toMatch(/English-only/);
  });
});
