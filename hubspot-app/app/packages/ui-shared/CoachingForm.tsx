import { useState } from 'react';
import { Alert, Button, Flex, Heading, Input, Select, Text, TextArea, Tile } from '@hubspot/ui-extensions';
import type { Api } from './api';
import { COACHING_CATEGORIES } from './coachingCategories';
import { formatClock, parseClock } from './format';
import { valueLabel } from './labels';
import type { CoachingMessage, ConversationDetail, Suggestion, Suggestions } from './types';
import { useAction } from './useAction';
import { useRequest } from './useRequest';

// Capitalised where it stands alone (a select's option, a suggestion's lead).
const categoryOption = valueLabel;

/** What a suggestion reads as in the list, and the text it starts a draft with. */
const suggestionText = (suggestion: Suggestion) =>
  suggestion.kind === 'ai_review'
    ? `AI review: ${suggestion.reason}. ${suggestion.body}`
    : suggestion.kind === 'past_coaching'
      ? suggestion.body
      : suggestion.reason;

// hubspot.fetch retries once on a 5xx: the key makes that retry answer the first draft.
const newKey = () =>
  globalThis.crypto?.randomUUID?.() ?? `k${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`;

type Props = {
  api: Api;
  /** The calls the coach may pick from; the first is chosen. */
  calls: Array<{ id: string; title: string }>;
  onSaved: (message: CoachingMessage) => void;
};

/**
 * A coach writes a message about a call: category, text, and the moment (typed as m:ss, or one
 * of the call's key moments), with the analysis' and past coaching's suggestions to start from.
 */
export function CoachingForm({ api, calls, onSaved }: Props) {
  const [conversationId, setConversationId] = useState<string | undefined>();
  const [category, setCategory] = useState<string>('discovery');
  const [body, setBody] = useState('');
  const [moment, setMoment] = useState('');
  const [key, setKey] = useState(newKey);
  const { busy, problem, run } = useAction();
  const chosen = conversationId ?? calls[0]?.id;
  const detailPath = chosen ? `/api/cards/conversations/${chosen}` : '';
  const [detail] = useRequest(
    () => (chosen ? api.get<ConversationDetail>(detailPath) : Promise.resolve(null)),
    detailPath,
  );
  const suggestionsPath = chosen ? `/api/cards/conversations/${chosen}/suggestions` : '';
  const [suggestions] = useRequest(
    () => (chosen ? api.get<Suggestions>(suggestionsPath) : Promise.resolve({ items: [], nextCursor: null })),
    suggestionsPath,
  );
  if (!chosen) return null;
  const momentSeconds = moment.trim() === '' ? undefined : parseClock(moment);
  const momentInvalid = momentSeconds === null;
  const keyMoments = detail.status === 'ready' ? (detail.data?.keyMoments ?? []) : [];

  const save = (send: boolean) =>
    run(async () => {
      const created = await api.post<CoachingMessage>('/api/cards/coaching', {
        conversationId: chosen,
        category,
        body: body.trim(),
        clientKey: key,
        ...(typeof momentSeconds === 'number' ? { momentSeconds } : {}),
      });
      const message = send ? await api.post<CoachingMessage>(`/api/cards/coaching/${created.id}/send`) : created;
      setBody('');
      setMoment('');
      setKey(newKey());
      onSaved(message);
    });

  return (
    <Tile>
      <Flex direction="column" gap="xs">
        <Heading>Write coaching</Heading>
        {problem ? (
          <Alert title="The coaching was not saved" variant="error">
            {problem}
          </Alert>
        ) : null}
        {calls.length > 1 ? (
          <Select
            label="Call"
            name="conversationId"
            value={chosen}
            options={calls.map((c) => ({ label: c.title, value: c.id }))}
            onChange={(value) => setConversationId(String(value))}
          />
        ) : (
          <Text>{`About ${calls[0]!.title}`}</Text>
        )}
        {suggestions.status === 'ready' && suggestions.data.items.length ? (
          <Flex direction="column" gap="xs">
            <Text format={{ fontWeight: 'demibold' }}>Suggestions</Text>
            {suggestions.data.items.map((suggestion, index) => (
              <Flex key={index} direction="row" gap="xs" align="center">
                <Text>{`${categoryOption(suggestion.category)}: ${suggestionText(suggestion)}`}</Text>
                <Button
                  size="xs"
                  onClick={() => {
                    setCategory(suggestion.category);
                    setBody(suggestion.kind === 'ai_review' ? suggestion.body : suggestionText(suggestion));
                    // A point of the AI review starts the draft at the moment it quotes.
                    if (suggestion.kind === 'ai_review' && suggestion.momentSeconds !== null)
                      setMoment(formatClock(suggestion.momentSeconds));
                  }}
                >
                  Use
                </Button>
              </Flex>
            ))}
          </Flex>
        ) : null}
        <Select
          label="Category"
          name="category"
          value={category}
          options={COACHING_CATEGORIES.map((c) => ({ label: categoryOption(c), value: c }))}
          onChange={(value) => setCategory(String(value))}
        />
        <TextArea label="Message" name="body" value={body} onChange={setBody} />
        <Input
          label="Moment in the call (m:ss)"
          name="moment"
          placeholder="12:30"
          value={moment}
          onChange={setMoment}
          error={momentInvalid}
          validationMessage={momentInvalid ? 'Write the moment as minutes:seconds, e.g. 12:30.' : undefined}
        />
        {keyMoments.length ? (
          <Select
            label="Or pick a key moment"
            name="keyMoment"
            value={
              typeof momentSeconds === 'number' && keyMoments.some((m) => m.seconds === momentSeconds)
                ? momentSeconds
                : undefined
            }
            options={keyMoments.map((m) => ({ label: `${formatClock(m.seconds)} ${m.label}`, value: m.seconds }))}
            onChange={(value) => setMoment(formatClock(Number(value)))}
          />
        ) : null}
        <Flex direction="row" gap="xs">
          <Button
            variant="primary"
            disabled={busy || body.trim() === '' || momentInvalid}
            onClick={() => void save(false)}
          >
            Save draft
          </Button>
          <Button disabled={busy || body.trim() === '' || momentInvalid} onClick={() => void save(true)}>
            Save and send
          </Button>
        </Flex>
      </Flex>
    </Tile>
  );
}
