/**
 * A meeting as the sync stores it, independent of where it came from (Fathom's API, its
 * webhook, the seed data). sync/fromFathomMeeting.ts maps Fathom's shapes to this.
 */
export type IncomingConversation = {
  externalId: string;
  title: string;
  meetingTitle: string | null;
  url: string | null;
  shareUrl: string | null;
  startedAt: Date;
  endedAt: Date | null;
  durationSeconds: number;
  recordedBy: { name: string | null; email: string | null };
  summaryMarkdown: string | null;
  language: string | null;
  actionItems: Array<{
    description: string;
    completed: boolean;
    timestampSeconds: number | null;
    assigneeEmail: string | null;
  }>;
  participants: Array<{ name: string | null; email: string | null; isExternal: boolean }>;
  segments: Array<{ speakerName: string; speakerEmail: string | null; text: string; startSeconds: number | null }>;
  /** HubSpot records Fathom itself matched (its HubSpot integration); used before our own matching. */
  crmMatches: { contactIds: number[]; dealIds: number[]; companyIds: number[] };
};
