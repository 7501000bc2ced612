import { useState } from 'react';
import {
  Alert,
  Button,
  Flex,
  SearchInput,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@hubspot/ui-extensions';
import {
  ApiError,
  Empty,
  Failure,
  Loading,
  useRequest,
  type RepOverview,
  type TeamOverview,
} from '@fathom-hubspot/ui-shared';
import { PageFrame } from './PageFrame';
import { usePagesEnv } from './pagesEnv';
import { PERIODS, usePeriod } from './periods';
import { RepHome } from './RepHome';
import { trendOf } from './scoreChange';

type MoreReps = {
  path: string;
  items: RepOverview[];
  nextCursor: string | null;
  loading: boolean;
  error: ApiError | null;
};

/**
 * The index page. Coaches: the team at a glance for the period, reps found by the server (`q`).
 * A rep: his own numbers, his score trend and the coaching he received.
 */
export function TeamPage() {
  const { api } = usePagesEnv();
  const { days, setDays, period, range } = usePeriod();
  const [find, setFind] = useState('');
  const q = find.trim();
  const path = `/api/home/team?${range}${q ? `&q=${encodeURIComponent(q)}` : ''}`;
  const [team, reload] = useRequest(() => api.get<TeamOverview>(path), path);
  // Further pages of reps, for this period and search only (a new one starts from its first page).
  const [more, setMore] = useState<MoreReps | null>(null);
  const picker = (
    <Select label="Period" name="period" value={days} options={PERIODS} onChange={(value) => setDays(Number(value))} />
  );

  if (team.status === 'loading')
    return (
      <PageFrame title="Team">
        <Loading label="Loading your team…" />
      </PageFrame>
    );
  if (team.status === 'error')
    return (
      <PageFrame title="Team">
        <Failure error={team.error} onRetry={reload} />
      </PageFrame>
    );
  const { viewer } = team.data;
  if (viewer.role === 'rep')
    return (
      <PageFrame title="Your calls">
        <RepHome me={team.data.items[0]} userId={viewer.userId} picker={picker} period={period} />
      </PageFrame>
    );

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
  return (
    <PageFrame title="Team">
      <Flex direction="row" gap="sm">
        {picker}
        <SearchInput label="Find a rep" name="find-rep" value={find} placeholder="Name or email" onChange={setFind} />
      </Flex>
      {items.length === 0 && q ? <Empty title="No rep found">{`No rep of yours matches “${q}”.`}</Empty> : null}
      {items.length === 0 && !q ? (
        <Empty title="No reps yet">
          {viewer.role === 'admin'
            ? 'Nobody has the rep role yet. Assign roles in the app settings under People.'
            : 'No reps report to you yet. An admin assigns reps to their manager in the app settings.'}
        </Empty>
      ) : null}
      {items.length > 0 ? <TeamTable reps={items} /> : null}
      {extra?.error ? (
        <Alert title="Could not load more reps" variant="error">
          {`${extra.error.message} The reps above stay; try again.`}
        </Alert>
      ) : null}
      {nextCursor ? (
        <Button disabled={extra?.loading === true} onClick={() => void loadMore(nextCursor)}>
          {extra?.loading ? 'Loading…' : extra?.error ? 'Try loading more reps again' : 'Show more reps'}
        </Button>
      ) : null}
    </PageFrame>
  );
}

type SortKey = 'rep' | 'calls' | 'averageScore' | 'uncoachedCalls';
type Sort = { key: SortKey; direction: 'ascending' | 'descending' };

const sortValue: Record<SortKey, (rep: RepOverview) => string | number | null> = {
  rep: (rep) => (rep.name ?? rep.email).toLowerCase(),
  calls: (rep) => rep.calls,
  averageScore: (rep) => rep.averageScore,
  uncoachedCalls: (rep) => rep.uncoachedCalls,
};

/** The reps shown, sorted by a column (a rep without a score last either way). */
function sorted(reps: RepOverview[], sort: Sort | null): RepOverview[] {
  if (!sort) return reps;
  const value = sortValue[sort.key];
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return [...reps].sort((a, b) => {
    const [x, y] = [value(a), value(b)];
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    return x < y ? -sign : x > y ? sign : 0;
  });
}

function TeamTable({ reps }: { reps: RepOverview[] }) {
  const [sort, setSort] = useState<Sort | null>(null);
  const header = (key: SortKey, label: string) => (
    <TableHeader
      sortDirection={sort?.key === key ? sort.direction : 'none'}
      onSortChange={(direction) => setSort(direction === 'none' ? null : { key, direction })}
    >
      {label}
    </TableHeader>
  );
  return (
    <Table bordered>
      <TableHead>
        <TableRow>
          {header('rep', 'Rep')}
          {header('calls', 'Calls')}
          {header('averageScore', 'Average score')}
          <TableHeader>Coaching sent / acknowledged / applied</TableHeader>
          {header('uncoachedCalls', 'Not coached yet')}
        </TableRow>
      </TableHead>
      <TableBody>
        {sorted(reps, sort).map((rep) => (
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
