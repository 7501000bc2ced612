import type { AnalyseFn } from '../../sync/storeConversation.ts';
import type { IncomingConversation } from '../../sync/incoming.ts';
import { speakerSides } from '../../sync/speakerSides.ts';
import type { ConversationAnalyser, ConversationInput, TrackerLists } from './types.ts';

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
