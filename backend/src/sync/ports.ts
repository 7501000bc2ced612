import type { IncomingConversation } from './incoming.ts';
import type { CrmObjectType } from '../../../hubspot-app/app/packages/ui-shared/crmObjectTypes.ts';

/** One page of meetings from the meeting provider, and where the next one starts. */
export type MeetingPage = { meetings: IncomingConversation[]; nextCursor: string | null };

/** Where meetings come from (Fathom's API); the sync knows nothing else about the provider. */
export interface MeetingSource {
  /** Newest first; `createdAfter` bounds the history; `cursor` continues a previous page. */
  listPage(options: { cursor: string | null; createdAfter: Date | null }): Promise<MeetingPage>;
}

/** When a deal was created and closed (ms since the epoch; null: still open). */
export type DealFacts = { createdAt: number; closedAt: number | null };

export type CrmLink = {
  objectType: CrmObjectType;
  objectId: number;
  source: 'email' | 'association';
  /**
   * A deal link: that deal's facts; a company reached through a deal: that deal's facts. Such a
   * link holds for a call only when the deal fits the call's time (sync/dealWindow.ts).
   */
  deal?: DealFacts;
};

/** Finds the HubSpot records of external participants, by email, in batches. */
export interface RecordLinker {
  /** For each email (lower case) the records it may belong to: its contact, that contact's deals and its companies. */
  linksForEmails(emails: string[]): Promise<Map<string, CrmLink[]>>;
}

/** Something went wrong and was retried (the sync still finished); counted in the sync log. */
export type SyncIncident = { message: string };
