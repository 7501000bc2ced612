import type { AiReview } from '../../../../hubspot-app/app/packages/ui-shared/types.ts';
import type { PastCoaching } from '../suggestions.ts';
import { QUALIFICATION_ELEMENTS, type ModelAnswer } from './modelAnswer.ts';
import { pastLabel } from './prompt.ts';
import { quoteFinder, type FoundQuote, type ReviewLine } from './quotes.ts';

/** The review as stored (call_reviews.review): AiReview without what the answer adds (model, time, links). */
export type StoredQuote = FoundQuote;
export type StoredReview = {
  qualification: Array<{
    element: (typeof QUALIFICATION_ELEMENTS)[number];
    status: 'covered' | 'partly' | 'missing';
    evidence: StoredQuote[];
  }>;
  objections: Array<{ objection: string; handling: string; handledWell: boolean; quote: StoredQuote }>;
  risks: Array<{ risk: string; quote: StoredQuote }>;
  coachingPoints: Array<Omit<AiReview['coachingPoints'][number], 'quote'> & { quote: StoredQuote }>;
  droppedQuotes: number;
  transcriptCut: boolean;
};

const MAX_POINTS = 3;
const MAX_ITEMS = 8;
const MAX_EVIDENCE = 3;
const clip = (text: string, max = 500) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/**
 * Keeps of the model's answer only what the transcript bears out: every quote is looked up in the
 * lines that were sent (quoteFinder); evidence not found is dropped, and so is an objection, risk
 * or coaching point whose quote is not found. The second of each quote is the transcript's.
 * Counts and lengths are capped (three coaching points); echoes point at real past coaching.
 */
export function groundedReview(
  answer: ModelAnswer,
  lines: readonly ReviewLine[],
  pastCoaching: readonly PastCoaching[],
  transcriptCut: boolean,
): StoredReview {
  const find = quoteFinder(lines);
  let dropped = 0;
  const found = (item: { quote: string; seconds: number | null }) => {
    const quote = find(item.quote, item.seconds);
    if (!quote) dropped += 1;
    return quote ? { text: clip(quote.text, 400), seconds: quote.seconds } : null;
  };
  const grounded = <T, R>(items: readonly T[], max: number, build: (item: T) => R | null): R[] => {
    const out: R[] = [];
    for (const item of items) {
      const built = build(item);
      if (built && out.length < max) out.push(built);
    }
    return out;
  };
  const pastByLabel = new Map(pastCoaching.map((message, index) => [pastLabel(index), message]));
  return {
    qualification: QUALIFICATION_ELEMENTS.map((element) => {
      const said = answer.qualification[element];
      return {
        element,
        status: said.status,
        evidence: grounded(said.evidence, MAX_EVIDENCE, found),
      };
    }),
    objections: grounded(answer.objections, MAX_ITEMS, (item) => {
      const quote = found(item);
      return quote
        ? { objection: clip(item.objection), handling: clip(item.handling), handledWell: item.handledWell, quote }
        : null;
    }),
    risks: grounded(answer.risks, MAX_ITEMS, (item) => {
      const quote = found(item);
      return quote ? { risk: clip(item.risk), quote } : null;
    }),
    coachingPoints: grounded(answer.coachingPoints, MAX_POINTS, (item) => {
      const quote = found(item);
      if (!quote) return null;
      const past = item.echoesPastCoaching ? pastByLabel.get(item.echoesPastCoaching.trim().toUpperCase()) : undefined;
      return {
        title: clip(item.title, 120),
        advice: clip(item.advice, 1000),
        category: item.category,
        quote,
        echoes: past ? { messageId: past.id, body: clip(past.body, 300) } : null,
      };
    }),
    droppedQuotes: dropped,
    transcriptCut,
  };
}
