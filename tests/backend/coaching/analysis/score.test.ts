import { describe, expect, test } from '@jest/globals';
import { analyseConversation } from '../../../../backend/src/coaching/analysis/ruleBasedAnalyser.ts';
import { SCORE_RULES } from '../../../../backend/src/coaching/analysis/score.ts';
import { CARL, RITA, say } from './transcript.ts';

const contributions = (analysis: ReturnType<typeof analyseConversation>) =>
  Object.fromEntries(analysis.scoreBreakdown.map((c) => [c.name, c.contribution]));

describe('call score', () => {
  test('the weights add up to 100', () => {
    expect(Object.values(SCORE_RULES).reduce((sum, rule) => sum + rule.weight, 0)).toBe(100);
  });

  test('a full ten-minute call scores 65, and each rule shows its part', () => {
    const analysis = analyseConversation({
      durationSeconds: 600,
      language: 'en',
      segments: [
        say(RITA, 0, 'Um, hello. Um, thanks for the time. Um, um, um. Um, um, um, um, um. What keeps you up at night?'),
        say(CARL, 195, 'We have twenty reps.'),
        say(RITA, 255, 'Uh, right. Uh, uh, uh. Do you use HubSpot today? Is the team in one office?'),
        say(CARL, 375, 'The price matters to us.'),
        say(RITA, 435, "Great. I'll send the proposal tomorrow. Can we talk Friday?"),
        say(CARL, 540, 'Friday works.'),
      ],
    });
    // Rita 0–195 + 255–375 + 435–540 = 195 + 120 + 105 = 420 s of 600: talk ratio 0.7.
    //   0.7 is above 0.55: points (0.85 − 0.7) / (0.85 − 0.55) = 0.5; × 20 = 10.
    // Longest monologue 195 s: (300 − 195) / (300 − 90) = 0.5; × 15 = 7.5.
    // Questions 4; target max(3, 10 min / 2) = 5: 4 / 5 = 0.8; × 15 = 12.
    // Open 1 ("What keeps…"), closed 3 (Do, Is, Can): share 0.25; 0.25 / 0.5 = 0.5; × 10 = 5.
    // Switches 5 in 10 min = 0.5/min; 0.5 / 2 = 0.25; × 10 = 2.5.
    // Fillers 10 "um" + 4 "uh" = 14 in 7 rep minutes = 2/min: (6 − 2) / (6 − 1) = 0.8; × 10 = 8.
    // Next steps: "I'll send", "tomorrow", "Friday" after 480 s: 1; × 20 = 20.
    // 10 + 7.5 + 12 + 5 + 2.5 + 8 + 20 = 65.
    expect(analysis.talkRatio.rep).toBe(0.7);
    expect(analysis.longestRepMonologueSeconds).toBe(195);
    expect(analysis.questions).toMatchObject({ total: 4, open: 1, closed: 3 });
    expect(analysis.interactivity.perMinute).toBe(0.5);
    expect(analysis.fillers).toMatchObject({ total: 14, perRepMinute: 2 });
    expect(analysis.nextSteps.agreed).toBe(true);
    expect(contributions(analysis)).toEqual({
      talkRatio: 10,
      longestMonologue: 7.5,
      questions: 12,
      openQuestions: 5,
      interactivity: 2.5,
      fillers: 8,
      nextSteps: 20,
    });
    expect(analysis.scoreBreakdown.find((c) => c.name === 'talkRatio')).toMatchObject({
      weight: 20,
      value: 0.7,
      points: 0.5,
    });
    expect(analysis.score).toBe(65);
  });

  test('rules that cannot be measured are left out and the others scaled up', () => {
    const analysis = analyseConversation({
      durationSeconds: null,
      segments: [
        say(RITA, null, 'What do you need? How do you buy? Why now?'),
        say(CARL, null, 'We need a tool that helps our reps sell better.'),
      ],
    });
    // No timestamps, no duration: monologue, switches/min and fillers/min are not measured.
    // Measured weights: talk ratio 20 + questions 15 + open questions 10 + next steps 20 = 65.
    // Rita 10 words, Carl 10: ratio 0.5 → 1. Questions 3 of target 3 → 1. All 3 open → 1.
    // No next step → 0. Score 100 × (20 + 15 + 10 + 0) / 65 = 69.2 → 69; talk ratio earns
    // 100 × 20 / 65 = 30.8, questions 100 × 15 / 65 = 23.1, open questions 100 × 10 / 65 = 15.4.
    expect(contributions(analysis)).toEqual({
      talkRatio: 30.8,
      longestMonologue: null,
      questions: 23.1,
      openQuestions: 15.4,
      interactivity: null,
      fillers: null,
      nextSteps: 0,
    });
    expect(analysis.score).toBe(69);
  });

  test('a call with no speaker known to be the rep has no score', () => {
    const analysis = analyseConversation({
      durationSeconds: 60,
      segments: [say({ ...CARL, isExternal: null }, 0, 'Hello?')],
    });
    expect(analysis.talkRatio).toEqual({ rep: null, customer: null, unknown: 1 });
    expect(analysis.score).toBeNull();
    expect(analysis.scoreBreakdown.every((c) => c.points === null && c.contribution === null)).toBe(true);
  });
});
