import type { Timeline } from './timeline.ts';

/** How often the floor changes hands: speaker changes between consecutive segments, per minute of call. */
export function speakerSwitches(timeline: Timeline): { speakerSwitches: number; perMinute: number | null } {
  let switches = 0;
  timeline.segments.forEach((segment, i) => {
    const previous = timeline.segments[i - 1];
    if (previous && previous.speaker.key !== segment.speaker.key) switches += 1;
  });
  return { speakerSwitches: switches, perMinute: timeline.callSeconds ? switches / (timeline.callSeconds / 60) : null };
}
