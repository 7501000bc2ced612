import { Flex, Heading, LineChart, Text } from '@hubspot/ui-extensions';
import {
  Empty,
  scoreChartPoints,
  useRequest,
  type CoachingList,
  type RepOverview,
  type Trend,
} from '@fathom-hubspot/ui-shared';
import { usePagesEnv } from './pagesEnv';
import { ReceivedCoaching, type Received } from './ReceivedCoaching';
import { trendOf } from './scoreChange';

/**
 * A rep's own page: his numbers and his call scores over the period picked (the chart follows
 * the period as the numbers do), and the coaching sent to him.
 */
export function RepHome(props: {
  me: RepOverview | undefined;
  userId: string;
  picker: JSX.Element;
  period: { from: string; to: string };
}) {
  const { api } = usePagesEnv();
  const { me, userId, period } = props;
  const trendPath =
    `/api/cards/coaching/trend?repUserId=${userId}&limit=50` +
    `&from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}`;
  const [trend] = useRequest(() => api.get<Trend>(trendPath), trendPath);
  const [coaching, reloadCoaching] = useRequest(
    () => api.get<Pick<CoachingList, 'items'>>('/api/home/coaching'),
    'coaching',
  );
  const points = trend.status === 'ready' ? scoreChartPoints(trend.data.points) : [];
  return (
    <Flex direction="column" gap="md">
      {props.picker}
      {me ? (
        <Text>{`${me.calls} calls · average score ${me.averageScore ?? '—'}${trendOf(me)} · coaching received ${me.coaching.sent}, acknowledged ${me.coaching.acknowledged}, applied ${me.coaching.applied}`}</Text>
      ) : null}
      <Heading>Your call scores</Heading>
      {points.length >= 2 ? (
        // A datetime axis: two calls on one day are two points, each at its time.
        <LineChart
          data={points}
          axes={{
            x: { field: 'startedAt', fieldType: 'datetime', label: 'Call date' },
            y: { field: 'score', fieldType: 'linear', label: 'Call score' },
          }}
          options={{ title: 'Score of each call in the period' }}
        />
      ) : (
        <Text>Not enough scored calls in this period for a trend.</Text>
      )}
      <Heading>Coaching you received</Heading>
      {coaching.status === 'error' ? <Text>{coaching.error.message}</Text> : null}
      {coaching.status === 'ready' && coaching.data.items.length === 0 ? (
        <Empty title="No coaching yet">No coaching sent to you yet.</Empty>
      ) : null}
      {coaching.status === 'ready'
        ? coaching.data.items.map((message) => (
            <ReceivedCoaching key={message.id} message={message as Received} onChanged={reloadCoaching} />
          ))
        : null}
    </Flex>
  );
}
