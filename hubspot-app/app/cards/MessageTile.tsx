import { Button, Flex, Heading, Link, Select, StatusTag, Text, Tile } from '@hubspot/ui-extensions';
import {
  Confirm,
  formatClock,
  valueLabel,
  type CoachingList,
  type CoachingMessage,
  type CoachingStatus as Status,
} from '@fathom-hubspot/ui-shared';

/** Posts to the coaching API; `done` is the success message HubSpot shows. */
export type Act = (path: string, done: string, body?: Record<string, unknown>) => Promise<void>;

const STATUS_VARIANT: Record<Status, 'default' | 'info' | 'success' | 'warning'> = {
  draft: 'default',
  sent: 'info',
  acknowledged: 'success',
  dismissed: 'warning',
};
const OUTCOMES = [
  { value: 'applied', label: 'Applied' },
  { value: 'not_yet', label: 'Not yet' },
  { value: 'not_applicable', label: 'Not applicable' },
];

/** One coaching message: what it says, for whom, at which moment, and what the viewer may do with it. */
export function MessageTile(props: {
  message: CoachingMessage;
  viewer: CoachingList['viewer'];
  busy: boolean;
  act: Act;
}) {
  const { message, viewer, busy, act } = props;
  const coach = viewer.role !== 'rep';
  const path = `/api/cards/coaching/${message.id}`;
  const author = message.authorUserId === viewer.userId;
  return (
    <Tile>
      <Flex direction="column" gap="xs">
        <Flex direction="row" gap="sm" align="center">
          <StatusTag variant={STATUS_VARIANT[message.status]}>{valueLabel(message.status)}</StatusTag>
          <Heading>{`${valueLabel(message.category)} · ${message.conversationTitle}`}</Heading>
        </Flex>
        <Text>{message.body}</Text>
        <Flex direction="row" gap="xs">
          <Text>{`For ${message.repEmail}`}</Text>
          {message.momentSeconds !== null && message.momentPlaybackUrl ? (
            <Link
              href={{ url: message.momentPlaybackUrl, external: true }}
            >{`at ${formatClock(message.momentSeconds)}`}</Link>
          ) : null}
          {message.momentSeconds !== null && !message.momentPlaybackUrl ? (
            <Text>{`at ${formatClock(message.momentSeconds)}`}</Text>
          ) : null}
        </Flex>
        {message.outcome ? (
          <Text>{`Outcome: ${valueLabel(message.outcome.result)}${measuredText(message.outcome.measured)}`}</Text>
        ) : null}
        {coach && message.status !== 'draft' && !message.outcome ? (
          <Select
            label="Outcome"
            name={`outcome-${message.id}`}
            placeholder="Record how it went"
            options={OUTCOMES}
            readOnly={busy}
            onChange={(result) => void act(`${path}/outcome`, 'Outcome recorded.', { result: String(result) })}
          />
        ) : null}
        <Flex direction="row" gap="xs" wrap="wrap">
          {coach && message.status === 'draft' ? (
            <Button
              variant="primary"
              disabled={busy}
              onClick={() => void act(`${path}/send`, `Coaching sent to ${message.repEmail}.`)}
            >
              Send
            </Button>
          ) : null}
          {coach && message.status === 'sent' && author ? (
            <Confirm
              id={`retract-${message.id}`}
              label="Retract"
              title="Retract this coaching?"
              body={`${message.repEmail} no longer sees it; it goes back to your drafts.`}
              confirmLabel="Yes, retract"
              disabled={busy}
              onConfirm={() => void act(`${path}/retract`, 'Coaching retracted: it is a draft again.')}
            />
          ) : null}
          {coach && message.status === 'sent' ? (
            <Confirm
              id={`dismiss-${message.id}`}
              label="Dismiss"
              title="Dismiss this coaching?"
              body="It is closed without an acknowledgement from the rep. This cannot be undone."
              confirmLabel="Yes, dismiss"
              danger
              disabled={busy}
              onConfirm={() => void act(`${path}/dismiss`, 'Coaching dismissed.')}
            />
          ) : null}
          {message.status === 'sent' && message.repUserId === viewer.userId ? (
            <Button variant="primary" disabled={busy} onClick={() => void act(`${path}/acknowledge`, 'Acknowledged.')}>
              Acknowledge
            </Button>
          ) : null}
        </Flex>
      </Flex>
    </Tile>
  );
}

function measuredText(
  measured: { metricName: string | null; before: number | null; after: number | null } | undefined,
) {
  if (!measured?.metricName || measured.before === null || measured.after === null) return '';
  return ` · ${measured.metricName}: ${measured.before} before → ${measured.after} after`;
}
