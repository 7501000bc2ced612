import { useState } from 'react';
import { Alert, Button, Flex, Heading, LineChart, Link, Select, StatusTag, Text, Tile } from '@hubspot/ui-extensions';
import {
  CoachingForm,
  Empty,
  Failure,
  Loading,
  categoryLabel,
  formatClock,
  scoreChartData,
  useAction,
  useRequest,
  type Api,
  type CoachingList,
  type CoachingMessage,
  type CoachingStatus as Status,
  type Locale,
  type TeamOverview,
  type Trend,
} from '@fathom-hubspot/ui-shared';

export type { CoachingMessage };
type Calls = { items: Array<{ id: string; title: string }> };

const STATUS_VARIANT: Record<Status, 'default' | 'info' | 'success' | 'warning'> = {
  draft: 'default',
  sent: 'info',
  acknowledged: 'success',
  dismissed: 'warning',
};
const OUTCOMES = [
  ['applied', 'Applied'],
  ['not_yet', 'Not yet'],
  ['not_applicable', 'Not applicable'],
] as const;

/** Coaching on this record's calls; what shows and which buttons depend on the viewer's role. */
export function CoachingView({
  api,
  objectType,
  objectId,
  locale = {},
}: {
  api: Api;
  objectType: 'contacts' | 'deals';
  objectId: number;
  locale?: Locale;
}) {
  const query = `objectType=${objectType}&objectId=${objectId}`;
  const [state, reload] = useRequest(() => api.get<CoachingList>(`/api/cards/coaching?${query}`), query);
  const [calls] = useRequest(() => api.get<Calls>(`/api/cards/conversations?${query}&limit=20`), query);
  const { busy, problem, run } = useAction();

  if (state.status === 'loading') return <Loading label="Loading coaching…" />;
  if (state.status === 'error') return <Failure error={state.error} onRetry={reload} />;
  const { items, viewer } = state.data;
  const coach = viewer.role !== 'rep';
  const act = (path: string, body?: Record<string, unknown>) => run(() => api.post(path, body), reload);

  return (
    <Flex direction="column" gap="sm">
      {problem ? (
        <Alert title="That did not work" variant="error">
          {problem}
        </Alert>
      ) : null}
      {items.length === 0 ? (
        <Empty title="No coaching yet">
          {coach
            ? 'No coaching on the calls of this record yet. Write the first message below.'
            : 'No coaching for you on these calls yet.'}
        </Empty>
      ) : (
        items.map((message) => <MessageTile key={message.id} message={message} viewer={viewer} busy={busy} act={act} />)
      )}
      {coach && calls.status === 'ready' && calls.data.items.length ? (
        <CoachingForm api={api} calls={calls.data.items} onSaved={reload} />
      ) : null}
      <RepTrend api={api} viewer={viewer} firstRep={items[0]?.repUserId} locale={locale} />
    </Flex>
  );
}

function MessageTile(props: {
  message: CoachingMessage;
  viewer: CoachingList['viewer'];
  busy: boolean;
  act: (path: string, body?: Record<string, unknown>) => Promise<void>;
}) {
  const { message, viewer, busy, act } = props;
  const coach = viewer.role !== 'rep';
  const path = `/api/cards/coaching/${message.id}`;
  const author = message.authorUserId === viewer.userId;
  return (
    <Tile>
      <Flex direction="column" gap="xs">
        <Flex direction="row" gap="sm" align="center">
          <StatusTag variant={STATUS_VARIANT[message.status]}>{message.status}</StatusTag>
          <Heading>{`${categoryLabel(message.category)} · ${message.conversationTitle}`}</Heading>
        </Flex>
        <Text>{message.body}</Text>
        <Flex direction="row" gap="xs">
          <Text>{`For ${message.repEmail}`}</Text>
          {message.momentSeconds !== null && message.momentPlaybackUrl ? (
            <Link
              href={{ url: message.momentPlaybackUrl, external: true }}
            >{`at ${formatClock(message.momentSeconds)}`}</Link>
          ) : null}
          {message.momentSeconds !== null && !message.momentPlaybackUrl ? (
            <Text>{`at ${formatClock(message.momentSeconds)}`}</Text>
          ) : null}
        </Flex>
        {message.outcome ? (
          <Text>{`Outcome: ${categoryLabel(message.outcome.result)}${measuredText(message.outcome.measured)}`}</Text>
        ) : null}
        <Flex direction="row" gap="xs" wrap="wrap">
          {coach && message.status === 'draft' ? (
            <Button variant="primary" disabled={busy} onClick={() => void act(`${path}/send`)}>
              Send
            </Button>
          ) : null}
          {coach && message.status === 'sent' && author ? (
            <Button disabled={busy} onClick={() => void act(`${path}/retract`)}>
              Retract
            </Button>
          ) : null}
          {coach && message.status === 'sent' ? (
            <Button disabled={busy} onClick={() => void act(`${path}/dismiss`)}>
              Dismiss
            </Button>
          ) : null}
          {coach && message.status !== 'draft' && !message.outcome
            ? OUTCOMES.map(([result, label]) => (
                <Button key={result} disabled={busy} onClick={() => void act(`${path}/outcome`, { result })}>
                  {`Outcome: ${label}`}
                </Button>
              ))
            : null}
          {message.status === 'sent' && message.repUserId === viewer.userId ? (
            <Button variant="primary" disabled={busy} onClick={() => void act(`${path}/acknowledge`)}>
              Acknowledge
            </Button>
          ) : null}
        </Flex>
      </Flex>
    </Tile>
  );
}

function measuredText(
  measured: { metricName: string | null; before: number | null; after: number | null } | undefined,
) {
  if (!measured?.metricName || measured.before === null || measured.after === null) return '';
  return ` · ${measured.metricName}: ${measured.before} before → ${measured.after} after`;
}

/** A rep's call scores over time: his own for a rep; for a coach, the rep he picks (his reps, or all for an admin). */
function RepTrend({
  api,
  viewer,
  firstRep,
  locale,
}: {
  api: Api;
  viewer: CoachingList['viewer'];
  firstRep: string | undefined;
  locale: Locale;
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
  const repName = reps.find((rep) => rep.id === repUserId);
  const data = trend.status === 'ready' ? scoreChartData(trend.data.points, locale) : [];
  return (
    <Flex direction="column" gap="xs">
      <Heading>{coach ? `Call scores of ${repName?.name ?? repName?.email ?? 'the rep'}` : 'Your call scores'}</Heading>
      {coach && reps.length > 1 ? (
        <Select
          label="Rep"
          name="rep"
          value={repUserId}
          options={reps.map((rep) => ({ label: rep.name ?? rep.email, value: rep.id }))}
          onChange={(value) => setPicked(String(value))}
        />
      ) : null}
      {data.length >= 2 ? (
        <LineChart
          data={data}
          axes={{
            x: { field: 'date', fieldType: 'category', label: 'Call' },
            y: { field: 'score', fieldType: 'linear', label: 'Call score' },
          }}
        />
      ) : (
        <Text>Not enough scored calls yet for a trend.</Text>
      )}
    </Flex>
  );
}
