import { useEffect } from 'react';
import {
  Alert,
  Button,
  Flex,
  Heading,
  ProgressBar,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
} from '@hubspot/ui-extensions';
import {
  Failure,
  Loading,
  formatDateTimeWithZone,
  humanDuration,
  useAction,
  useRequest,
  valueLabel,
  type AddAlert,
  type Api,
  type Locale,
  type SyncLog,
  type SyncLogs,
  type SyncStarted,
} from '@fathom-hubspot/ui-shared';
import { syncProgress } from './syncProgress';

const problemsOf = (log: SyncLog) =>
  log.status === 'failed' ? (log.errorMessages.at(-1) ?? 'failed') : log.errors ? `${log.errors} retried` : '—';

/** The sync log (in the portal's time zone), the next scheduled run, a running sync's progress, and "Sync now". */
export function SyncSection(props: { api: Api; connected: boolean; locale: Locale; addAlert: AddAlert }) {
  const { api, connected, locale, addAlert } = props;
  const [logs, reload] = useRequest(() => api.get<SyncLogs>('/api/settings/sync-logs?limit=10'), 'sync-logs');
  const { busy, problem, run } = useAction();
  const running = logs.status === 'ready' ? logs.data.items.find((log) => log.status === 'running') : undefined;
  // While a run is going, look again every few seconds.
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(reload, 5000);
    return () => clearTimeout(timer);
  }, [running, reload]);
  if (logs.status === 'loading') return <Loading label="Loading the sync log…" />;
  if (logs.status === 'error') return <Failure error={logs.error} onRetry={reload} />;
  const at = (iso: string) => formatDateTimeWithZone(iso, locale);
  const syncNow = () =>
    run(async () => {
      const answer = await api.post<SyncStarted>('/api/settings/sync');
      addAlert(
        answer.alreadyQueued
          ? { type: 'info', message: 'A sync is already queued.' }
          : { type: 'success', message: 'Sync started.' },
      );
    }, reload);
  return (
    <Flex direction="column" gap="sm">
      <Heading>Sync</Heading>
      <Text>New calls arrive within seconds by webhook; a scheduled sync catches anything missed.</Text>
      {logs.data.nextScheduledRun ? <Text>{`Next scheduled sync: ${at(logs.data.nextScheduledRun)}`}</Text> : null}
      {running ? (
        <ProgressBar
          title={running.kind === 'backfill' ? 'Importing your Fathom history' : 'Syncing'}
          showPercentage={typeof syncProgress(running, locale).value === 'number'}
          {...syncProgress(running, locale)}
        />
      ) : null}
      {problem ? (
        <Alert title="The sync did not start" variant="danger">
          {problem}
        </Alert>
      ) : null}
      <Button disabled={!connected || !!running || busy} onClick={() => void syncNow()}>
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
                <TableCell>{at(log.startedAt)}</TableCell>
                <TableCell>{valueLabel(log.status)}</TableCell>
                <TableCell>{`${log.meetingsNew} new, ${log.meetingsUpdated} updated`}</TableCell>
                <TableCell>{log.durationSeconds === null ? '—' : humanDuration(log.durationSeconds)}</TableCell>
                <TableCell>{problemsOf(log)}</TableCell>
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
