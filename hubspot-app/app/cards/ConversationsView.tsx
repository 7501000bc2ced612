import { useState } from 'react';
import {
  Alert, Button, DescriptionList, DescriptionListItem, Divider, Flex, Heading, Link, List, ScoreCircle, Tag, Text, Tile,
} from '@hubspot/ui-extensions';
import {
  Empty, Failure, Loading, useRequest, type Api, type ConversationDetail as Detail, type ConversationItem,
  type ConversationPage as Page,
} from '@fathom-hubspot/ui-shared';

export type { ConversationItem };

const PAGE_SIZE = 10;
const minutes = (seconds: number) => `${Math.max(1, Math.round(seconds / 60))} min`;
const day = (iso: string) => new Date(iso).toISOString().slice(0, 10);
const clock = (seconds: number | null) =>
  seconds === null ? '' : `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')} `;

/** The calls with this record, newest first, and one call opened. */
export function ConversationsView({ api, objectType, objectId }: { api: Api; objectType: 'contacts' | 'deals'; objectId: number }) {
  const [more, setMore] = useState<{ items: ConversationItem[]; nextCursor: string | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  const base = `/api/cards/conversations?objectType=${objectType}&objectId=${objectId}&limit=${PAGE_SIZE}`;
  const [state, reload] = useRequest(() => api.get<Page>(base), base);

  if (openId) return <ConversationDetail api={api} id={openId} onBack={() => setOpenId(null)} />;
  if (state.status === 'loading') return <Loading label="Loading calls…" />;
  if (state.status === 'error') return <Failure error={state.error} onRetry={reload} />;
  const page = state.data;
  const items = [...page.items, ...(more?.items ?? [])];
  const nextCursor = more ? more.nextCursor : page.nextCursor;
  const loadMore = async (cursor: string) => {
    setLoadingMore(true);
    try {
      const next = await api.get<Page>(`${base}&cursor=${encodeURIComponent(cursor)}`);
      setMore({ items: [...(more?.items ?? []), ...next.items], nextCursor: next.nextCursor });
    } finally {
      setLoadingMore(false);
    }
  };
  const stale =
    page.fathom === 'needs_reauth' ? (
      <Alert title="New calls are not syncing" variant="warning">
        {page.viewer.role === 'admin'
          ? 'Fathom no longer accepts this app’s access. Reconnect Fathom in the app settings; the calls below stay.'
          : 'Fathom needs to be reconnected by an admin of this portal; the calls below stay.'}
      </Alert>
    ) : null;
  if (items.length === 0) {
    if (stale) return stale;
    return page.viewer.role === 'admin' ? (
      <Empty title="No calls yet">No calls yet — connect Fathom in the app settings, and calls with this record will appear here.</Empty>
    ) : (
      <Empty title="No calls yet">No recorded calls with this record yet.</Empty>
    );
  }
  return (
    <Flex direction="column" gap="sm">
      {stale}
      {items.map((item) => (
        <Tile key={item.id}>
          <Flex direction="row" justify="between" align="center">
            <Flex direction="column" gap="xs">
              <Heading>{item.title}</Heading>
              <Text>{`${day(item.startedAt)} · ${minutes(item.durationSeconds)} · ${item.participants.map((p) => p.name ?? p.email).join(', ')}`}</Text>
              {item.openActionItems > 0 ? <Tag variant="warning">{`${item.openActionItems} open action items`}</Tag> : null}
            </Flex>
            {item.score !== null ? <ScoreCircle score={item.score} /> : null}
            <Button onClick={() => setOpenId(item.id)}>Open</Button>
          </Flex>
        </Tile>
      ))}
      {nextCursor ? (
        <Button disabled={loadingMore} onClick={() => void loadMore(nextCursor).catch(reload)}>
          {loadingMore ? 'Loading…' : 'Load more'}
        </Button>
      ) : null}
    </Flex>
  );
}

function ConversationDetail({ api, id, onBack }: { api: Api; id: string; onBack: () => void }) {
  const [state, reload] = useRequest(() => api.get<Detail>(`/api/cards/conversations/${id}`), id);
  if (state.status === 'loading') return <Loading label="Loading the call…" />;
  if (state.status === 'error') return <Failure error={state.error} onRetry={reload} />;
  const call = state.data;
  const metrics = call.analysis?.metrics;
  const talk = metrics?.talkRatio?.rep;
  return (
    <Flex direction="column" gap="sm">
      <Button onClick={onBack}>Back to all calls</Button>
      <Heading>{call.title}</Heading>
      {call.url ? <Link href={call.url}>Watch the recording in Fathom</Link> : null}
      <Text>{call.summaryMarkdown ?? 'No summary from Fathom for this call.'}</Text>
      <Divider />
      <DescriptionList direction="row">
        <DescriptionListItem label="Score">{call.analysis?.score ?? '—'}</DescriptionListItem>
        <DescriptionListItem label="Rep talk ratio">{typeof talk === 'number' ? `${Math.round(talk * 100)}%` : '—'}</DescriptionListItem>
        <DescriptionListItem label="Questions">{metrics?.questions?.total ?? '—'}</DescriptionListItem>
        <DescriptionListItem label="Longest monologue">{typeof metrics?.longestRepMonologueSeconds === 'number' ? `${Math.round(metrics.longestRepMonologueSeconds)} s` : '—'}</DescriptionListItem>
      </DescriptionList>
      <Heading>Action items</Heading>
      <List>
        {call.actionItems.map((item, index) => (
          <Text key={index}>{`${item.completed ? '✓' : '○'} ${item.description}`}</Text>
        ))}
      </List>
      <Heading>Key moments</Heading>
      {call.transcriptExcerpt.map((line) => (
        <Text key={line.position}>{`${clock(line.startSeconds)}${line.speaker}: ${line.text}`}</Text>
      ))}
    </Flex>
  );
}
