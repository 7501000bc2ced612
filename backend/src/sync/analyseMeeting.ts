import { readTrackers } from '../coaching/trackerSettings.ts';
import { ruleBasedAnalyser } from '../coaching/analysis/ruleBasedAnalyser.ts';
import type { ConversationAnalyser, ConversationInput, TrackerLists } from '../coaching/analysis/types.ts';
import type { Database } from '../db/database.ts';
import { withTenant } from '../db/tenancy.ts';
import type { IncomingConversation } from './incoming.ts';
import { speakerSides } from './speakerSides.ts';
import type { AnalyseFn } from './storeMeetings.ts';

/** The analyser's input from a meeting as the sync receives it; sides as the stored transcript has them. */
export function inputFromIncoming(conversation: IncomingConversation, trackers?: TrackerLists): ConversationInput {
  const sideOf = speakerSides(conversation);
  return {
    durationSeconds: conversation.durationSeconds,
    language: conversation.language,
    segments: conversation.segments.map((segment) => ({
      speakerName: segment.speakerName,
      speakerEmail: segment.speakerEmail,
      isExternal: sideOf(segment),
      text: segment.text,
      startSeconds: segment.startSeconds,
      endSeconds: null,
    })),
    ...(trackers ? { trackers } : {}),
  };
}

/** What the sync calls to analyse a meeting it stores: the analysis is stored whole as the metrics. */
export function analyseFnFor(analyser: ConversationAnalyser, trackers?: TrackerLists): AnalyseFn {
  return (conversation) => {
    const analysis = analyser.analyse(inputFromIncoming(conversation, trackers));
    return { version: analyser.version, score: analysis.score, metrics: analysis };
  };
}

/** The account's analyser: the rule-based one, with the tracker phrases its admins added. */
export async function analyseForAccount(db: Database, accountId: string): Promise<AnalyseFn> {
  return analyseFnFor(ruleBasedAnalyser, await withTenant(db, { accountId }, readTrackers));
}
