import { repFillers } from './fillers.ts';
import { speakerSwitches } from './interactivity.ts';
import { longestRepMonologue } from './monologue.ts';
import { findNextSteps, nextStepMatchers } from './nextSteps.ts';
import { repQuestions } from './questions.ts';
import { scoreCall } from './score.ts';
import { measureTalk, repSpeakingSeconds, talkRatio } from './talkTime.ts';
import { buildTimeline, MAX_SEGMENT_TEXT, MAX_TRANSCRIPT_TEXT, type Timeline } from './timeline.ts';
import { findTopics, NEXT_STEPS_TRACKER, topicTrackers } from './topics.ts';
import type { ConversationAnalyser, ConversationAnalysis, ConversationInput, QuestionKind } from './types.ts';

/** Stored with every analysis; bump it when a rule, phrase list or weight changes. */
export const RULES_ANALYSER_VERSION = 'rules-1';

/** Moments listed per list (questions, each topic, next steps); the counts stay whole. Keeps a hostile analysis small. */
export const MAX_MOMENTS = 500;

const round = (value: number | null, digits: number) =>
  value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits;

/** The question kinds, fillers and built-in next-step phrases are English; an unknown language is read as English. */
export const isEnglish = (language: string | null | undefined) =>
  !language?.trim() || /^en(?:[-_]|glish|$)/i.test(language.trim());

function notesFor(timeline: Timeline, english: boolean, language: string | null): string[] {
  const notes: string[] = [];
  if (timeline.timing === 'none') return ['The transcript is empty, so there is nothing to analyse.'];
  if (timeline.timing === 'words') {
    notes.push(
      'Some segments have no start time, so talk ratio is measured by words and the longest monologue is not measured.',
    );
    if (timeline.callSeconds !== null)
      notes.push("The rep's speaking time for the filler rate is estimated from his share of the words.");
  }
  const unplaced = timeline.speakers.filter((speaker) => speaker.side === 'unknown');
  if (unplaced.length) {
    notes.push(
      `Not known to be on the rep's or the customer's side: ${unplaced.map((s) => s.name || 'an unnamed speaker').join(', ')}; their talk counts as unknown.`,
    );
  }
  if (!timeline.speakers.some((speaker) => speaker.side === 'rep')) {
    notes.push("No speaker is known to be on the rep's side, so the rep's metrics and the score are not computed.");
  }
  if (timeline.cappedSegments) {
    notes.push(
      `The transcript is very long: fillers, questions, topics and next steps were read from the first ${MAX_SEGMENT_TEXT.toLocaleString('en')} ` +
        `characters of each segment and ${MAX_TRANSCRIPT_TEXT.toLocaleString('en')} in all (${timeline.cappedSegments} segment(s) read in part).`,
    );
  }
  if (!english) {
    notes.push(
      `The language is "${language}": question kinds, fillers and the built-in next-step phrases are English-only and were not measured.`,
    );
  }
  return notes;
}

export function analyseConversation(input: ConversationInput): ConversationAnalysis {
  const language = input.language?.trim() || null;
  const english = isEnglish(language);
  const trackers = input.trackers ?? {};
  const timeline = buildTimeline(input);
  const repIdentified = timeline.speakers.some((speaker) => speaker.side === 'rep');

  const talk = measureTalk(timeline);
  const ratio = talkRatio(
    talk,
    timeline.speakers.some((speaker) => speaker.side !== 'unknown'),
  );
  const monologue = longestRepMonologue(timeline);
  const interactivity = speakerSwitches(timeline);
  const questions = repQuestions(timeline, english);
  const count = (kind: QuestionKind) => questions.filter((question) => question.kind === kind).length;
  const [open, closed] = [count('open'), count('closed')];

  const fillers = english ? repFillers(timeline) : null;
  const repSeconds = repSpeakingSeconds(talk, timeline.callSeconds);
  const fillersPerRepMinute = fillers && repSeconds ? fillers.total / (repSeconds / 60) : null;

  const extraNextSteps = Object.hasOwn(trackers, NEXT_STEPS_TRACKER) ? trackers[NEXT_STEPS_TRACKER] : undefined;
  const nextStepPhrases = nextStepMatchers(Array.isArray(extraNextSteps) ? extraNextSteps : [], english);
  const nextSteps = findNextSteps(timeline, nextStepPhrases);
  const nextStepsAgreed = timeline.segments.length > 0 && nextStepPhrases.length > 0 ? nextSteps.length > 0 : null;

  const { score, components } = scoreCall({
    repIdentified,
    repTalkRatio: ratio.rep,
    longestRepMonologueSeconds: monologue?.seconds ?? null,
    repQuestions: questions.length,
    openQuestionShare: open + closed ? open / (open + closed) : null,
    callSeconds: timeline.callSeconds,
    speakerSwitchesPerMinute: interactivity.perMinute,
    fillersPerRepMinute,
    nextStepsAgreed,
  });

  return {
    analyserVersion: RULES_ANALYSER_VERSION,
    score,
    scoreBreakdown: components,
    timing: timeline.timing,
    language,
    callSeconds: round(timeline.callSeconds, 1),
    speakers: timeline.speakers.map((speaker) => ({
      name: speaker.name,
      email: speaker.email,
      side: speaker.side,
      seconds: talk.unit === 'seconds' ? round(talk.bySpeaker.get(speaker.key) ?? 0, 1) : null,
      words: timeline.segments.reduce((sum, segment) => sum + (segment.speaker === speaker ? segment.words : 0), 0),
      share: talk.total > 0 ? round((talk.bySpeaker.get(speaker.key) ?? 0) / talk.total, 3) : null,
    })),
    talkRatio: { rep: round(ratio.rep, 3), customer: round(ratio.customer, 3), unknown: round(ratio.unknown, 3) },
    longestRepMonologueSeconds: round(monologue?.seconds ?? null, 1),
    longestRepMonologue: monologue
      ? { speakerName: monologue.speakerName, startSeconds: monologue.startSeconds, segment: monologue.segment }
      : null,
    interactivity: { speakerSwitches: interactivity.speakerSwitches, perMinute: round(interactivity.perMinute, 2) },
    questions: {
      total: questions.length,
      open,
      closed,
      unknown: questions.length - open - closed,
      moments: questions.slice(0, MAX_MOMENTS),
    },
    fillers: {
      total: fillers?.total ?? null,
      perRepMinute: round(fillersPerRepMinute, 2),
      byWord: fillers?.byWord ?? {},
    },
    nextSteps: { agreed: nextStepsAgreed, moments: nextSteps.slice(0, MAX_MOMENTS) },
    topics: findTopics(timeline, topicTrackers(trackers)).map((topic) => ({
      ...topic,
      moments: topic.moments.slice(0, MAX_MOMENTS),
    })),
    notes: notesFor(timeline, english, language),
  };
}

export const ruleBasedAnalyser: ConversationAnalyser = {
  version: RULES_ANALYSER_VERSION,
  analyse: analyseConversation,
};
