import { useState } from 'react';
import { Button, Flex, Heading, SearchInput, Text } from '@hubspot/ui-extensions';
import { PageLink, usePageRoute } from '@hubspot/ui-extensions/pages';
import {
  ApiError,
  Empty,
  Failure,
  Loading,
  SearchHits,
  useRequest,
  type SearchHit,
  type SearchResults,
} from '@fathom-hubspot/ui-shared';
import { PageFrame } from './PageFrame';
import { usePagesEnv } from './pagesEnv';

type More = { path: string; items: SearchHit[]; nextCursor: string | null; loading: boolean; error: ApiError | null };

/**
 * Search across the calls the viewer may see (GET /api/search): "exact phrase", -word, or. Each
 * call shows the lines that matched, each opening the recording at its second. A link to
 * /search?q=… opens with that search.
 */
export function SearchPage() {
  const { api, locale } = usePagesEnv();
  const initial = usePageRoute().params.q ?? '';
  const [text, setText] = useState(initial);
  const [q, setQ] = useState(initial.trim());
  const [more, setMore] = useState<More | null>(null);
  const path = q ? `/api/search?q=${encodeURIComponent(q)}` : '';
  const [results, reload] = useRequest(
    () => (q ? api.get<SearchResults>(path) : Promise.resolve<SearchResults>({ items: [], nextCursor: null })),
    path,
  );
  const submit = () => setQ(text.trim().slice(0, 200));
  const extra = more?.path === path ? more : null;
  const loadMore = async (cursor: string) => {
    const kept = extra?.items ?? [];
    setMore({ path, items: kept, nextCursor: cursor, loading: true, error: null });
    try {
      const next = await api.get<SearchResults>(`${path}&cursor=${encodeURIComponent(cursor)}`);
      setMore({ path, items: [...kept, ...next.items], nextCursor: next.nextCursor, loading: false, error: null });
    } catch (error) {
      const failure = error instanceof ApiError ? error : new ApiError('unknown', 0, 'Something went wrong.');
      setMore({ path, items: kept, nextCursor: cursor, loading: false, error: failure });
    }
  };

  return (
    <PageFrame title="Search calls">
      <Flex direction="row" gap="sm" align="end">
        <SearchInput
          label="Search the calls' transcripts, titles and summaries"
          name="q"
          value={text}
          placeholder='pricing -discount, "next steps", budget or timeline'
          onChange={setText}
        />
        <Button variant="primary" disabled={text.trim() === ''} onClick={submit}>
          Search
        </Button>
      </Flex>
      {!q ? (
        <Text>Words find calls that hold them all; "quotes" a phrase; -word leaves a word out; or finds either.</Text>
      ) : null}
      {q && results.status === 'loading' ? <Loading label="Searching…" /> : null}
      {results.status === 'error' ? <Failure error={results.error} onRetry={reload} /> : null}
      {q && results.status === 'ready' && results.data.items.length === 0 ? (
        <Empty title="No calls found">{`No call you may see matches “${q}”.`}</Empty>
      ) : null}
      {q && results.status === 'ready' && results.data.items.length > 0 ? (
        <>
          <Heading>{`Calls matching “${q}”`}</Heading>
          <SearchHits
            hits={[...results.data.items, ...(extra?.items ?? [])]}
            locale={locale}
            titleOf={(hit) => (
              <PageLink to="/calls/:id" params={{ id: hit.id }}>
                {hit.title}
              </PageLink>
            )}
          />
          {extra?.error ? <Text>{`${extra.error.message} The calls above stay; try again.`}</Text> : null}
          {(extra ? extra.nextCursor : results.data.nextCursor) ? (
            <Button
              disabled={extra?.loading === true}
              onClick={() => void loadMore((extra ? extra.nextCursor : results.data.nextCursor)!)}
            >
              {extra?.loading ? 'Loading…' : 'Show more calls'}
            </Button>
          ) : null}
        </>
      ) : null}
    </PageFrame>
  );
}
