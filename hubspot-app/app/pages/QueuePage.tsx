import { useState } from 'react';
import {
  Button,
  Flex,
  ScoreCircle,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@hubspot/ui-extensions';
import { PageLink } from '@hubspot/ui-extensions/pages';
import {
  CallPanel,
  CoachingForm,
  Empty,
  Failure,
  Loading,
  formatDate,
  minutes,
  useRequest,
  type CoachingQueue,
} from '@fathom-hubspot/ui-shared';
import { useCursorPages } from './cursorPages';
import { PageFrame } from './PageFrame';
import { usePagesEnv } from './pagesEnv';
import { PERIODS, usePeriod } from './periods';
import { RepPicker } from './RepPicker';

const PAGE_SIZE = 10;

/** GET /api/home/queue: `hasCalls` tells an empty first page "all coached" from "no calls at all". */
type QueueAnswer = CoachingQueue & { hasCalls?: boolean };

/**
 * The calls of the period nobody has coached yet, newest first, page by page with the table's own
 * pagination (the API pages by cursor: a page's cursor is known once the page before it loaded).
 * Open one, write the coaching, and it leaves the queue.
 */
export function QueuePage() {
  const { api, locale } = usePagesEnv();
  const { days, setDays, range } = usePeriod();
  const [rep, setRep] = useState<number | null>(null);
  const filter = `${range}${rep ? `&repHubspotUserId=${rep}` : ''}`;
  const pages = useCursorPages(filter);
  const path = `/api/home/queue?limit=${PAGE_SIZE}&${filter}${pages.cursor ? `&cursor=${encodeURIComponent(pages.cursor)}` : ''}`;
  const [queue, reload] = useRequest(() => api.get<QueueAnswer>(path), path);
  const { pageCount, goTo } = pages.pager(queue.status === 'ready' ? queue.data.nextCursor : null);

  return (
    <PageFrame title="Coaching queue">
      <Flex direction="row" gap="sm">
        <Select
          label="Period"
          name="period"
          value={days}
          options={PERIODS}
          onChange={(value) => setDays(Number(value))}
        />
        <RepPicker onPick={setRep} />
      </Flex>
      {queue.status === 'loading' ? <Loading label="Loading the queue…" /> : null}
      {queue.status === 'error' ? <Failure error={queue.error} onRetry={reload} /> : null}
      {queue.status === 'ready' && queue.data.items.length === 0 && pages.page === 1 ? (
        queue.data.hasCalls === false ? (
          <Empty title="No calls in this period">
            No calls were recorded in this period. Pick a longer period, or check the sync in the app settings.
          </Empty>
        ) : (
          <Empty title="All caught up">
            Every call of the period has coaching sent. New calls appear here as they sync.
          </Empty>
        )
      ) : null}
      {queue.status === 'ready' && queue.data.items.length > 0 ? (
        <Table
          bordered
          paginated
          page={pages.page}
          pageCount={pageCount}
          onPageChange={goTo}
          showFirstLastButtons={false}
        >
          <TableHead>
            <TableRow>
              <TableHeader>Call</TableHeader>
              <TableHeader>Rep</TableHeader>
              <TableHeader>Date</TableHeader>
              <TableHeader>Length</TableHeader>
              <TableHeader>Score</TableHeader>
              <TableHeader>Coaching</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {queue.data.items.map((call) => (
              <TableRow key={call.id}>
                <TableCell>
                  <PageLink to="/calls/:id" params={{ id: call.id }}>
                    {call.title}
                  </PageLink>
                </TableCell>
                <TableCell>{call.rep.name ?? call.rep.email}</TableCell>
                <TableCell>{formatDate(call.startedAt, locale)}</TableCell>
                <TableCell>{minutes(call.durationSeconds)}</TableCell>
                <TableCell>{call.score !== null ? <ScoreCircle score={call.score} /> : '—'}</TableCell>
                <TableCell>
                  <Button
                    variant="primary"
                    overlay={
                      <CallPanel api={api} id={call.id} title={call.title} locale={locale}>
                        <CoachingForm api={api} calls={[{ id: call.id, title: call.title }]} onSaved={reload} />
                      </CallPanel>
                    }
                  >
                    {`Coach ${call.title}`}
                  </Button>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : null}
    </PageFrame>
  );
}
