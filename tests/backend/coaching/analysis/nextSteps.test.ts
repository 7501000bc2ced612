import { describe, expect, test } from '@jest/globals';
import { analyseConversation } from '../../../../backend/src/coaching/analysis/ruleBasedAnalyser.ts';
import { CARL, RITA, say } from './transcript.ts';

describe('next steps', () => {
  test('are date, meeting or commitment language reaching into the last 20% of the call', () => {
    const analysis = analyseConversation({
      durationSeconds: 100,
      segments: [
        say(RITA, 0, "Let's cover next week's agenda first."),
        say(CARL, 30, 'Sounds fine.'),
        say(RITA, 70, "I'll send the proposal."),
        say(CARL, 85, 'Tuesday works for us.'),
        say(RITA, 95, 'Thanks!'),
      ],
    });
    // The last 20% starts at 80 s. "next week" at 0 s is too early; "I'll send" is in 70–85, which
    // reaches past 80; "Tuesday" at 85 is inside. Both sides' words count.
    expect(analysis.nextSteps).toEqual({
      agreed: true,
      moments: [
        { seconds: 70, segment: 2, side: 'rep', phrases: ["i'll send"] },
        { seconds: 85, segment: 3, side: 'customer', phrases: ['tuesday'] },
      ],
    });
  });

  test('are not agreed when the end of the call has none', () => {
    const analysis = analyseConversation({
      durationSeconds: 100,
      segments: [say(RITA, 0, 'We could follow up next week.'), say(CARL, 50, 'Maybe.'), say(RITA, 90, 'Bye.')],
    });
    // "follow up" and "next week" are in 0–50, before 80 s.
    expect(analysis.nextSteps).toEqual({ agreed: false, moments: [] });
  });

  test("an account's own next-step phrases are added to the built-in ones", () => {
    const analysis = analyseConversation({
      durationSeconds: 100,
      trackers: { nextSteps: ['pilot kickoff'] },
      segments: [say(RITA, 0, 'Hello.'), say(CARL, 90, 'The Pilot Kickoff is set.')],
    });
    expect(analysis.nextSteps).toEqual({
      agreed: true,
      moments: [{ seconds: 90, segment: 1, side: 'customer', phrases: ['pilot kickoff'] }],
    });
  });

  test('without timestamps the last 20% is measured in words', () => {
    const analysis = analyseConversation({
      durationSeconds: null,
      segments: [say(RITA, null, 'next week we talk about the other stuff'), say(CARL, null, 'follow up')],
    });
    // 8 + 2 = 10 words; Carl's segment spans words 8–10, i.e. 0.8–1.0, inside; Rita's 0–0.8 is not.
    expect(analysis.nextSteps).toEqual({
      agreed: true,
      moments: [{ seconds: null, segment: 1, side: 'customer', phrases: ['follow up'] }],
    });
  });

  test('in another language only the account phrases are looked for, and with none the question stays open', () => {
    const segments = [say(RITA, 0, 'Hola.'), say(CARL, 90, 'Nos vemos el martes.')];
    expect(analyseConversation({ durationSeconds: 100, language: 'es', segments }).nextSteps).toEqual({
      agreed: null,
      moments: [],
    });
    const withPhrases = analyseConversation({
      durationSeconds: 100,
      language: 'es',
      segments,
      trackers: { nextSteps: ['martes'] },
    });
    expect(withPhrases.nextSteps).toEqual({
      agreed: true,
      moments: [{ seconds: 90, segment: 1, side: 'customer', phrases: ['martes'] }],
    });
  });
});
