import type { ScoreComponent, ScoreComponentName } from './types.ts';

export type ScoreInputs = {
  /** false when no speaker is known to be the rep: the score is about the rep, so there is none. */
  repIdentified: boolean;
  repTalkRatio: number | null;
  longestRepMonologueSeconds: number | null;
  repQuestions: number | null;
  /** Open questions among those whose kind is known (open + closed); null when there are none. */
  openQuestionShare: number | null;
  callSeconds: number | null;
  speakerSwitchesPerMinute: number | null;
  fillersPerRepMinute: number | null;
  nextStepsAgreed: boolean | null;
};

/** 0 at `zeroAt`, 1 at `fullAt`, straight in between, flat outside; works in either direction. */
function ramp(value: number, zeroAt: number, fullAt: number): number {
  return Math.min(1, Math.max(0, (value - zeroAt) / (fullAt - zeroAt)));
}

const questionTarget = (callSeconds: number | null) => Math.max(3, (callSeconds ?? 0) / 60 / 2);

type Measured = { value: number | boolean; points: number } | null;
type Rule = { weight: number; rule: string; measure(inputs: ScoreInputs): Measured };

const given = <T extends number | boolean>(value: T | null, points: (value: T) => number): Measured =>
  value === null ? null : { value, points: points(value) };

/**
 * THE scoring rules: weights out of 100 and how each metric earns its points. The bands follow
 * common sales-coaching guidance (the rep listens more than he talks, asks questions, does not
 * lecture, and leaves with an agreed next step). A metric that could not be measured is left
 * out and the other weights are scaled up, so a call without timestamps is not punished for it.
 * Topics (pricing, objections…) are context, not quality, and do not score.
 */
export const SCORE_RULES: Readonly<Record<ScoreComponentName, Rule>> = {
  talkRatio: {
    weight: 20,
    rule: 'The rep talks 35–55% of the time (no points at 10% or less, or 85% or more).',
    measure: (inputs) =>
      given(inputs.repTalkRatio, (ratio) => (ratio <= 0.55 ? ramp(ratio, 0.1, 0.35) : ramp(ratio, 0.85, 0.55))),
  },
  // Up to 90 s is an answer; at five minutes the customer has long stopped listening.
  longestMonologue: {
    weight: 15,
    rule: 'The rep never talks more than 90 s at a stretch (no points at 300 s or more).',
    measure: (inputs) => given(inputs.longestRepMonologueSeconds, (seconds) => ramp(seconds, 300, 90)),
  },
  // Scaled to the call's length so a short call is not asked for as many questions as a long one.
  questions: {
    weight: 15,
    rule: 'The rep asks at least one question per two minutes of call, and at least 3.',
    measure: (inputs) => given(inputs.repQuestions, (count) => Math.min(1, count / questionTarget(inputs.callSeconds))),
  },
  openQuestions: {
    weight: 10,
    rule: 'At least half of the questions whose kind is known are open (what, how, why…).',
    measure: (inputs) => given(inputs.openQuestionShare, (share) => ramp(share, 0, 0.5)),
  },
  interactivity: {
    weight: 10,
    rule: 'The floor changes hands at least twice a minute.',
    measure: (inputs) => given(inputs.speakerSwitchesPerMinute, (perMinute) => ramp(perMinute, 0, 2)),
  },
  fillers: {
    weight: 10,
    rule: 'At most one filler (um, uh, like…) per minute the rep speaks (no points at 6 or more).',
    measure: (inputs) => given(inputs.fillersPerRepMinute, (perMinute) => ramp(perMinute, 6, 1)),
  },
  nextSteps: {
    weight: 20,
    rule: 'A next step (a date, a meeting, a commitment) comes up in the last 20% of the call.',
    measure: (inputs) => given(inputs.nextStepsAgreed, (agreed) => (agreed ? 1 : 0)),
  },
};

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The call score, 0–100, and what each rule contributed to it. */
export function scoreCall(inputs: ScoreInputs): { score: number | null; components: ScoreComponent[] } {
  const measured = (Object.keys(SCORE_RULES) as ScoreComponentName[]).map((name) => {
    const rule = SCORE_RULES[name];
    const result = inputs.repIdentified ? rule.measure(inputs) : null;
    return { name, rule, value: result?.value ?? null, points: result?.points ?? null };
  });
  const totalWeight = measured.reduce((sum, m) => sum + (m.points === null ? 0 : m.rule.weight), 0);
  const components: ScoreComponent[] = measured.map((m) => ({
    name: m.name,
    rule: m.rule.rule,
    weight: m.rule.weight,
    value: typeof m.value === 'number' ? round(m.value, 3) : m.value,
    points: m.points === null ? null : round(m.points, 3),
    contribution:
      m.points === null || totalWeight === 0 ? null : round((100 * m.rule.weight * m.points) / totalWeight, 1),
  }));
  if (totalWeight === 0) return { score: null, components };
  const exact = measured.reduce(
    (sum, m) => sum + (m.points === null ? 0 : (100 * m.rule.weight * m.points) / totalWeight),
    0,
  );
  return { score: Math.round(exact), components };
}
