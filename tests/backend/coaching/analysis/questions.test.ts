import { describe, expect, test } from '@jest/globals';
import { questionKind } from '../../../../backend/src/coaching/analysis/questions.ts';
import { analyseConversation } from '../../../../backend/src/coaching/analysis/ruleBasedAnalyser.ts';
import { CARL, RITA, say } from './transcript.ts';

describe('questions the rep asks', () => {
  test('are counted per sentence and sorted into open, closed and unknown', () => {
    const analysis = analyseConversation({
      durationSeconds: 300,
      segments: [
        say(RITA, 0, 'Thanks for joining. What prompted you to look at this? Do you have a budget?'),
        say(CARL, 30, 'What does it cost?'),
        say(RITA, 60, 'So, how are you handling it today?'),
        say(RITA, 90, 'And tell me, who signs off?'),
        say(RITA, 120, 'The annual plan, right?'),
        say(RITA, 150, 'Is it 3.5 per seat? Really?? OK.'),
        say(RITA, 180, "What's the timeline?"),
      ],
    });
    // Rita's questions: "What prompted…" open, "Do you have…" closed, "how are you…" open (after "So"),
    // "tell me, who…" open, "…right?" unknown, "Is it 3.5…" closed (3.5 is not a sentence end),
    // "Really??" unknown (counted once), "What's…" open. Carl's question is not the rep's.
    // 8 in all: open 4, closed 2, unknown 2.
    expect(analysis.questions).toMatchObject({ total: 8, open: 4, closed: 2, unknown: 2 });
    expect(analysis.questions.moments.map((q) => [q.seconds, q.kind])).toEqual([
      [0, 'open'],
      [0, 'closed'],
      [60, 'open'],
      [90, 'open'],
      [120, 'unknown'],
      [150, 'closed'],
      [150, 'unknown'],
      [180, 'open'],
    ]);
    expect(analysis.questions.moments[1]?.text).toBe('Do you have a budget?');
  });

  test('a question is told open or closed by how it begins', () => {
    expect(questionKind('Why did you pick that vendor?')).toBe('open');
    expect(questionKind('Walk me through your process?')).toBe('open');
    expect(questionKind('Well, could we start in May?')).toBe('closed');
    expect(questionKind('Isn’t that expensive?')).toBe('closed');
    expect(questionKind('Telling me the truth?')).toBe('unknown');
    expect(questionKind('Ok?')).toBe('unknown');
  });

  test('in Spanish, questions are still counted by their marks but their kind is unknown', () => {
    const analysis = analyseConversation({
      durationSeconds: 120,
      language: 'es',
      segments: [say(RITA, 0, 'Hola. ¿Cuál es su presupuesto? ¿Y el plazo?'), say(CARL, 60, 'No sé todavía.')],
    });
    // "¿Cuál es su presupuesto?" and "¿Y el plazo?": 2, both unknown.
    expect(analysis.questions).toMatchObject({ total: 2, open: 0, closed: 0, unknown: 2 });
    expect(analysis.questions.moments[0]?.text).toBe('¿Cuál es su presupuesto?');
  });

  test('full-width question marks count too', () => {
    const analysis = analyseConversation({
      durationSeconds: 60,
      language: 'ja',
      segments: [say(RITA, 0, '予算はありますか？いつ始めますか？')],
    });
    // Two sentences ending in ？.
    expect(analysis.questions.total).toBe(2);
  });
});
