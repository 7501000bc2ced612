import { useState } from 'react';
import {
  Alert,
  Button,
  DateInput,
  Flex,
  Heading,
  Input,
  Modal,
  ModalBody,
  ModalFooter,
  StatusTag,
  Text,
  type BaseDate,
} from '@hubspot/ui-extensions';
import {
  useAction,
  useRequest,
  type AddAlert,
  type Api,
  type FathomConnected,
  type FathomStatus,
  type OAuthOffer,
} from '@fathom-hubspot/ui-shared';

/** What the connection looks like to an admin, in four words or fewer. */
export function connectionLabel(status: FathomStatus): {
  text: string;
  variant: 'success' | 'warning' | 'danger' | 'default';
} {
  if (status.connected && !status.webhookRegistered) return { text: 'Webhook missing', variant: 'warning' };
  if (status.connected) return { text: 'Connected', variant: 'success' };
  if (status.status === 'needs_reauth' || status.status === 'error') {
    return { text: status.authType === 'oauth' ? 'Reconnect needed' : 'Key rejected', variant: 'danger' };
  }
  return { text: 'Not connected', variant: 'default' };
}

/** Connect Fathom (its consent page, or an API key), replace the key, or disconnect. */
export function FathomSection(props: { api: Api; status: FathomStatus; onChange: () => void; addAlert: AddAlert }) {
  const { api, status, onChange, addAlert } = props;
  const [apiKey, setApiKey] = useState('');
  const [since, setSince] = useState<BaseDate | null>(null);
  const { busy, problem, run } = useAction();
  const label = connectionLabel(status);
  // "Import calls since" goes with "Connect with Fathom" too: the link is asked for again with the date.
  const sinceDay = since ? isoDate(since) : '';
  const [dated] = useRequest(
    () => (sinceDay ? api.get<FathomStatus>(`/api/settings/fathom?backfillSince=${sinceDay}`) : Promise.resolve(null)),
    `since:${sinceDay}`,
  );
  const datedOffer = dated.status === 'ready' && !dated.refreshing ? dated.data?.oauth : undefined;
  const offer = sinceDay ? datedOffer : status.oauth;
  const act = (call: () => Promise<unknown>, done: string) =>
    run(call, () => {
      setApiKey('');
      addAlert({ type: 'success', message: done });
      onChange();
    });
  const connect = () =>
    act(
      () =>
        api.put<FathomConnected>('/api/settings/fathom', {
          apiKey: apiKey.trim(),
          ...(since ? { backfillSince: isoDate(since) } : {}),
        }),
      'Fathom is connected: the calls are being imported.',
    );
  return (
    <Flex direction="column" gap="sm">
      <Flex direction="row" gap="sm" align="center">
        <Heading>Fathom</Heading>
        <StatusTag variant={label.variant}>{label.text}</StatusTag>
      </Flex>
      {status.status === 'needs_reauth' ? (
        <Alert title="Fathom needs to be reconnected" variant="danger">
          Fathom no longer accepts this app's access, so new calls are not syncing. Connect Fathom again below; calls
          already synced stay.
        </Alert>
      ) : status.lastError && !status.connected ? (
        <Text>{status.lastError}</Text>
      ) : null}
      {problem ? (
        <Alert title="Fathom did not accept this" variant="danger">
          {problem}
        </Alert>
      ) : null}
      <DateInput
        label="Import calls since (optional)"
        name="backfillSince"
        value={since ?? undefined}
        max={today()}
        maxValidationMessage="Pick a day that has passed."
        description="For both ways of connecting. Without a date, the whole Fathom history is imported."
        onChange={(value) => setSince(value ? { year: value.year, month: value.month, date: value.date } : null)}
      />
      <OAuthConnect offer={offer ?? status.oauth} ready={!!offer} connected={status.connected} onCheck={onChange} />
      <Input
        label={status.connected ? 'Replace the Fathom API key' : 'Or paste a Fathom API key'}
        name="apiKey"
        type="password"
        value={apiKey}
        onChange={setApiKey}
        description="In Fathom: Settings → API access. The key is checked with Fathom and stored encrypted."
      />
      <Flex direction="row" gap="xs">
        {/* One primary action per section: the consent page when it is offered, else the key. */}
        <Button
          variant={status.oauth.available ? 'secondary' : 'primary'}
          disabled={busy || apiKey.trim() === ''}
          onClick={() => void connect()}
        >
          {status.connected ? 'Replace key' : 'Connect with key'}
        </Button>
        {status.connected ? (
          <Button
            variant="destructive"
            disabled={busy}
            overlay={
              <ConfirmDisconnect
                onConfirm={() =>
                  void act(() => api.delete<FathomStatus>('/api/settings/fathom'), 'Fathom is disconnected.')
                }
              />
            }
          >
            Disconnect
          </Button>
        ) : null}
      </Flex>
    </Flex>
  );
}

/** The recommended way: Fathom's own consent page, opened in a new tab from a short-lived link. */
function OAuthConnect(props: { offer: OAuthOffer; ready: boolean; connected: boolean; onCheck: () => void }) {
  const { offer, ready, connected, onCheck } = props;
  if (!offer.available) return <Text>{offer.reason}</Text>;
  return (
    <Flex direction="column" gap="xs">
      <Text>
        Recommended: sign in to Fathom in a new tab and allow access. When Fathom says it is connected, come back and
        check the status.
      </Text>
      <Flex direction="row" gap="xs">
        {/* The link works once: fetch a fresh one as soon as this one is opened. */}
        <Button variant="primary" disabled={!ready} href={{ url: offer.connectUrl, external: true }} onClick={onCheck}>
          {connected ? 'Reconnect with Fathom' : 'Connect with Fathom'}
        </Button>
        <Button onClick={onCheck}>Check status</Button>
      </Flex>
    </Flex>
  );
}

const DISCONNECT_ID = 'disconnect-fathom';

/** Disconnecting stops new calls; it asks first. */
function ConfirmDisconnect({ onConfirm }: { onConfirm: () => void }) {
  return (
    <Modal id={DISCONNECT_ID} title="Disconnect Fathom?" variant="danger">
      <ModalBody>
        <Text>
          New calls stop arriving, the Fathom webhook is removed, and the key or tokens are deleted. Calls already
          synced stay on your records.
        </Text>
      </ModalBody>
      <ModalFooter>
        <Button
          variant="destructive"
          onClick={(_event, reactions) => {
            reactions?.closeModal?.(DISCONNECT_ID);
            onConfirm();
          }}
        >
          Yes, disconnect Fathom
        </Button>
        <Button onClick={(_event, reactions) => reactions?.closeModal?.(DISCONNECT_ID)}>Cancel</Button>
      </ModalFooter>
    </Modal>
  );
}

const isoDate = (day: BaseDate) =>
  `${day.year}-${String(day.month + 1).padStart(2, '0')}-${String(day.date).padStart(2, '0')}`;

function today(): BaseDate {
  const now = new Date();
  return { year: now.getFullYear(), month: now.getMonth(), date: now.getDate() };
}
