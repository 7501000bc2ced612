import { describe, expect, test } from '@jest/globals';
import { analyseFnFor, inputFromIncoming } from '../../../backend/src/sync/analyseMeeting.ts';
import { ruleBasedAnalyser } from '../../../backend/src/coaching/analysis/ruleBasedAnalyser.ts';
import { trendMetrics } from '../../../backend/src/coaching/trendMetrics.ts';
import { labelledMoments } from '../../../backend/src/conversations/getConversation.ts';
import type { IncomingConversation } from '../../../backend/src/sync/incoming.ts';

const meeting: IncomingConversation = {
  externalId: 'rec-1',
  title: 'Acme / Discovery',
  meetingTitle: null,
  url: null,
  shareUrl: null,
  startedAt: new Date('2026-11-20T10:00:00Z'),
  endedAt: null,
  durationSeconds: 120,
  recordedBy: { name: 'Rita Rep', email: 'rita@seller.example.com' },
  summaryMarkdown: null,
  language: 'en',
  actionItems: [],
  participants: [
    { name: 'Rita Rep', email: 'Rita@Seller.example.com', isExternal: false },
    { name: 'Carl Customer', email: 'carl@buyer.example.com', isExternal: true },
  ],
  segments: [
    { speakerName: 'Rita Rep', speakerEmail: 'rita@seller.example.com', text: 'What is your budget?', startSeconds: 0 },
    { speakerName: 'Carl Customer', speakerEmail: null, text: 'The price must stay low.', startSeconds: 30 },
    { speakerName: 'Someone', speakerEmail: null, text: 'Hello?', startSeconds: 90 },
  ],
  crmMatches: { contactIds: [], dealIds: [], companyIds: [] },
};

describe('analysing a meeting from the sync', () => {
  test("takes each speaker's side from the invitees, by email and else by name", () => {
    expect(inputFromIncoming(meeting).segments.map((s) => s.isExternal)).toEqual([false, true, null]);
  });

  test('stores the whole analysis as metrics, in the shape the trend chart and the excerpt read', () => {
    const stored = analyseFnFor(ruleBasedAnalyser)(meeting);
    expect(stored.version).toBe('rules-1');
    expect(stored.score).toBe(stored.metrics.score);
    // Rita 0–30, Carl 30–90, Someone 90–120: ratio 30 / 120 = 0.25; one question; a 30 s monologue.
    expect(trendMetrics(stored.metrics)).toEqual({ repTalkRatio: 0.25, questions: 1, longestMonologueSeconds: 30 });
    // "budget" at 0 s and "price" at 30 s are pricing moments.
    expect(labelledMoments(stored.metrics, null).filter((m) => m.label === 'Pricing')).toEqual([
      { seconds: 0, label: 'Pricing', playbackUrl: null },
      { seconds: 30, label: 'Pricing', playbackUrl: null },
    ]);
  });
});
