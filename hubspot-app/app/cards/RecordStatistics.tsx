import { Statistics, StatisticsItem, StatisticsTrend, Text } from '@hubspot/ui-extensions';
import {
  formatDate,
  plural,
  topicLabel,
  useRequest,
  type Api,
  type Locale,
  type RecordSummary,
} from '@fathom-hubspot/ui-shared';

/** What a deal's or company's calls add up to; quiet while it loads or when it fails (the list says why). */
export function RecordStatistics(props: {
  api: Api;
  objectType: 'deals' | 'companies';
  objectId: number;
  locale: Locale;
}) {
  const path = `/api/cards/summary?objectType=${props.objectType}&objectId=${props.objectId}`;
  const [state] = useRequest(() => props.api.get<RecordSummary>(path), path);
  if (state.status !== 'ready' || state.data.calls === 0) return null;
  const summary = state.data;
  return (
    <>
      <Statistics>
        <StatisticsItem label="Calls" number={summary.calls} />
        <StatisticsItem
          label="Last call"
          number={summary.lastCallAt ? formatDate(summary.lastCallAt, props.locale) : '—'}
        />
        <StatisticsItem label="Average score" number={summary.averageScore ?? '—'}>
          {summary.scoreDirection === 'up' ? (
            <StatisticsTrend direction="increase" value="rising over the last calls" />
          ) : null}
          {summary.scoreDirection === 'down' ? (
            <StatisticsTrend direction="decrease" value="falling over the last calls" />
          ) : null}
        </StatisticsItem>
        <StatisticsItem label="Open action items" number={summary.openActionItems} />
      </Statistics>
      {summary.topics.length ? (
        <Text>{`Topics raised: ${summary.topics.map((topic) => `${topicLabel(topic.name)} (${plural(topic.calls, 'call')})`).join(', ')}`}</Text>
      ) : null}
    </>
  );
}
