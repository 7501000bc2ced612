/** What a coaching message is about: the coach picks one in the form, the API accepts only these. */
export const COACHING_CATEGORIES = [
  'discovery',
  'questioning',
  'talk_ratio',
  'objection_handling',
  'pricing',
  'competition',
  'next_steps',
  'closing',
  'product_knowledge',
  'rapport',
  'other',
] as const;
export type CoachingCategory = (typeof COACHING_CATEGORIES)[number];
