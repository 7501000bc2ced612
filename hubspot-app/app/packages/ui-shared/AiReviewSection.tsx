import { Flex, Heading, Link, Tag, Text } from '@hubspot/ui-extensions';
import { formatClock } from './format';
import type { AiQuote, AiReview, QualificationElement } from './types';

const ELEMENT_LABELS: Record<QualificationElement, string> = {
  metrics: 'Metrics',
  economicBuyer: 'Economic buyer',
  decisionCriteria: 'Decision criteria',
  decisionProcess: 'Decision process',
  identifiedPain: 'Identified pain',
  champion: 'Champion',
  competition: 'Competition',
};
const STATUS_VARIANTS = { covered: 'success', partly: 'warning', missing: 'error' } as const;

/** A quote of the call, linked to the recording at its second when there is a recording. */
function Quote({ quote }: { quote: AiQuote }) {
  const text = `“${quote.text}”`;
  if (quote.seconds === null) return <Text format={{ italic: true }}>{text}</Text>;
  return (
    <Text format={{ italic: true }}>
      {quote.playbackUrl ? (
        <Link href={{ url: quote.playbackUrl, external: true }}>{formatClock(quote.seconds)}</Link>
      ) : (
        formatClock(quote.seconds)
      )}
      {` ${text}`}
    </Text>
  );
}

/**
 * The AI review of a call (shown only when there is one): qualification (MEDDICC) with the words
 * that show it, objections and how they were handled, risks, and up to three coaching points,
 * each marked when it repeats past coaching of the team that worked.
 */
export function AiReviewSection({ review }: { review: AiReview }) {
  return (
    <Flex direction="column" gap="xs">
      <Heading>AI review</Heading>
      <Text variant="microcopy">
        {`By ${review.model}. Every quote below was checked word for word against the transcript.`}
        {review.transcriptCut ? ' The call was long: the model read its key moments, its opening and its close.' : ''}
      </Text>
      {review.coachingPoints.length ? <Text format={{ fontWeight: 'demibold' }}>What to coach</Text> : null}
      {review.coachingPoints.map((point, index) => (
        <Flex key={`point-${index}`} direction="column" gap="flush">
          <Text format={{ fontWeight: 'demibold' }}>{`${index + 1}. ${point.title}`}</Text>
          <Text>{point.advice}</Text>
          <Quote quote={point.quote} />
          {point.echoes ? <Tag variant="success">{`Like past coaching that worked: ${point.echoes.body}`}</Tag> : null}
        </Flex>
      ))}
      <Text format={{ fontWeight: 'demibold' }}>Qualification (MEDDICC)</Text>
      {review.qualification.map((item) => (
        <Flex key={item.element} direction="column" gap="flush">
          <Flex direction="row" gap="xs" align="center">
            <Text>{ELEMENT_LABELS[item.element]}</Text>
            <Tag variant={STATUS_VARIANTS[item.status]}>{item.status}</Tag>
          </Flex>
          {item.evidence.map((quote, index) => (
            <Quote key={index} quote={quote} />
          ))}
        </Flex>
      ))}
      {review.objections.length ? <Text format={{ fontWeight: 'demibold' }}>Objections</Text> : null}
      {review.objections.map((item, index) => (
        <Flex key={`objection-${index}`} direction="column" gap="flush">
          <Text>{`${item.objection} — ${item.handledWell ? 'handled well' : 'not handled well'}: ${item.handling}`}</Text>
          <Quote quote={item.quote} />
        </Flex>
      ))}
      {review.risks.length ? <Text format={{ fontWeight: 'demibold' }}>Risks to the deal</Text> : null}
      {review.risks.map((item, index) => (
        <Flex key={`risk-${index}`} direction="column" gap="flush">
          <Text>{item.risk}</Text>
          <Quote quote={item.quote} />
        </Flex>
      ))}
    </Flex>
  );
}
