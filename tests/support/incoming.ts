import type { IncomingConversation } from '../../backend/src/sync/incoming.ts';

/** A realistic meeting in the sync's own shape; override what a test cares about. */
export function incomingConversation(overrides: Partial<IncomingConversation> = {}): IncomingConversation {
  return {
    externalId: 'rec-1',
    title: 'Acme / Discovery',
    meetingTitle: 'Acme discovery call',
    url: 'https://fathom.video/calls/1',
    shareUrl: 'https://fathom.video/share/abc',
    startedAt: new Date('2026-11-02T15:00:00Z'),
    endedAt: new Date('2026-11-02T15:30:00Z'),
    durationSeconds: 1800,
    recordedBy: { name: 'Rita Rep', email: 'Rita@seller.example.com' },
    summaryMarkdown: '## Summary\nAcme wants to cut onboarding time.',
    language: 'en',
    actionItems: [
      {
        description: 'Send pricing',
        completed: false,
        timestampSeconds: 1500,
        assigneeEmail: 'rita@seller.example.com',
      },
    ],
    participants: [
      { name: 'Rita Rep', email: 'rita@seller.example.com', isExternal: false },
      { name: 'Bob Buyer', email: 'bob@acme.example.com', isExternal: true },
      { name: 'Dial-in guest', email: null, isExternal: true },
    ],
    segments: [
      {
        speakerName: 'Rita Rep',
        speakerEmail: 'rita@seller.example.com',
        text: 'Thanks for joining. What prompted the call?',
        startSeconds: 0,
      },
      { speakerName: 'Bob Buyer', speakerEmail: null, text: 'Onboarding takes us three weeks.', startSeconds: 6 },
      {
        speakerName: 'Rita Rep',
        speakerEmail: 'rita@seller.example.com',
        text: 'How do you measure that today?',
        startSeconds: 14,
      },
    ],
    crmMatches: { contactIds: [9001], dealIds: [7001], companyIds: [] },
    ...overrides,
  };
}
