import type { Timeline } from './timeline.ts';
import type { Side } from './types.ts';

export type TalkTime = {
  /** Talk per speaker key: seconds when timed, else words. */
  bySpeaker: Map<string, number>;
  bySide: Record<Side, number>;
  total: number;
  unit: 'seconds' | 'words';
};

/**
 * Seconds each speaker talked. When two people talk at once, the shared seconds are split
 * evenly between them, so no second is counted twice and the parts add up to the time anyone
 * spoke. A speaker overlapping himself (two items of his that overlap) counts once.
 */
function secondsBySpeaker(timeline: Timeline): Map<string, number> {
  const events: Array<{ at: number; key: string; delta: 1 | -1 }> = [];
  for (const segment of timeline.segments) {
    if (segment.end! > segment.start!) {
      events.push({ at: segment.start!, key: segment.speaker.key, delta: 1 });
      events.push({ at: segment.end!, key: segment.speaker.key, delta: -1 });
    }
  }
  events.sort((x, y) => x.at - y.at);

  const bySpeaker = new Map<string, number>(timeline.speakers.map((speaker) => [speaker.key, 0]));
  const open = new Map<string, number>();
  let previous = 0;
  for (const event of events) {
    if (event.at > previous && open.size > 0) {
      const share = (event.at - previous) / open.size;
      for (const key of open.keys()) bySpeaker.set(key, bySpeaker.get(key)! + share);
    }
    previous = event.at;
    const count = (open.get(event.key) ?? 0) + event.delta;
    if (count > 0) open.set(event.key, count);
    else open.delete(event.key);
  }
  return bySpeaker;
}

function wordsBySpeaker(timeline: Timeline): Map<string, number> {
  const bySpeaker = new Map<string, number>(timeline.speakers.map((speaker) => [speaker.key, 0]));
  for (const segment of timeline.segments)
    bySpeaker.set(segment.speaker.key, bySpeaker.get(segment.speaker.key)! + segment.words);
  return bySpeaker;
}

export function measureTalk(timeline: Timeline): TalkTime {
  const unit = timeline.timing === 'timestamps' ? 'seconds' : 'words';
  const bySpeaker = unit === 'seconds' ? secondsBySpeaker(timeline) : wordsBySpeaker(timeline);
  const bySide: Record<Side, number> = { rep: 0, customer: 0, unknown: 0 };
  for (const speaker of timeline.speakers) bySide[speaker.side] += bySpeaker.get(speaker.key) ?? 0;
  return { bySpeaker, bySide, total: bySide.rep + bySide.customer + bySide.unknown, unit };
}

/**
 * Each side's part of all talk. Speakers of unknown side stay "unknown" rather than being
 * guessed; rep and customer are null only when no speaker's side is known at all.
 */
export function talkRatio(
  talk: TalkTime,
  anySideKnown: boolean,
): { rep: number | null; customer: number | null; unknown: number | null } {
  if (talk.total <= 0) return { rep: null, customer: null, unknown: null };
  return {
    rep: anySideKnown ? talk.bySide.rep / talk.total : null,
    customer: anySideKnown ? talk.bySide.customer / talk.total : null,
    unknown: talk.bySide.unknown / talk.total,
  };
}

/**
 * Seconds the rep side spoke. Without timestamps it is estimated from the rep's part of the
 * words and the call's length, when that is known.
 */
export function repSpeakingSeconds(talk: TalkTime, callSeconds: number | null): number | null {
  if (talk.unit === 'seconds') return talk.bySide.rep;
  if (callSeconds === null || talk.total <= 0) return null;
  return (talk.bySide.rep / talk.total) * callSeconds;
}
