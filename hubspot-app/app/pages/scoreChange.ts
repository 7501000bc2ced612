import type { RepOverview } from '@fathom-hubspot/ui-shared';

/** How a rep's average score moved against the period before: " (+6)", " (=)", or nothing. */
export const trendOf = (rep: RepOverview) => {
  if (rep.averageScore === null || rep.previousAverageScore === null) return '';
  const change = rep.averageScore - rep.previousAverageScore;
  return change === 0 ? ' (=)' : ` (${change > 0 ? '+' : ''}${change})`;
};
