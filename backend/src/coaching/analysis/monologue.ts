import type { Timeline } from './timeline.ts';

export type Monologue = { seconds: number; speakerName: string; startSeconds: number; segment: number };

/**
 * The rep's longest uninterrupted stretch: consecutive segments of the same rep speaker merge
 * (Fathom splits one turn into several items), from the first one's start to the latest end.
 * Without timestamps there is nothing to measure.
 */
export function longestRepMonologue(timeline: Timeline): Monologue | null {
  if (timeline.timing !== 'timestamps') return null;
  const runs: Array<{ key: string | null; start: number; end: number; speakerName: string; segment: number }> = [];
  for (const segment of timeline.segments) {
    const key = segment.speaker.side === 'rep' ? segment.speaker.key : null;
    const last = runs[runs.length - 1];
    if (last && key !== null && last.key === key) last.end = Math.max(last.end, segment.end!);
    else
      runs.push({
        key,
        start: segment.start!,
        end: segment.end!,
        speakerName: segment.speaker.name,
        segment: segment.index,
      });
  }
  let longest: Monologue | null = null;
  for (const run of runs) {
    if (run.key === null) continue;
    const seconds = run.end - run.start;
    if (!longest || seconds > longest.seconds)
      longest = { seconds, speakerName: run.speakerName, startSeconds: run.start, segment: run.segment };
  }
  return longest;
}
