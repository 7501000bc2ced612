import { useMemo, useState } from 'react';
import {
  Alert,
  Button,
  Flex,
  Heading,
  LineChart,
  ScoreCircle,
  Select,
  StatusTag,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
  Tile,
} from '@hubspot/ui-extensions';
import {
  ApiError,
  CallPanel,
  CoachingForm,
  Empty,
  Failure,
  Loading,
  categoryLabel,
  formatDate,
  minutes,
  scoreChartData,
  useRequest,
  type Api,
  type CoachingList,
  type CoachingQueue,
  type Locale,
  type RepOverview,
  type TeamOverview,
  type Trend,
} from '@fathom-hubspot/ui-shared';

const PERIODS = [
  { label: 'Last 7 days', value: 7 },
  { label: 'Last 30 days', value: 30 },
  { label: 'Last 90 days', value: 90 },
];
const DAY_MS = 86_400_000;
const ALL = 'all';

type MoreReps = {
  path: string;
  items: RepOverview[];
  nextCursor: string | null;
  loading: boolean;
  error: ApiError | null;
};

const trendOf = (rep: RepOverview) => {
  if (rep.averageScore === null || rep.previousAverageScore === null) return '';
  const change = rep.averageScore - rep.previousAverageScore;
  return change === 0 ? ' (=)' : ` (${change > 0 ? '+' : ''}${change})`;
};

/**
 * The app's home page: for coaches the team at a glance and the calls waiting for coaching, one
 * after the other; for a rep his own scores and the coaching he received.
 */
export function HomeView({ api, locale = {} }: { api: Api; locale?: Locale }) {
  const [days, setDays] = useState(30);
  // The period is fixed when it is picked, so re-renders do not make a new request each time.
  const period = useMemo(() => {
    const to = new Date();
    return { from: new Date(to.getTime() - days * DAY_MS).toISOString(), to: to.toISOString() };
  }, [days]);
  const range = `from=${encodeURIComponent(period.from)}&to=${encodeURIComponent(period.to)}`;
  const path = `/api/home/team?${range}`;
  const [team, reload] = useRequest(() => api.get<TeamOverview>(path), path);
  const [rep, setRep] = useState<string>(ALL);
  // Further pages of reps, for this period only (a new period starts from its first page).
  const [more, setMore] = useState<MoreReps | null>(null);

  if (team.status === 'loading') return <Loading label="Loading your team…" />;
  if (team.status === 'error') return <Failure error={team.error} onRetry={reload} />;
  const { viewer } = team.data;
  const extra = more?.path === path ? more : null;
  const items = [...team.data.items, ...(extra?.items ?? [])];
  const nextCursor = extra ? extra.nextCursor : team.data.nextCursor;
  // A failed page keeps the reps already shown and says so; the button tries the same cursor again.
  const loadMore = async (cursor: string) => {
    const kept = extra?.items ?? [];
    setMore({ path, items: kept, nextCursor: cursor, loading: true, error: null });
    try {
      const next = await api.get<TeamOverview>(`${path}&cursor=${encodeURIComponent(cursor)}`);
      setMore({ path, items: [...kept, ...next.items], nextCursor: next.nextCursor, loading: false, error: null });
    } catch (error) {
      const failure = error instanceof ApiError ? error : new ApiError('unknown', 0, 'Something went wrong.');
      setMore({ path, items: kept, nextCursor: cursor, loading: false, error: failure });
    }
  };
  const periodPicker = (
    <Select label="Period" name="period" value={days} options={PERIODS} onChange={(value) => setDays(Number(value))} />
  );
  if (viewer.role === 'rep')
    return <RepHome api={api} me={items[0]} userId={viewer.userId} picker={periodPicker} locale={locale} />;

  const shown = rep === ALL ? items : items.filter((item) => item.id === rep);
  return (
    <Flex direction="column" gap="md">
      <Flex direction="row" gap="sm">
        {periodPicker}
        <Select
          label="Rep"
          name="rep"
          value={rep}
          options={[
            { label: 'All reps', value: ALL },
            ...items.map((item) => ({ label: item.name ?? item.email, value: item.id })),
          ]}
          onChange={(value) => setRep(String(value))}
        />
      </Flex>
      {items.length === 0 ? (
        <Empty title="No reps yet">
          {viewer.role === 'admin'
            ? 'Nobody has the rep role yet. Assign roles in the app settings under People.'
            : 'No reps report to you yet. An admin assigns reps to their manager in the app settings.'}
        </Empty>
      ) : (
        <TeamTable reps={shown} />
      )}
      {extra?.error ? (
        <Alert title="Could not load more reps" variant="error">
          {`${extra.error.message} The reps above stay; try again.`}
        </Alert>
      ) : null}
      {nextCursor && rep === ALL ? (
        <Button disabled={extra?.loading === true} onClick={() => void loadMore(nextCursor)}>
          {extra?.loading ? 'Loading…' : extra?.error ? 'Try loading more reps again' : 'Show more reps'}
        </Button>
      ) : null}
      <Queue
        api={api}
        locale={locale}
        range={range}
        repHubspotUserId={shown.length === 1 && rep !== ALL ? shown[0]!.hubspotUserId : null}
        onCoached={reload}
      />
    </Flex>
  );
}

function TeamTable({ reps }: { reps: RepOverview[] }) {
  return (
    <Table bordered>
      <TableHead>
        <TableRow>
          <TableHeader>Rep</TableHeader>
          <TableHeader>Calls</TableHeader>
          <TableHeader>Average score</TableHeader>
          <TableHeader>Coaching sent / acknowledged / applied</TableHeader>
          <TableHeader>Not coached yet</TableHeader>
        </TableRow>
      </TableHead>
      <TableBody>
        {reps.map((rep) => (
          <TableRow key={rep.id}>
            <TableCell>{rep.name ?? rep.email}</TableCell>
            <TableCell>{rep.calls}</TableCell>
            <TableCell>{rep.averageScore === null ? '—' : `${rep.averageScore}${trendOf(rep)}`}</TableCell>
            <TableCell>{`${rep.coaching.sent} / ${rep.coaching.acknowledged} / ${rep.coaching.applied}`}</TableCell>
            <TableCell>{rep.uncoachedCalls}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/**
 * The calls of the period nobody has coached yet, newest first: open one, write the coaching, and
 * it leaves the queue.
 */
function Queue(props: {
  api: Api;
  locale: Locale;
  range: string;
  repHubspotUserId: number | null;
  onCoached: () => void;
}) {
  const { api, locale, range, repHubspotUserId } = props;
  const path = `/api/home/queue?limit=10&${range}${repHubspotUserId ? `&repHubspotUserId=${repHubspotUserId}` : ''}`;
  const [queue, reload] = useRequest(() => api.get<CoachingQueue>(path), path);
  const coached = () => {
    reload();
    props.onCoached();
  };
  return (
    <Flex direction="column" gap="sm">
      <Heading>Calls waiting for coaching</Heading>
      {queue.status === 'loading' ? <Loading label="Loading the queue…" /> : null}
      {queue.status === 'error' ? <Failure error={queue.error} onRetry={reload} /> : null}
      {queue.status === 'ready' && queue.data.items.length === 0 ? (
        <Empty title="All caught up">
          Every call of the period has coaching sent. New calls appear here as they sync.
        </Empty>
      ) : null}
      {queue.status === 'ready'
        ? queue.data.items.map((call) => (
            <Tile key={call.id}>
              <Flex direction="row" justify="between" align="center">
                <Flex direction="column" gap="xs">
                  <Heading>{call.title}</Heading>
                  <Text>{`${call.rep.name ?? call.rep.email} · ${formatDate(call.startedAt, locale)} · ${minutes(call.durationSeconds)}`}</Text>
                </Flex>
                {call.score !== null ? <ScoreCircle score={call.score} /> : null}
                <Button
                  variant="primary"
                  overlay={
                    <CallPanel api={api} id={call.id} title={call.title} locale={locale}>
                      <CoachingForm api={api} calls={[{ id: call.id, title: call.title }]} onSaved={coached} />
                    </CallPanel>
                  }
                >
                  {`Coach ${call.title}`}
                </Button>
              </Flex>
            </Tile>
          ))
        : null}
      {queue.status === 'ready' && queue.data.nextCursor ? (
        <Text>More calls are waiting: the queue shows the newest ten, and the next ones move up as you coach.</Text>
      ) : null}
    </Flex>
  );
}

/** A rep's own page: his numbers, his call scores over time, and the coaching sent to him. */
function RepHome(props: {
  api: Api;
  me: RepOverview | undefined;
  userId: string;
  picker: JSX.Element;
  locale: Locale;
}) {
  const { api, me, userId } = props;
  const trendPath = `/api/cards/coaching/trend?repUserId=${userId}`;
  const [trend] = useRequest(() => api.get<Trend>(trendPath), trendPath);
  const [coaching] = useRequest(() => api.get<Pick<CoachingList, 'items'>>('/api/home/coaching'), 'coaching');
  const points = trend.status === 'ready' ? scoreChartData(trend.data.points, props.locale) : [];
  return (
    <Flex direction="column" gap="md">
      {props.picker}
      {me ? (
        <Text>{`${me.calls} calls · average score ${me.averageScore ?? '—'}${trendOf(me)} · coaching received ${me.coaching.sent}, acknowledged ${me.coaching.acknowledged}, applied ${me.coaching.applied}`}</Text>
      ) : null}
      <Heading>Your call scores</Heading>
      {points.length >= 2 ? (
        <LineChart
          data={points}
          axes={{
            x: { field: 'date', fieldType: 'category', label: 'Call' },
            y: { field: 'score', fieldType: 'linear', label: 'Call score' },
          }}
        />
      ) : (
        <Text>Not enough scored calls yet for a trend.</Text>
      )}
      <Heading>Coaching you received</Heading>
      {coaching.status === 'error' ? <Text>{coaching.error.message}</Text> : null}
      {coaching.status === 'ready' && coaching.data.items.length === 0 ? (
        <Text>No coaching sent to you yet.</Text>
      ) : null}
      {coaching.status === 'ready'
        ? coaching.data.items.map((message) => (
            <Tile key={message.id}>
              <Flex direction="column" gap="xs">
                <Flex direction="row" gap="sm" align="center">
                  <StatusTag variant={message.status === 'acknowledged' ? 'success' : 'info'}>
                    {message.status}
                  </StatusTag>
                  <Heading>{`${categoryLabel(message.category)} · ${message.conversationTitle}`}</Heading>
                </Flex>
                <Text>{message.body}</Text>
              </Flex>
            </Tile>
          ))
        : null}
    </Flex>
  );
}
