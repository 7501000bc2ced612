/** The few metrics the coaching card charts, read from a stored analysis. */
export type TrendMetrics = {
  repTalkRatio: number | null;
  questions: number | null;
  longestMonologueSeconds: number | null;
};

const numberAt = (metrics: Record<string, unknown>, ...path: string[]): number | null => {
  let value: unknown = metrics;
  for (const key of path)
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
};

export function trendMetrics(metrics: Record<string, unknown>): TrendMetrics {
  return {
    repTalkRatio: numberAt(metrics, 'talkRatio', 'rep'),
    questions: numberAt(metrics, 'questions', 'total'),
    longestMonologueSeconds: numberAt(metrics, 'longestRepMonologueSeconds'),
  };
}
