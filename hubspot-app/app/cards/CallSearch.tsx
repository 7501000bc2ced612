import { useState } from 'react';
import { Button, Flex, SearchInput, Text } from '@hubspot/ui-extensions';
import {
  Failure,
  Loading,
  SearchHits,
  useRequest,
  type Api,
  type Locale,
  type SearchResults,
} from '@fathom-hubspot/ui-shared';

/**
 * Search in this record's calls (GET /api/search with the record): for a record with more calls
 * than the card lists at once. Each line found opens the recording at its second.
 */
export function CallSearch(props: { api: Api; objectType: string; objectId: number; locale: Locale }) {
  const { api, objectType, objectId, locale } = props;
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const path = q ? `/api/search?q=${encodeURIComponent(q)}&objectType=${objectType}&objectId=${objectId}&limit=10` : '';
  const [results, reload] = useRequest(
    () => (q ? api.get<SearchResults>(path) : Promise.resolve<SearchResults>({ items: [], nextCursor: null })),
    path,
  );
  return (
    <Flex direction="column" gap="sm">
      <Flex direction="row" gap="sm" align="end">
        <SearchInput
          label="Search these calls"
          name="call-search"
          value={text}
          placeholder='pricing, "next steps", -demo'
          onChange={setText}
        />
        <Button disabled={text.trim() === ''} onClick={() => setQ(text.trim().slice(0, 200))}>
          Search
        </Button>
      </Flex>
      {q && results.status === 'loading' ? <Loading label="Searching…" /> : null}
      {q && results.status === 'error' ? <Failure error={results.error} onRetry={reload} /> : null}
      {q && results.status === 'ready' && results.data.items.length === 0 ? (
        <Text>{`No call of yours with this record matches “${q}”.`}</Text>
      ) : null}
      {q && results.status === 'ready' ? <SearchHits hits={results.data.items} locale={locale} /> : null}
    </Flex>
  );
}
