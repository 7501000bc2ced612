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
import { Empty, Failure, Loading, useRequest, type RepOverview, type TeamOverview } from '@fathom-hubspot/ui-shared';
import { useCursorPages } from './cursorPages';
import { PageFrame } from './PageFrame';
import { usePagesEnv } from './pagesEnv';
import { PERIODS, usePeriod } from './periods';
import { RepHome } from './RepHome';
import { trendOf } from './scoreChange';

/** The answer last loaded, with the period/search (`base`) and the page it is for. */
type Shown = { base: string; page: number; data: TeamOverview };

/**
 * The index page. Coaches: the team at a glance for the period, reps found by the server (`q`),
 * page by page with the table's own pagination (the API pages by cursor: a page's cursor is known
 * once the page before it loaded). A rep: his own numbers, his score trend and the coaching he received.
 */
export function TeamPage() {
  const { api } = usePagesEnv();
  const { days, setDays, period, range } = usePeriod();
  const [find, setFind] = useState('');
  const q = find.trim();
  const base = `/api/home/team?${range}${q ? `&q=${encodeURIComponent(q)}` : ''}`;
  const pages = useCursorPages(base);
  const path = `${base}${pages.cursor ? `&cursor=${encodeURIComponent(pages.cursor)}` : ''}`;
  const [team, reload] = useRequest(() => api.get<TeamOverview>(path), path);
  // The table shows the page last loaded until the next one arrives, and keeps it if that one fails.
  const [shown, setShown] = useState<Shown | null>(null);
  if (team.status === 'ready' && !team.refreshing && shown?.data !== team.data)
    setShown({ base, page: pages.page, data: team.data });
  const picker = (
    <Select label="Period" name="period" value={days} options={PERIODS} onChange={(value) => setDays(Number(value))} />
  );

  // Within one period and search a failed page keeps the table; otherwise there is nothing to keep.
  const kept = shown?.base === base ? shown : null;
  if (team.status === 'error' && !kept)
    return (
      <PageFrame title="Team">
        <Failure error={team.error} onRetry={reload} />
      </PageFrame>
    );
  if (!shown)
    return (
      <PageFrame title="Team">
        <Loading label="Loading your team…" />
      </PageFrame>
    );
  const { viewer, items, nextCursor } = shown.data;
  if (viewer.role === 'rep')
    return (
      <PageFrame title="Your calls">
        <RepHome me={items[0]} userId={viewer.userId} picker={picker} period={period} />
      </PageFrame>
    );

  const { pageCount, goTo } = pages.pager(kept ? nextCursor : null, kept?.page);
  const failed = team.status === 'error' ? team.error : null;
  const page = kept?.page ?? 1;
  const none = items.length === 0 && page === 1;
  return (
    <PageFrame title="Team">
      <Flex direction="row" gap="sm">
        {picker}
        <SearchInput label="Find a rep" name="find-rep" value={find} placeholder="Name or email" onChange={setFind} />
      </Flex>
      {failed ? (
        <Alert title={`Could not load page ${pages.page} of the reps`} variant="error">
          {`${failed.message} The reps shown stay; try again.`}
        </Alert>
      ) : null}
      {failed ? <Button onClick={reload}>Try again</Button> : null}
      {none && q ? <Empty title="No rep found">{`No rep of yours matches “${q}”.`}</Empty> : null}
      {none && !q ? (
        <Empty title="No reps yet">
          {viewer.role === 'admin'
            ? 'Nobody has the rep role yet. Assign roles in the app settings under People.'
            : 'No reps report to you yet. An admin assigns reps to their manager in the app settings.'}
        </Empty>
      ) : null}
      {!none ? <TeamTable reps={items} page={page} pageCount={pageCount} onPageChange={goTo} /> : null}
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

type Pager = { page: number; pageCount: number; onPageChange: (page: number) => void };

/** The reps of the page shown; the headers sort that page. */
function TeamTable({ reps, ...pager }: { reps: RepOverview[] } & Pager) {
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
    <Table bordered paginated {...pager} showFirstLastButtons={false}>
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
