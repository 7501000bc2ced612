import { useState } from 'react';
import {
  Alert,
  Button,
  ScoreCircle,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Tag,
  Text,
} from '@hubspot/ui-extensions';
import {
  ApiError,
  CallPanel,
  formatDate,
  minutes,
  plural,
  type Api,
  type ConversationItem,
  type ConversationPage as Page,
  type Locale,
} from '@fathom-hubspot/ui-shared';

type Loaded = { pages: ConversationItem[][]; nextCursor: string | null };

/**
 * A record's calls in pages of the backend's size, with Table's own pagination: the pages loaded
 * so far, plus one while the backend has a next cursor. Each call's title opens its side panel.
 */
export function CallsTable({ api, base, first, locale }: { api: Api; base: string; first: Page; locale: Locale }) {
  const [loaded, setLoaded] = useState<Loaded>({ pages: [first.items], nextCursor: first.nextCursor });
  const [page, setPage] = useState(1);
  const [failure, setFailure] = useState<{ page: number; error: ApiError } | null>(null);
  const [loading, setLoading] = useState(false);
  const pageCount = loaded.pages.length + (loaded.nextCursor ? 1 : 0);

  const show = async (wanted: number) => {
    setFailure(null);
    if (wanted <= loaded.pages.length || !loaded.nextCursor) return setPage(Math.min(wanted, loaded.pages.length));
    setLoading(true);
    try {
      const next = await api.get<Page>(`${base}&cursor=${encodeURIComponent(loaded.nextCursor)}`);
      setLoaded({ pages: [...loaded.pages, next.items], nextCursor: next.nextCursor });
      setPage(loaded.pages.length + 1);
    } catch (error) {
      const failed = error instanceof ApiError ? error : new ApiError('unknown', 0, 'Something went wrong.');
      setFailure({ page: wanted, error: failed });
    } finally {
      setLoading(false);
    }
  };

  return (
    <>
      {failure ? (
        <Alert title="Could not load more calls" variant="error">
          {`${failure.error.message} The calls below stay; try again.`}
        </Alert>
      ) : null}
      {failure ? <Button onClick={() => void show(failure.page)}>Try loading more again</Button> : null}
      {loading ? <Text>Loading more calls…</Text> : null}
      <Table
        paginated
        page={page}
        pageCount={pageCount}
        onPageChange={(wanted) => void show(wanted)}
        showFirstLastButtons={false}
      >
        <TableHead>
          <TableRow>
            <TableHeader>Call</TableHeader>
            <TableHeader>Date</TableHeader>
            <TableHeader>Duration</TableHeader>
            <TableHeader>Participants</TableHeader>
            <TableHeader>Score</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {(loaded.pages[page - 1] ?? []).map((item) => (
            <TableRow key={item.id}>
              <TableCell>
                <Button
                  variant="transparent"
                  overlay={<CallPanel api={api} id={item.id} title={item.title} locale={locale} />}
                >
                  {item.title}
                </Button>
                {item.openActionItems > 0 ? (
                  <Tag variant="warning">{plural(item.openActionItems, 'open action item')}</Tag>
                ) : null}
              </TableCell>
              <TableCell>{formatDate(item.startedAt, locale)}</TableCell>
              <TableCell>{minutes(item.durationSeconds)}</TableCell>
              <TableCell>{item.participants.map((p) => p.name ?? p.email).join(', ')}</TableCell>
              <TableCell>{item.score !== null ? <ScoreCircle score={item.score} /> : '—'}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}
