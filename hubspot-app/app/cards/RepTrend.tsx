import { useState } from 'react';
import { Flex, Heading, LineChart, Select, Text } from '@hubspot/ui-extensions';
import {
  scoreChartPoints,
  useRequest,
  type Api,
  type CoachingList,
  type TeamOverview,
  type Trend,
} from '@fathom-hubspot/ui-shared';

/** A rep's call scores over time: his own for a rep; for a coach, the rep he picks (his reps, or all for an admin). */
export function RepTrend({
  api,
  viewer,
  firstRep,
}: {
  api: Api;
  viewer: CoachingList['viewer'];
  firstRep: string | undefined;
}) {
  const coach = viewer.role !== 'rep';
  const [team] = useRequest(
    () => (coach ? api.get<TeamOverview>('/api/home/team') : Promise.resolve(null)),
    coach ? 'team' : 'self',
  );
  const [picked, setPicked] = useState<string | undefined>();
  const reps = team.status === 'ready' && team.data ? team.data.items : [];
  const repUserId = coach ? (picked ?? firstRep ?? reps[0]?.id) : viewer.userId;
  const [trend] = useRequest(
    () =>
      repUserId ? api.get<Trend>(`/api/cards/coaching/trend?repUserId=${repUserId}`) : Promise.resolve({ points: [] }),
    repUserId ?? '',
  );
  const rep = reps.find((r) => r.id === repUserId);
  const title = coach ? `Call scores of ${rep?.name ?? rep?.email ?? 'the rep'}` : 'Your call scores';
  const data = trend.status === 'ready' ? scoreChartPoints(trend.data.points) : [];
  return (
    <Flex direction="column" gap="xs">
      <Heading>{title}</Heading>
      {coach && reps.length > 1 ? (
        <Select
          label="Rep"
          name="rep"
          value={repUserId}
          options={reps.map((r) => ({ label: r.name ?? r.email, value: r.id }))}
          onChange={(value) => setPicked(String(value))}
        />
      ) : null}
      {data.length >= 2 ? (
        // A datetime axis: two calls on one day are two points, each at its time.
        <LineChart
          data={data}
          axes={{
            x: { field: 'startedAt', fieldType: 'datetime', label: 'Call date' },
            y: { field: 'score', fieldType: 'linear', label: 'Call score' },
          }}
          options={{ title }}
        />
      ) : (
        <Text>Not enough scored calls yet for a trend.</Text>
      )}
    </Flex>
  );
}
