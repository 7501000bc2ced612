import { describe, expect, test } from '@jest/globals';
import {
  analyseConversation,
  RULES_ANALYSER_VERSION,
  ruleBasedAnalyser,
} from '../../../../backend/src/coaching/analysis/ruleBasedAnalyser.ts';
import type { ConversationAnalyser } from '../../../../backend/src/coaching/analysis/types.ts';
import { CARL, RITA, say } from './transcript.ts';

describe('the rule-based analyser', () => {
  test('is a ConversationAnalyser that stamps its version on the analysis', () => {
    const analyser: ConversationAnalyser = ruleBasedAnalyser;
    expect(analyser.version).toBe('rules-1');
    expect(analyser.analyse({ durationSeconds: null, segments: [] }).analyserVersion).toBe(RULES_ANALYSER_VERSION);
  });

  test('gives the same analysis for the same call, as plain JSON', () => {
    const input = {
      durationSeconds: 120,
      segments: [
        say(RITA, 0, 'What brings you here? Um, like, our pricing is simple.'),
        say(CARL, 60, 'Friday works.'),
      ],
    };
    const analysis = analyseConversation(input);
    expect(analyseConversation(input)).toEqual(analysis);
    expect(JSON.parse(JSON.stringify(analysis))).toEqual(analysis);
    expect(typeof analysis.score).toBe('number');
  });

  test('an empty transcript has no score and empty metrics', () => {
    const analysis = analyseConversation({ durationSeconds: 600, segments: [] });
    expect(analysis).toMatchObject({
      score: null,
      timing: 'none',
      speakers: [],
      talkRatio: { rep: null, customer: null, unknown: null },
      longestRepMonologueSeconds: null,
      longestRepMonologue: null,
      interactivity: { speakerSwitches: 0, perMinute: 0 },
      questions: { total: 0, open: 0, closed: 0, unknown: 0, moments: [] },
      fillers: { total: 0, perRepMinute: null, byWord: {} },
      nextSteps: { agreed: null, moments: [] },
    });
    expect(analysis.topics.every((topic) => topic.count === 0)).toBe(true);
    expect(analysis.scoreBreakdown.every((component) => component.contribution === null)).toBe(true);
    expect(analysis.notes).toEqual(['The transcript is empty, so there is nothing to analyse.']);
  });

  test('a call where only the rep speaks is all rep, without switches', () => {
    const analysis = analyseConversation({
      durationSeconds: 90,
      segments: [say(RITA, 0, 'Leaving a message.'), say(RITA, 30, 'Call me back?'), say(RITA, 60, 'Thanks.')],
    });
    // Rita 0–90 alone: ratio 1, one 90 s monologue (three items merged), no switches.
    expect(analysis.talkRatio).toEqual({ rep: 1, customer: 0, unknown: 0 });
    expect(analysis.longestRepMonologueSeconds).toBe(90);
    expect(analysis.interactivity).toEqual({ speakerSwitches: 0, perMinute: 0 });
    expect(analysis.questions.total).toBe(1);
    expect(analysis.score).not.toBeNull();
  });

  test('a transcript without any timings is analysed by words and says so', () => {
    const analysis = analyseConversation({
      durationSeconds: null,
      segments: [say(RITA, null, 'How is it going?'), say(CARL, null, 'Fine.')],
    });
    expect(analysis.timing).toBe('words');
    expect(analysis.callSeconds).toBeNull();
    expect(analysis.interactivity).toEqual({ speakerSwitches: 1, perMinute: null });
    expect(analysis.fillers.perRepMinute).toBeNull();
  });

  test('non-English and odd text does not break it', () => {
    const analysis = analyseConversation({
      durationSeconds: 30,
      language: 'es',
      segments: [
        say(RITA, 0, '¿Qué tal? ¿Podemos hablar el lunes?'),
        say(CARL, 10, '¡Claro! 🙂 …'),
        say(RITA, 20, ''),
        say({ speakerName: '', speakerEmail: null, isExternal: true }, 25, '???'),
      ],
    });
    expect(analysis.questions).toMatchObject({ total: 2, unknown: 2 });
    expect(analysis.score).not.toBeNull();
  });

  test('a last segment with no duration to end it has no length', () => {
    const analysis = analyseConversation({
      durationSeconds: null,
      segments: [say(RITA, 0, 'Hi.'), say(CARL, 20, 'Bye.')],
    });
    // Rita 0–20; Carl starts at 20 and nothing ends him: 0 s. The call is 20 s.
    expect(analysis.speakers.map((s) => s.seconds)).toEqual([20, 0]);
    expect(analysis.callSeconds).toBe(20);
  });
});
