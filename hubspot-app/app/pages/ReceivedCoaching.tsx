import { Button, Flex, Heading, StatusTag, Text, Tile } from '@hubspot/ui-extensions';
import { PageLink } from '@hubspot/ui-extensions/pages';
import { formatDate, useAction, valueLabel, type CoachingMessage } from '@fathom-hubspot/ui-shared';
import { usePagesEnv } from './pagesEnv';

/** The answer of GET /api/home/coaching carries when each message was sent (sentAt). */
export type Received = CoachingMessage & { sentAt?: string | null };

/**
 * Coaching sent to the viewer: when, about which call (a link to its page), and, while it waits
 * for him, a button to acknowledge it (POST /api/cards/coaching/:id/acknowledge).
 */
export function ReceivedCoaching({ message, onChanged }: { message: Received; onChanged: () => void }) {
  const { api, locale, addAlert } = usePagesEnv();
  const { busy, problem, run } = useAction();
  const acknowledge = () =>
    run(async () => {
      await api.post(`/api/cards/coaching/${message.id}/acknowledge`);
      addAlert({ type: 'success', message: 'Acknowledged: your manager sees that you read it.' });
      onChanged();
    });
  return (
    <Tile>
      <Flex direction="column" gap="xs">
        <Flex direction="row" gap="sm" align="center">
          <StatusTag variant={message.status === 'acknowledged' ? 'success' : 'info'}>
            {valueLabel(message.status)}
          </StatusTag>
          <Heading>{valueLabel(message.category)}</Heading>
        </Flex>
        <Text>
          {message.sentAt ? `Sent ${formatDate(message.sentAt, locale)} about ` : 'About '}
          <PageLink to="/calls/:id" params={{ id: message.conversationId }}>
            {message.conversationTitle}
          </PageLink>
        </Text>
        <Text>{message.body}</Text>
        {problem ? <Text>{problem}</Text> : null}
        {message.status === 'sent' ? (
          <Button variant="primary" disabled={busy} onClick={() => void acknowledge()}>
            Acknowledge
          </Button>
        ) : null}
      </Flex>
    </Tile>
  );
}
