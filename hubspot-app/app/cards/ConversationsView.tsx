import { useState } from 'react';
import { Alert, Button, Flex, Heading, ScoreCircle, Tag, Text, Tile } from '@hubspot/ui-extensions';
import {
  ApiError,
  CallPanel,
  Empty,
  Failure,
  Loading,
  formatDate,
  minutes,
  useRequest,
  type Api,
  type ConversationItem,
  type ConversationPage as Page,
  type Locale,
} from '@fathom-hubspot/ui-shared';
import { CallSearch } from './CallSearch';
import { RecordStatistics } from './RecordStatistics';

export type { ConversationItem };

const PAGE_SIZE = 10;

type Props = {
  api: Api;
  objectType: 'contacts' | 'deals' | 'companies';
  objectId: number;
  locale?: Locale;
  /** Where an admin connects Fathom (the app's settings page, through HubSpot's Connected apps). */
};

type More = { items: ConversationItem[]; nextCursor: string | null; loading: boolean; error: ApiError | null };

/** The calls with this record, newest first; each opens in HubSpot's side panel. */
export function ConversationsView({ api, objectType, objectId, locale = {} }: Props) {
  const [more, setMore] = useState<More | null>(null);
  const base = `/api/cards/conversations?objectType=${objectType}&objectId=${objectId}&limit=${PAGE_SIZE}`;
  const [state, reload] = useRequest(() => api.get<Page>(base), base);
  const statistics =
    objectType === 'contacts' ? null : (
      <RecordStatistics api={api} objectType={objectType} objectId={objectId} locale={locale} />
    );

  if (state.status === 'loading') return <Loading label="Loading calls…" />;
  if (state.status === 'error') return <Failure error={state.error} onRetry={reload} />;
  const page = state.data;
  const items = [...page.items, ...(more?.items ?? [])];
  const nextCursor = more ? more.nextCursor : page.nextCursor;
  // A failed page keeps what was loaded and says so; the button tries the same cursor again.
  const loadMore = async (cursor: string) => {
    setMore((current) => ({ items: current?.items ?? [], nextCursor: cursor, loading: true, error: null }));
    try {
      const next = await api.get<Page>(`${base}&cursor=${encodeURIComponent(cursor)}`);
      setMore((current) => ({
        items: [...(current?.items ?? []), ...next.items],
        nextCursor: next.nextCursor,
        loading: false,
        error: null,
      }));
    } catch (error) {
      const failure = error instanceof ApiError ? error : new ApiError('unknown', 0, 'Something went wrong.');
      setMore((current) => ({ items: current?.items ?? [], nextCursor: cursor, loading: false, error: failure }));
    }
  };
  const admin = page.viewer.role === 'admin';
  const stale =
    page.fathom === 'needs_reauth' ? (
      <Alert title="New calls are not syncing" variant="warning">
        {admin
          ? 'Fathom no longer accepts this app’s access. Reconnect Fathom in the app settings; the calls below stay.'
          : 'Fathom needs to be reconnected by an admin of this portal; the calls below stay.'}
      </Alert>
    ) : null;
  if (items.length === 0) {
    if (stale) return stale;
    if (admin && page.fathom === 'not_connected') {
      return (
        <Flex direction="column" gap="sm">
          <Empty title="Connect Fathom">
            Fathom is not connected yet. Connect it in the app settings, and calls with this record will appear here.
          </Empty>
          {page.settingsUrl ? (
            <Button href={{ url: page.settingsUrl, external: false }}>Open the app settings</Button>
          ) : null}
        </Flex>
      );
    }
    return <Empty title="No calls yet">No recorded calls with this record yet.</Empty>;
  }
  return (
    <Flex direction="column" gap="sm">
      {stale}
      {statistics}
      {page.nextCursor ? <CallSearch api={api} objectType={objectType} objectId={objectId} locale={locale} /> : null}
      {items.map((item) => (
        <Tile key={item.id}>
          <Flex direction="row" justify="between" align="center">
            <Flex direction="column" gap="xs">
              <Heading>{item.title}</Heading>
              <Text>{`${formatDate(item.startedAt, locale)} · ${minutes(item.durationSeconds)} · ${item.participants.map((p) => p.name ?? p.email).join(', ')}`}</Text>
              {item.openActionItems > 0 ? (
                <Tag variant="warning">{`${item.openActionItems} open action items`}</Tag>
              ) : null}
            </Flex>
            {item.score !== null ? <ScoreCircle score={item.score} /> : null}
            <Button
              overlay={<CallPanel api={api} id={item.id} title={item.title} locale={locale} />}
            >{`Open ${item.title}`}</Button>
          </Flex>
        </Tile>
      ))}
      {more?.error ? (
        <Alert title="Could not load more calls" variant="error">
          {`${more.error.message} The calls above stay; try again.`}
        </Alert>
      ) : null}
      {nextCursor ? (
        <Button disabled={more?.loading === true} onClick={() => void loadMore(nextCursor)}>
          {more?.loading ? 'Loading…' : more?.error ? 'Try loading more again' : 'Load more'}
        </Button>
      ) : null}
    </Flex>
  );
}
