import type { SegmentInput } from '../../../../backend/src/coaching/analysis/types.ts';

// Hand-built transcripts: a rep (Rita), a second rep (Ron), a customer (Carl) and a dial-in
// nobody could match to an invitee.
export const RITA = { speakerName: 'Rita Rep', speakerEmail: 'rita@seller.example.com', isExternal: false };
export const RON = { speakerName: 'Ron Rep', speakerEmail: 'ron@seller.example.com', isExternal: false };
export const CARL = { speakerName: 'Carl Customer', speakerEmail: 'carl@buyer.example.com', isExternal: true };
export const DIAL_IN = { speakerName: 'Dial-in 1', speakerEmail: null, isExternal: null };

type Speaker = Pick<SegmentInput, 'speakerName' | 'speakerEmail' | 'isExternal'>;

/** A segment that starts at `start` and, like Fathom's items, has no end of its own unless given. */
export function say(speaker: Speaker, start: number | null, text: string, end: number | null = null): SegmentInput {
  return { ...speaker, text, startSeconds: start, endSeconds: end };
}
