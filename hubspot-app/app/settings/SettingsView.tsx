import { useEffect, useState } from 'react';
import {
  Alert, Button, Divider, Flex, Heading, Input, ProgressBar, Select, StatusTag, Table, TableBody, TableCell, TableHead,
  TableHeader, TableRow, Text,
} from '@hubspot/ui-extensions';
import { Failure, Loading, useAction, useRequest, type Api } from '@fathom-hubspot/ui-shared';

type OAuthOffer = { available: true; connectUrl: string; expiresInSeconds: number } | { available: false; reason: string };
type FathomStatus = {
  connected: boolean;
  authType: 'api_key' | 'oauth' | null;
  status: 'active' | 'needs_reauth' | 'revoked' | 'error' | null;
  oauth: OAuthOffer;
  webhookRegistered: boolean;
  lastSyncedAt: string | null;
  lastError: string | null;
  backfillSince: string | null;
};
type SyncLog = {
  id: string;
  kind: string;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  durationSeconds: number | null;
  pages: number;
  meetingsNew: number;
  meetingsUpdated: number;
  meetingsUnchanged: number;
  errors: number;
  errorMessages: string[];
};
type Person = { hubspotUserId: number | null; email: string; role: 'admin' | 'manager' | 'rep'; managerHubspotUserId: number | null };

/** What the connection looks like to an admin, in four words or fewer. */
export function connectionLabel(status: FathomStatus): { text: string; variant: 'success' | 'warning' | 'danger' | 'default' } {
  if (status.connected && !status.webhookRegistered) return { text: 'Webhook missing', variant: 'warning' };
  if (status.connected) return { text: 'Connected', variant: 'success' };
  if (status.status === 'needs_reauth' || status.status === 'error') {
    return { text: status.authType === 'oauth' ? 'Reconnect needed' : 'Key rejected', variant: 'danger' };
  }
  return { text: 'Not connected', variant: 'default' };
}

/** The app's settings page: admins finish the set-up here; everyone else reads why they cannot. */
export function SettingsView({ api }: { api: Api }) {
  const [fathom, reloadFathom] = useRequest(() => api.get<FathomStatus>('/api/settings/fathom'), 'fathom');
  if (fathom.status === 'loading') return <Loading label="Loading settings…" />;
  if (fathom.status === 'error' && fathom.error.code === 'forbidden') {
    return (
      <Flex direction="column" gap="sm">
        <Heading>Fathom for HubSpot</Heading>
        <Text>These settings are managed by your portal's admins: the Fathom connection, who is a manager or a rep, and the sync. Ask an admin if something here needs to change.</Text>
      </Flex>
    );
  }
  if (fathom.status === 'error') return <Failure error={fathom.error} onRetry={reloadFathom} />;
  return (
    <Flex direction="column" gap="md">
      <FathomSection api={api} status={fathom.data} onChange={reloadFathom} />
      <Divider />
      <SyncSection api={api} connected={fathom.data.connected} />
      <Divider />
      <PeopleSection api={api} />
      <Divider />
      <DataSection api={api} />
    </Flex>
  );
}

/** What is stored, and the admin's way to remove the app and delete it all at once (asks first). */
function DataSection({ api }: { api: Api }) {
  const [confirming, setConfirming] = useState(false);
  const [removed, setRemoved] = useState(false);
  const { busy, problem, run } = useAction();
  if (removed) {
    return (
      <Alert title="The app was removed" variant="success">
        The app was uninstalled from this portal and everything it stored was deleted.
      </Alert>
    );
  }
  return (
    <Flex direction="column" gap="sm">
      <Heading>Data</Heading>
      <Text>
        The app stores your Fathom calls (titles, times, participants, transcripts, summaries, action items), their
        analysis, and your team's coaching, for this portal only, with Fathom and HubSpot credentials encrypted. When the
        app is uninstalled, the credentials are destroyed at once and the rest is deleted after 30 days, unless the app is
        installed again.
      </Text>
      {problem ? <Alert title="The app was not removed" variant="danger">{problem}</Alert> : null}
      {confirming ? (
        <Alert title="Remove the app and delete all its data now?" variant="danger">
          This uninstalls the app from this portal and deletes every call, analysis and coaching message it stored, at
          once. It cannot be undone.
        </Alert>
      ) : null}
      <Flex direction="row" gap="xs">
        {confirming ? (
          <>
            <Button
              variant="destructive"
              disabled={busy}
              onClick={() => void run(() => api.delete('/api/settings/installation'), () => setRemoved(true))}
            >
              Yes, remove the app and delete everything
            </Button>
            <Button disabled={busy} onClick={() => setConfirming(false)}>Cancel</Button>
          </>
        ) : (
          <Button variant="destructive" onClick={() => setConfirming(true)}>Remove the app and delete our data</Button>
        )}
      </Flex>
    </Flex>
  );
}

function FathomSection({ api, status, onChange }: { api: Api; status: FathomStatus; onChange: () => void }) {
  const [apiKey, setApiKey] = useState('');
  const [since, setSince] = useState('');
  const { busy, problem, run: act } = useAction();
  const label = connectionLabel(status);
  const run = (call: () => Promise<unknown>) =>
    act(call, () => {
      setApiKey('');
      onChange();
    });
  return (
    <Flex direction="column" gap="sm">
      <Flex direction="row" gap="sm" align="center">
        <Heading>Fathom</Heading>
        <StatusTag variant={label.variant}>{label.text}</StatusTag>
      </Flex>
      {status.status === 'needs_reauth' ? (
        <Alert title="Fathom needs to be reconnected" variant="danger">
          Fathom no longer accepts this app's access, so new calls are not syncing. Connect Fathom again below; calls already synced stay.
        </Alert>
      ) : status.lastError && !status.connected ? <Text>{status.lastError}</Text> : null}
      {problem ? <Alert title="Fathom did not accept this" variant="danger">{problem}</Alert> : null}
      <OAuthConnect offer={status.oauth} connected={status.connected} onCheck={onChange} />
      <Input label={status.connected ? 'Replace the Fathom API key' : 'Or paste a Fathom API key'} name="apiKey" type="password" value={apiKey} onChange={setApiKey} description="In Fathom: Settings → API access. The key is checked with Fathom and stored encrypted." />
      <Input label="Sync calls since (optional, YYYY-MM-DD)" name="backfillSince" value={since} onChange={setSince} />
      <Flex direction="row" gap="xs">
        <Button
          variant="primary"
          disabled={busy || apiKey.trim() === ''}
          onClick={() => void run(() => api.put('/api/settings/fathom', { apiKey: apiKey.trim(), ...(since ? { backfillSince: since } : {}) }))}
        >
          {status.connected ? 'Replace key' : 'Connect with key'}
        </Button>
        {status.connected ? (
          <Button variant="destructive" disabled={busy} onClick={() => void run(() => api.delete('/api/settings/fathom'))}>
            Disconnect
          </Button>
        ) : null}
      </Flex>
    </Flex>
  );
}

/** The recommended way: Fathom's own consent page, opened in a new tab from a short-lived link. */
function OAuthConnect({ offer, connected, onCheck }: { offer: OAuthOffer; connected: boolean; onCheck: () => void }) {
  if (!offer.available) return <Text>{offer.reason}</Text>;
  return (
    <Flex direction="column" gap="xs">
      <Text>Recommended: sign in to Fathom in a new tab and allow access. When Fathom says it is connected, come back and check the status.</Text>
      <Flex direction="row" gap="xs">
        <Button variant="primary" href={{ url: offer.connectUrl, external: true }}>
          {connected ? 'Reconnect with Fathom' : 'Connect with Fathom'}
        </Button>
        <Button onClick={onCheck}>Check status</Button>
      </Flex>
    </Flex>
  );
}

function SyncSection({ api, connected }: { api: Api; connected: boolean }) {
  const [logs, reload] = useRequest(() => api.get<{ items: SyncLog[]; nextScheduledRun: string | null }>('/api/settings/sync-logs?limit=10'), 'sync-logs');
  const [note, setNote] = useState<string | null>(null);
  const running = logs.status === 'ready' ? logs.data.items.find((log) => log.status === 'running') : undefined;
  // While a run is going, look again every few seconds.
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(reload, 5000);
    return () => clearTimeout(timer);
  }, [running, reload]);
  if (logs.status === 'loading') return <Loading label="Loading the sync log…" />;
  if (logs.status === 'error') return <Failure error={logs.error} onRetry={reload} />;
  return (
    <Flex direction="column" gap="sm">
      <Heading>Sync</Heading>
      <Text>New calls arrive within seconds by webhook; a scheduled sync catches anything missed.</Text>
      {logs.data.nextScheduledRun ? <Text>{`Next scheduled sync: ${logs.data.nextScheduledRun.slice(0, 16).replace('T', ' ')} UTC`}</Text> : null}
      {running ? (
        <ProgressBar
          title={running.kind === 'backfill' ? 'Importing your Fathom history' : 'Syncing'}
          valueDescription={`${running.pages} pages, ${running.meetingsNew + running.meetingsUpdated + running.meetingsUnchanged} calls so far`}
        />
      ) : null}
      {note ? <Text>{note}</Text> : null}
      <Button
        disabled={!connected || !!running}
        onClick={() =>
          void api.post<{ alreadyQueued: boolean }>('/api/settings/sync').then(
            (answer) => {
              setNote(answer.alreadyQueued ? 'A sync is already queued.' : 'Sync started.');
              reload();
            },
            (error: Error) => setNote(error.message),
          )
        }
      >
        Sync now
      </Button>
      {logs.data.items.length ? (
        <Table>
          <TableHead>
            <TableRow>
              <TableHeader>Started</TableHeader>
              <TableHeader>Status</TableHeader>
              <TableHeader>Calls</TableHeader>
              <TableHeader>Duration</TableHeader>
              <TableHeader>Problems</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {logs.data.items.map((log) => (
              <TableRow key={log.id}>
                <TableCell>{log.startedAt.slice(0, 16).replace('T', ' ')}</TableCell>
                <TableCell>{log.status}</TableCell>
                <TableCell>{`${log.meetingsNew} new, ${log.meetingsUpdated} updated`}</TableCell>
                <TableCell>{log.durationSeconds === null ? '—' : `${log.durationSeconds} s`}</TableCell>
                <TableCell>{log.status === 'failed' ? (log.errorMessages.at(-1) ?? 'failed') : log.errors ? `${log.errors} retried` : '—'}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      ) : (
        <Text>No sync has run yet.</Text>
      )}
    </Flex>
  );
}

function PeopleSection({ api }: { api: Api }) {
  const [people, reload] = useRequest(() => api.get<{ items: Person[] }>('/api/settings/roles'), 'roles');
  const [problem, setProblem] = useState<string | null>(null);
  const [imported, setImported] = useState<string | null>(null);
  if (people.status === 'loading') return <Loading label="Loading people…" />;
  if (people.status === 'error') return <Failure error={people.error} onRetry={reload} />;
  const coaches = people.data.items.filter((p) => p.role !== 'rep' && p.hubspotUserId !== null);
  const change = (person: Person, update: Partial<Pick<Person, 'role' | 'managerHubspotUserId'>>) => {
    setProblem(null);
    const role = update.role ?? person.role;
    api
      .put('/api/settings/roles', {
        hubspotUserId: person.hubspotUserId,
        role,
        managerHubspotUserId: role === 'rep' ? (update.managerHubspotUserId ?? person.managerHubspotUserId) : null,
      })
      .then(reload, (error: Error) => setProblem(error.message));
  };
  return (
    <Flex direction="column" gap="sm">
      <Heading>People and roles</Heading>
      <Text>Managers coach their reps; admins manage these settings. Everyone starts as a rep when they first open a card.</Text>
      {problem ? <Alert title="Not changed" variant="danger">{problem}</Alert> : null}
      <Button
        onClick={() =>
          void api.post<{ found: number; added: number }>('/api/settings/roles/import').then(
            (answer) => {
              setImported(`${answer.found} HubSpot users found, ${answer.added} added as reps.`);
              reload();
            },
            (error: Error) => setProblem(error.message),
          )
        }
      >
        Import users from HubSpot
      </Button>
      {imported ? <Text>{imported}</Text> : null}
      {people.data.items
        .filter((person) => person.hubspotUserId !== null)
        .map((person) => (
          <Flex key={person.email} direction="row" gap="sm" align="end">
            <Text>{person.email}</Text>
            <Select
              label="Role"
              name={`role-${person.hubspotUserId}`}
              value={person.role}
              options={[{ label: 'Admin', value: 'admin' }, { label: 'Manager', value: 'manager' }, { label: 'Rep', value: 'rep' }]}
              onChange={(value) => change(person, { role: value as Person['role'] })}
            />
            {person.role === 'rep' ? (
              <Select
                label="Manager"
                name={`manager-${person.hubspotUserId}`}
                {...(person.managerHubspotUserId !== null ? { value: person.managerHubspotUserId } : {})}
                options={coaches.map((c) => ({ label: c.email, value: c.hubspotUserId! }))}
                onChange={(value) => change(person, { managerHubspotUserId: Number(value) })}
              />
            ) : null}
          </Flex>
        ))}
    </Flex>
  );
}
