import { describe, expect, test } from '@jest/globals';
import { phraseMatcher } from '../../../../backend/src/coaching/analysis/phrases.ts';
import { analyseConversation } from '../../../../backend/src/coaching/analysis/ruleBasedAnalyser.ts';
import { CARL, RITA, say } from './transcript.ts';

describe('topics', () => {
  const analysis = analyseConversation({
    durationSeconds: 200,
    trackers: { competitors: ['Acme', 'Globex Corp'], security: ['SOC 2'] },
    segments: [
      say(RITA, 0, 'Our pricing is per seat.'),
      say(CARL, 20, 'Honestly the price seems high compared to Acme.'),
      say(RITA, 45, 'Who else is involved in the decision?'),
      say(CARL, 70, 'We must go live before the next quarter.'),
      say(CARL, 90, 'We also looked at Globex Corp.'),
      say(RITA, 120, 'Priceless!'),
      say(CARL, 150, 'Do you have SOC 2?'),
    ],
  });
  const topic = (name: string) => analysis.topics.find((t) => t.name === name);

  test('are found at the moments they come up, by either side', () => {
    // pricing: "pricing" and "per seat" at 0 s, "price" at 20 s; "Priceless" at 120 s is another word.
    expect(topic('pricing')).toEqual({
      name: 'pricing',
      count: 2,
      moments: [
        { seconds: 0, segment: 0, side: 'rep', phrases: ['pricing', 'per seat'] },
        { seconds: 20, segment: 1, side: 'customer', phrases: ['price'] },
      ],
    });
    expect(topic('objections')?.moments).toEqual([
      { seconds: 20, segment: 1, side: 'customer', phrases: ['seems high'] },
    ]);
    expect(topic('timeline')?.moments.map((m) => [m.seconds, m.phrases])).toEqual([[70, ['go live', 'next quarter']]]);
    expect(topic('decisionMakers')?.moments.map((m) => [m.seconds, m.phrases])).toEqual([
      [45, ['decision', 'who else']],
    ]);
  });

  test("an account's competitor list is merged with the built-in topic", () => {
    // "Acme" at 20 s and "Globex Corp" at 90 s, from the account's list.
    expect(topic('competitors')?.moments.map((m) => [m.seconds, m.phrases])).toEqual([
      [20, ['acme']],
      [90, ['globex corp']],
    ]);
  });

  test("an account's new topic comes after the built-in ones", () => {
    expect(analysis.topics.map((t) => [t.name, t.count])).toEqual([
      ['pricing', 2],
      ['competitors', 2],
      ['objections', 1],
      ['timeline', 1],
      ['decisionMakers', 1],
      ['security', 1],
    ]);
    expect(topic('security')?.moments).toEqual([{ seconds: 150, segment: 6, side: 'customer', phrases: ['soc 2'] }]);
  });

  test('account phrases work in other languages', () => {
    const spanish = analyseConversation({
      durationSeconds: 60,
      language: 'es',
      trackers: { pricing: ['precio'] },
      segments: [say(CARL, 0, '¿Cuál es el precio?'), say(CARL, 30, 'Los precios suben.')],
    });
    // "precio" at 0 s; "precios" is another word.
    expect(spanish.topics.find((t) => t.name === 'pricing')?.moments.map((m) => m.seconds)).toEqual([0]);
  });
});

describe('phrase matching', () => {
  const matches = (phrase: string, text: string) => phraseMatcher(phrase)!.pattern.test(text);

  test('ignores case, hyphens, repeated spaces and the kind of apostrophe', () => {
    expect(matches('follow up', 'Can we Follow-Up then?')).toBe(true);
    expect(matches('follow up', 'follow   up')).toBe(true);
    expect(matches("I'll send", 'I’ll send it')).toBe(true);
  });

  test('matches whole words only', () => {
    expect(matches('price', 'priceless')).toBe(false);
    expect(matches('vp', 'our VP of Sales')).toBe(true);
    expect(matches('acme', 'Acme’s team')).toBe(true);
  });

  test('treats the characters of a phrase literally', () => {
    expect(matches('c++ (legacy)', 'we run C++ (legacy) code')).toBe(true);
    expect(matches('a.b', 'axb')).toBe(false);
    expect(phraseMatcher('   ')).toBeNull();
  });
});
