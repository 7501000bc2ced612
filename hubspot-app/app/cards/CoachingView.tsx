import { useState } from 'react';
import { Button, Flex, Heading, LineChart, NumberInput, Select, StatusTag, Text, TextArea, Tile } from '@hubspot/ui-extensions';
import {
  Empty, Failure, Loading, useAction, useRequest, type Api, type CoachingList, type CoachingMessage,
  type CoachingStatus as Status, type Trend,
} from '@fathom-hubspot/ui-shared';

export type { CoachingMessage };
type Calls = { items: Array<{ id: string; title: string }> };

export const CATEGORIES = ['discovery', 'questioning', 'talk_ratio', 'objection_handling', 'pricing', 'competition', 'next_steps', 'closing', 'product_knowledge', 'rapport', 'other'];
const label = (category: string) => category.replace(/_/g, ' ');
const STATUS_VARIANT: Record<Status, 'default' | 'info' | 'success' | 'warning'> = { draft: 'default', sent: 'info', acknowledged: 'success', dismissed: 'warning' };

/** Coaching on this record's calls; what shows and which buttons depend on the viewer's role. */
export function CoachingView({ api, objectType, objectId }: { api: Api; objectType: 'contacts' | 'deals'; objectId: number }) {
  const query = `objectType=${objectType}&objectId=${objectId}`;
  const [state, reload] = useRequest(() => api.get<CoachingList>(`/api/cards/coaching?${query}`), query);
  const { busy, problem: actionError, run } = useAction();

  if (state.status === 'loading') return <Loading label="Loading coaching…" />;
  if (state.status === 'error') return <Failure error={state.error} onRetry={reload} />;
  const { items, viewer } = state.data;
  const coach = viewer.role !== 'rep';

  const act = (path: string, body?: Record<string, unknown>) => run(() => api.post(path, body), reload);

  return (
    <Flex direction="column" gap="sm">
      {actionError ? <Text>{actionError}</Text> : null}
      {items.length === 0 ? (
        <Empty title="No coaching yet">{coach ? 'No coaching on the calls of this record yet. Write the first message below.' : 'No coaching for you on these calls yet.'}</Empty>
      ) : (
        items.map((message) => (
          <Tile key={message.id}>
            <Flex direction="column" gap="xs">
              <Flex direction="row" gap="sm" align="center">
                <StatusTag variant={STATUS_VARIANT[message.status]}>{message.status}</StatusTag>
                <Heading>{`${label(message.category)} · ${message.conversationTitle}`}</Heading>
              </Flex>
              <Text>{message.body}</Text>
              <Text>{`For ${message.repEmail}${message.momentSeconds !== null ? ` · at ${Math.floor(message.momentSeconds / 60)}:${String(message.momentSeconds % 60).padStart(2, '0')}` : ''}`}</Text>
              {message.outcome ? <Text>{`Outcome: ${label(message.outcome.result)}${measuredText(message.outcome.measured)}`}</Text> : null}
              <Flex direction="row" gap="xs">
                {coach && message.status === 'draft' ? <Button disabled={busy} onClick={() => void act(`/api/cards/coaching/${message.id}/send`)}>Send</Button> : null}
                {coach && message.status === 'sent' ? <Button disabled={busy} onClick={() => void act(`/api/cards/coaching/${message.id}/dismiss`)}>Dismiss</Button> : null}
                {coach && message.status !== 'draft' && !message.outcome ? (
                  <Button disabled={busy} onClick={() => void act(`/api/cards/coaching/${message.id}/outcome`, { result: 'applied' })}>Mark as applied</Button>
                ) : null}
                {!coach && message.status === 'sent' && message.repUserId === viewer.userId ? (
                  <Button variant="primary" disabled={busy} onClick={() => void act(`/api/cards/coaching/${message.id}/acknowledge`)}>Acknowledge</Button>
                ) : null}
              </Flex>
            </Flex>
          </Tile>
        ))
      )}
      {coach ? <NewMessage api={api} query={query} busy={busy} onSave={(body) => act('/api/cards/coaching', body)} /> : null}
      <RepTrend api={api} repUserId={viewer.role === 'rep' ? viewer.userId : items[0]?.repUserId} />
    </Flex>
  );
}

function measuredText(measured: { metricName: string | null; before: number | null; after: number | null } | undefined) {
  if (!measured?.metricName || measured.before === null || measured.after === null) return '';
  return ` · ${measured.metricName}: ${measured.before} before → ${measured.after} after`;
}

function NewMessage({ api, query, busy, onSave }: { api: Api; query: string; busy: boolean; onSave: (body: Record<string, unknown>) => Promise<void> }) {
  const [calls] = useRequest(() => api.get<Calls>(`/api/cards/conversations?${query}&limit=20`), query);
  const [conversationId, setConversationId] = useState<string | undefined>();
  const [category, setCategory] = useState('discovery');
  const [body, setBody] = useState('');
  const [moment, setMoment] = useState<number | undefined>();
  if (calls.status !== 'ready' || calls.data.items.length === 0) return null;
  const chosen = conversationId ?? calls.data.items[0]!.id;
  return (
    <Tile>
      <Flex direction="column" gap="xs">
        <Heading>Write coaching</Heading>
        <Select label="Call" name="conversationId" value={chosen} options={calls.data.items.map((c) => ({ label: c.title, value: c.id }))} onChange={(value) => setConversationId(String(value))} />
        <Select label="Category" name="category" value={category} options={CATEGORIES.map((c) => ({ label: label(c), value: c }))} onChange={(value) => setCategory(String(value))} />
        <TextArea label="Message" name="body" value={body} onChange={setBody} />
        <NumberInput label="Moment (seconds into the call)" name="momentSeconds" min={0} {...(moment !== undefined ? { value: moment } : {})} onChange={setMoment} />
        <Button
          variant="primary"
          disabled={busy || body.trim() === ''}
          onClick={() =>
            void onSave({ conversationId: chosen, category, body: body.trim(), ...(moment !== undefined ? { momentSeconds: moment } : {}) }).then(() => setBody(''))
          }
        >
          Save draft
        </Button>
      </Flex>
    </Tile>
  );
}

function RepTrend({ api, repUserId }: { api: Api; repUserId: string | undefined }) {
  const [trend] = useRequest(
    () => (repUserId ? api.get<Trend>(`/api/cards/coaching/trend?repUserId=${repUserId}`) : Promise.resolve({ points: [] })),
    repUserId ?? '',
  );
  if (trend.status !== 'ready') return null;
  const data = trend.data.points
    .filter((p) => p.score !== null)
    .map((p) => ({ date: p.startedAt.slice(0, 10), score: p.score as number }));
  if (data.length < 2) return null;
  return (
    <LineChart
      data={data}
      axes={{ x: { field: 'date', fieldType: 'category', label: 'Call' }, y: { field: 'score', fieldType: 'linear', label: 'Call score' } }}
    />
  );
}
