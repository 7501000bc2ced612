import { phraseMatchers, phrasesIn, type PhraseMatcher } from './phrases.ts';
import type { Timeline } from './timeline.ts';
import type { Moment, TrackerLists } from './types.ts';

/** Built-in English phrases per topic; an account's trackers add to these. */
export const DEFAULT_TOPICS: Readonly<Record<string, readonly string[]>> = {
  pricing: [
    'price',
    'prices',
    'pricing',
    'cost',
    'costs',
    'budget',
    'discount',
    'per seat',
    'per user',
    'quote',
    'invoice',
    'how much',
    'license',
    'licence',
    'annual plan',
    'subscription',
    'expensive',
    'cheaper',
  ],
  // Names of competitors are the account's own; these catch the generic mentions.
  competitors: [
    'competitor',
    'competitors',
    'alternative',
    'alternatives',
    'other vendor',
    'other vendors',
    'currently using',
  ],
  objections: [
    'too expensive',
    'seems high',
    'too high',
    'not sure',
    'concern',
    'concerns',
    'concerned',
    'worried',
    'not a priority',
    "don't need",
    'no budget',
    'not interested',
    'already have',
    'hard to justify',
    'hesitant',
    'risky',
    'deal breaker',
    'dealbreaker',
  ],
  timeline: [
    'timeline',
    'deadline',
    'go live',
    'roll out',
    'rollout',
    'implementation',
    'this quarter',
    'next quarter',
    'end of the quarter',
    'end of the year',
    'by when',
    'how long',
  ],
  decisionMakers: [
    'decision maker',
    'decision makers',
    'decision',
    'sign off',
    'approve',
    'approval',
    'budget holder',
    'procurement',
    'legal',
    'stakeholder',
    'stakeholders',
    'who else',
    'check with',
    'vp',
    'ceo',
    'cfo',
    'cto',
    'head of',
  ],
};

/** The trackers key that extends next-step phrases rather than naming a topic. */
export const NEXT_STEPS_TRACKER = 'nextSteps';

export type TopicTracker = { name: string; matchers: PhraseMatcher[] };

/** The built-in topics with the account's phrases added, then the account's own topics. */
export function topicTrackers(extra: TrackerLists = {}): TopicTracker[] {
  const own = (lists: TrackerLists, name: string) => {
    const list = Object.hasOwn(lists, name) ? lists[name] : undefined;
    return Array.isArray(list) ? list : [];
  };
  const names = [
    ...Object.keys(DEFAULT_TOPICS),
    ...Object.keys(extra).filter((name) => !Object.hasOwn(DEFAULT_TOPICS, name)),
  ];
  return names
    .filter((name) => name !== NEXT_STEPS_TRACKER)
    .map((name) => ({ name, matchers: phraseMatchers([...own(DEFAULT_TOPICS, name), ...own(extra, name)]) }));
}

/** Every segment, by either side, that mentions a topic: one moment per segment with the phrases heard. */
export function findTopics(
  timeline: Timeline,
  trackers: readonly TopicTracker[],
): Array<{ name: string; count: number; moments: Moment[] }> {
  return trackers.map((tracker) => {
    const moments: Moment[] = [];
    for (const segment of timeline.segments) {
      const phrases = phrasesIn(segment.text, tracker.matchers);
      if (phrases.length)
        moments.push({ seconds: segment.start, segment: segment.index, side: segment.speaker.side, phrases });
    }
    return { name: tracker.name, count: moments.length, moments };
  });
}
