import { useState, type ReactNode } from 'react';
import {
  DescriptionList,
  DescriptionListItem,
  Divider,
  Flex,
  Heading,
  Link,
  Panel,
  PanelBody,
  PanelSection,
  Tag,
  Text,
} from '@hubspot/ui-extensions';
import { AiReviewSection } from './AiReviewSection';
import type { Api } from './api';
import { formatClock, formatDateTime, minutes, type Locale } from './format';
import { topicLabel } from './labels';
import { Markdown } from './Markdown';
import { ScoreExplained } from './ScoreExplained';
import { Failure, Loading } from './States';
import type { ConversationDetail } from './types';
import { useRequest } from './useRequest';

/** A call in HubSpot's side panel; its details load when the panel first opens, not with the list. */
export function CallPanel(props: { api: Api; id: string; title: string; locale: Locale; children?: ReactNode }) {
  const { api, id, title, locale, children } = props;
  const [opened, setOpened] = useState(false);
  return (
    <Panel id={`call-${id}`} title={title} width="lg" onOpen={() => setOpened(true)}>
      <PanelBody>
        <PanelSection>
          {opened ? <CallDetail api={api} id={id} locale={locale} /> : <Loading label="Loading the call…" />}
        </PanelSection>
        {opened && children ? <PanelSection>{children}</PanelSection> : null}
      </PanelBody>
    </Panel>
  );
}

/** A call's details (the panel's content; the app pages' Call page shows it whole). */
export function CallDetail({ api, id, locale }: { api: Api; id: string; locale: Locale }) {
  const path = `/api/cards/conversations/${id}`;
  const [state, reload] = useRequest(() => api.get<ConversationDetail>(path), path);
  if (state.status === 'loading') return <Loading label="Loading the call…" />;
  if (state.status === 'error') return <Failure error={state.error} onRetry={reload} />;
  const call = state.data;
  const metrics = call.analysis?.metrics;
  const talk = metrics?.talkRatio?.rep;
  const topics = (metrics?.topics ?? []).filter((topic) => topic.count > 0);
  const agreed = metrics?.nextSteps?.agreed;
  const people = (call.participants ?? []).map((p) => p.name ?? p.email).filter(Boolean);
  return (
    <Flex direction="column" gap="sm">
      <Text>
        {[
          formatDateTime(call.startedAt, locale),
          call.durationSeconds ? minutes(call.durationSeconds) : null,
          people.join(', ') || null,
        ]
          .filter(Boolean)
          .join(' · ')}
      </Text>
      {call.url ? <Link href={{ url: call.url, external: true }}>Watch the recording in Fathom</Link> : null}
      <Heading>Summary</Heading>
      {call.summaryMarkdown ? (
        <Markdown text={call.summaryMarkdown} />
      ) : (
        <Text>No summary from Fathom for this call.</Text>
      )}
      <Divider />
      <DescriptionList direction="row">
        <DescriptionListItem label="Score">{call.analysis?.score ?? '—'}</DescriptionListItem>
        <DescriptionListItem label="Rep talk ratio">
          {typeof talk === 'number' ? `${Math.round(talk * 100)}%` : '—'}
        </DescriptionListItem>
        <DescriptionListItem label="Questions">{metrics?.questions?.total ?? '—'}</DescriptionListItem>
        <DescriptionListItem label="Next step agreed">
          {agreed === true ? 'Yes' : agreed === false ? 'No' : '—'}
        </DescriptionListItem>
      </DescriptionList>
      {topics.length ? (
        <Flex direction="row" gap="xs" wrap="wrap">
          {topics.map((topic) => (
            <Tag key={topic.name}>{`${topicLabel(topic.name)} ×${topic.count}`}</Tag>
          ))}
        </Flex>
      ) : null}
      {metrics?.scoreBreakdown?.length ? (
        <>
          <Heading>Why this score</Heading>
          <ScoreExplained breakdown={metrics.scoreBreakdown} />
        </>
      ) : null}
      <Heading>Action items</Heading>
      {call.actionItems.length === 0 ? <Text>No action items.</Text> : null}
      {call.actionItems.map((item, index) => (
        <Flex key={index} direction="row" gap="xs">
          <Text>{`${item.completed ? '✓' : '○'} ${item.description}`}</Text>
          {item.playbackUrl && typeof item.timestampSeconds === 'number' ? (
            <Link href={{ url: item.playbackUrl, external: true }}>{`at ${formatClock(item.timestampSeconds)}`}</Link>
          ) : null}
        </Flex>
      ))}
      {call.keyMoments?.length ? (
        <>
          <Heading>Key moments</Heading>
          {call.keyMoments.map((moment) =>
            moment.playbackUrl ? (
              <Link key={moment.seconds} href={{ url: moment.playbackUrl, external: true }}>
                {`${formatClock(moment.seconds)} ${moment.label}`}
              </Link>
            ) : (
              <Text key={moment.seconds}>{`${formatClock(moment.seconds)} ${moment.label}`}</Text>
            ),
          )}
        </>
      ) : null}
      {call.aiReview ? <AiReviewSection review={call.aiReview} /> : null}
      {call.transcriptExcerpt.length ? <Heading>From the transcript</Heading> : null}
      {call.transcriptExcerpt.map((line) => (
        <Text key={line.position}>
          {line.startSeconds !== null && line.playbackUrl ? (
            <Link href={{ url: line.playbackUrl, external: true }}>{formatClock(line.startSeconds)}</Link>
          ) : null}
          {`${line.startSeconds !== null && !line.playbackUrl ? `${formatClock(line.startSeconds)} ` : ' '}${line.speaker}: ${line.text}`}
        </Text>
      ))}
    </Flex>
  );
}
