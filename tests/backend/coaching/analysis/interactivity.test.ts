import { describe, expect, test } from '@jest/globals';
import { analyseConversation } from '../../../../backend/src/coaching/analysis/ruleBasedAnalyser.ts';
import { CARL, RITA, RON, say } from './transcript.ts';

describe('speaker switches per minute', () => {
  test('count each change of speaker between consecutive segments, per minute of call', () => {
    const analysis = analyseConversation({
      durationSeconds: 120,
      segments: [
        say(RITA, 0, 'Hi.'),
        say(CARL, 10, 'Hello.'),
        say(CARL, 20, 'Go on.'),
        say(RITA, 30, 'Sure.'),
        say(RON, 40, 'Let me add.'),
        say(CARL, 50, 'Thanks.'),
      ],
    });
    // Rita→Carl 1, Carl→Carl 0, Carl→Rita 2, Rita→Ron 3 (another person, same side), Ron→Carl 4.
    // 4 switches in 120 s = 2 minutes: 2 per minute.
    expect(analysis.interactivity).toEqual({ speakerSwitches: 4, perMinute: 2 });
  });

  test('use the last segment end as the length when the duration is unknown', () => {
    const analysis = analyseConversation({
      durationSeconds: null,
      segments: [say(RITA, 0, 'Hi.'), say(CARL, 45, 'Hello.', 90)],
    });
    // 1 switch; the call ends when Carl stops at 90 s = 1.5 minutes: 1 / 1.5 = 0.67.
    expect(analysis.callSeconds).toBe(90);
    expect(analysis.interactivity).toEqual({ speakerSwitches: 1, perMinute: 0.67 });
  });
});
